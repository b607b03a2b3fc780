"""The subject's objection pages in its account (/account/objections/): a new objection to
one of its own records or to its current grade under an evaluation model, its objections
with their status and deadlines, and each one with the written reply (HTML, and the issued
PDF to download).

Every page finds objections and records through the signed-in member's own subject: another
subject's id in an address finds nothing (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xinyong.objections import services
from xinyong.objections.downloads import attachment_response, reply_response
from xinyong.objections.forms import GradeObjectionForm, ObjectionForm
from xinyong.objections.models import Objection
from xinyong.records.own import own_record
from xinyong.rights.models import SubjectMember
from xinyong.rights.session import account_context, subject_required


def _member(request: HttpRequest) -> SubjectMember:
    member: SubjectMember = request.member  # type: ignore[attr-defined]
    return member


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """What the account frame needs (`rights/account_base.html`), plus `extra`."""
    return {**account_context(request, "objections"), **extra}


def _own(request: HttpRequest, public_id: str) -> Objection:
    objection = services.objection_of(_member(request).subject, public_id)
    if objection is None:
        raise Http404
    return objection


@require_GET
@subject_required
def objection_list(request: HttpRequest) -> HttpResponse:
    """The subject's objections, newest first, with status and deadline."""
    rows = [
        {"objection": o, "deadline": services.deadline_of(o)}
        for o in services.objections_of(_member(request).subject)
    ]
    return render(request, "objections/account_list.html", _context(request, rows=rows))


@require_http_methods(["GET", "POST"])
@subject_required
def objection_new(request: HttpRequest, record_id: int) -> HttpResponse:
    """Object to one of the subject's own records."""
    member = _member(request)
    record = services.subject_record(member.subject, record_id)
    shown = own_record(member.subject, record_id)
    if record is None or shown is None:
        raise Http404
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection = services.file_objection(
                member,
                record,
                data["ground"],
                data["reason"],
                data["attachments"],
                repair_reference=data["repair_reference"],
            )
        except services.ObjectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("异议已提交，编号 %s") % objection.number)
            return redirect("objections:detail", public_id=objection.public_id)
    pending = services.open_objection_on(record)
    context = _context(
        request,
        form=form,
        record=shown[0],
        pending=pending,
        may_object=services.may_object(member, record),
        due_on=services.response_due(timezone.localdate())[0],
    )
    return render(request, "objections/account_new.html", context)


@require_http_methods(["GET", "POST"])
@subject_required
def grade_objection_new(request: HttpRequest, model_code: str) -> HttpResponse:
    """Object to the subject's current grade under the model `model_code`."""
    member = _member(request)
    score = services.grade_to_object(member, model_code[:32])
    if score is None:
        raise Http404
    form = GradeObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection = services.file_grade_objection(
                member, score.model_code, data["reason"], data["attachments"]
            )
        except services.ObjectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("异议已提交，编号 %s") % objection.number)
            return redirect("objections:detail", public_id=objection.public_id)
    context = _context(
        request,
        form=form,
        score=score,
        pending=services.open_grade_objection(member, score.model_code),
        office=services.credit_office(),
        due_on=services.response_due(timezone.localdate())[0],
    )
    return render(request, "objections/account_grade_new.html", context)


@require_GET
@subject_required
def objection_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One objection: what was objected to, its status and deadline, and the reply."""
    objection = _own(request, public_id)
    answered = objection.answered_on is not None
    context = _context(
        request,
        objection=objection,
        deadline=services.deadline_of(objection),
        attachments=services.attachments_of(objection),
        reply=services.reply_of(objection) if answered else None,
    )
    return render(request, "objections/account_detail.html", context)


@require_GET
@subject_required
def reply_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """The issued reply (答复书) as a PDF download."""
    return reply_response(_own(request, public_id))


@require_GET
@subject_required
def attachment(request: HttpRequest, public_id: str, position: int) -> HttpResponse:
    """One of the files the subject filed with the objection."""
    return attachment_response(_own(request, public_id), position)
