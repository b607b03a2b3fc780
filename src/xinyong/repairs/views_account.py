"""The subject's repair pages in its account: which records may be repaired and from when,
the application (statement, proof, the commitment signed on screen), each application with
its status and deadlines, completion when returned, and the documents to download: the
decision (信用修复决定书) and the notice of repair rights (信用修复告知书).

Every query is filtered by the signed-in member's subject: another subject's record or
application id finds nothing (404), whatever the address says.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.core import calendar as working_calendar
from xinyong.records.models import Record
from xinyong.repairs import services
from xinyong.repairs.forms import ApplyForm, ResubmitForm
from xinyong.repairs.models import RepairApplication, RepairAttachment, RepairState
from xinyong.repairs.services import RepairError
from xinyong.rights.files import open_evidence
from xinyong.rights.session import account_context, subject_required


def _context(request: HttpRequest) -> dict[str, Any]:
    return account_context(request, "repairs")


def _own_application(request: HttpRequest, public_id: str) -> RepairApplication:
    found = services.application_of(request.account_subject, public_id)  # type: ignore[attr-defined]
    if found is None:
        raise Http404
    return found


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@subject_required
def repair_list(request: HttpRequest) -> HttpResponse:
    """The subject's negative records with where each stands for repair, and its
    applications with their status and the deadline each waits on."""
    context = _context(request)
    subject = context["subject"]
    today, working = timezone.localdate(), working_calendar.current()
    applications = list(services.applications_of(subject))
    context |= {
        "options": services.subject_options(subject),
        "applications": [(app, services.current_due(app, today, working)) for app in applications],
    }
    return render(request, "repairs/account/list.html", context)


@require_http_methods(["GET", "POST"])
@subject_required
def apply(request: HttpRequest, record_id: int) -> HttpResponse:
    """Apply for the repair of one of the subject's records."""
    context = _context(request)
    subject = context["subject"]
    option = services.repair_options(subject, [record_id]).get(record_id)
    if option is None:
        raise Http404
    record = Record.objects.select_related("item", "organisation", "subject").get(pk=record_id)
    form = ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and option.may_apply and form.is_valid():
        try:
            application = services.apply(
                request.member,  # type: ignore[attr-defined]
                record_id,
                performance=form.cleaned_data["performance"],
                signer_name=form.cleaned_data["signer_name"],
                signed=form.cleaned_data["signed"],
                files=form.cleaned_data["proof"],
            )
        except RepairError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("信用修复申请已提交"))
            return redirect("repairs:detail", public_id=application.public_id)
    context |= {
        "record": record,
        "option": option,
        "commitment": services.commitment_text(record),
        "form": form,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "repairs/account/apply.html", context, status=status)


def _detail_page(
    request: HttpRequest, application: RepairApplication, form: ResubmitForm | None = None
) -> HttpResponse:
    context = _context(request)
    today, working = timezone.localdate(), working_calendar.current()
    returned = application.state == RepairState.RETURNED
    context |= {
        "application": application,
        "due": services.current_due(application, today, working),
        "steps": services.history(application),
        "attachments": list(application.attachments.all()),
        "form": form
        or (ResubmitForm(initial={"performance": application.performance}) if returned else None),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "repairs/account/detail.html", context, status=status)


@require_GET
@subject_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _detail_page(request, _own_application(request, public_id))


@require_POST
@subject_required
def resubmit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Complete a returned application and submit it again."""
    application = _own_application(request, public_id)
    form = ResubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.resubmit(
                request.member,  # type: ignore[attr-defined]
                application,
                performance=form.cleaned_data["performance"],
                files=form.cleaned_data["proof"],
            )
        except RepairError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已补正并重新提交"))
            return redirect("repairs:detail", public_id=application.public_id)
    return _detail_page(request, application, form)


@require_GET
@subject_required
def decision(request: HttpRequest, public_id: str) -> HttpResponse:
    application = _own_application(request, public_id)
    try:
        content = services.decision_pdf(application)
    except RepairError as exc:
        raise Http404(exc.message) from exc
    return pdf_response(content, f"repair-decision-{application.public_id[:8]}.pdf")


def attachment_response(found: RepairAttachment) -> HttpResponse:
    """A proof file as a download (at most 10 MB, read whole)."""
    with open_evidence(found.stored_path) as handle:
        response = HttpResponse(handle.read(), content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@subject_required
def attachment(request: HttpRequest, public_id: str, attachment_id: int) -> HttpResponse:
    application = _own_application(request, public_id)
    found = application.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    return attachment_response(found)


@require_GET
@subject_required
def notice(request: HttpRequest, record_id: int) -> HttpResponse:
    """The notice of repair rights for one of the subject's own penalty or listing records."""
    record = Record.objects.filter(pk=record_id, subject=request.account_subject).first()  # type: ignore[attr-defined]
    if record is None:
        raise Http404
    try:
        document = services.notice_pdf(record)
    except RepairError as exc:
        raise Http404(exc.message) from exc
    return pdf_response(document.content, f"repair-notice-{record.pk}.pdf")
