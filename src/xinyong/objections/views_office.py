"""Back-office objection pages (/office/objections/): a department's queue of objections to
its records with their deadlines, one objection with the subject's evidence and the answer
form, the credit office's queue of overdue and escalated objections across departments, and
statistics per department.

Objections are read through `services.visible_to` (another department's is "not found");
answers go through `services.answer`, whose refusals are shown on the form.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from xinyong.core import calendar
from xinyong.core.permissions import Viewer
from xinyong.objections import services
from xinyong.objections.downloads import attachment_response, reply_response
from xinyong.objections.forms import (
    AnswerForm,
    CorrectionForm,
    GradeAnswerForm,
    PeriodForm,
    StateFilter,
)
from xinyong.objections.models import Objection, ObjectionState
from xinyong.office.access import refused, viewer_of
from xinyong.office.views import office_login_required
from xinyong.records.public import shown_record
from xinyong.subjects.services import display_name, masked_id

PAGE_SIZE = 50


def _visible(viewer: Viewer, public_id: str) -> Objection:
    objection = services.visible_to(viewer).filter(public_id=public_id[:32]).first()
    if objection is None:
        raise Http404
    return objection


def _rows(objections: Iterable[Objection]) -> list[dict[str, Any]]:
    today, working = timezone.localdate(), calendar.current()
    return [
        {
            "objection": o,
            "subject": display_name(o.subject),
            "code": o.subject.uscc or masked_id(o.subject),
            "deadline": services.deadline_of(o, today=today, working=working),
        }
        for o in objections
    ]


@require_GET
@office_login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The objections to the viewer's department's records: open ones first, by deadline."""
    viewer = viewer_of(request)
    if viewer.organisation_id is None:
        return refused(request, _("异议处理"), _("只有信息提供部门的工作人员可以处理异议。"))
    filters = StateFilter(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    page = Paginator(services.department_queue(viewer, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": _rows(page),
        "filters": filters,
        "state": state,
        "overseer": services.is_overseer(viewer),
    }
    return render(request, "objections/office_queue.html", context)


@require_GET
@office_login_required
def escalated(request: HttpRequest) -> HttpResponse:
    """For the credit office: open objections past their deadline, in every department."""
    viewer = viewer_of(request)
    if not services.is_overseer(viewer):
        return refused(request, _("异议督办"), _("逾期异议由信用办督办。"))
    page = Paginator(services.escalation_queue(viewer), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "objections/office_escalated.html", {"page": page, "rows": _rows(page)})


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


@require_GET
@office_login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Volumes, outcomes, handling time and timeliness per department (every department for
    the credit office, the viewer's own otherwise)."""
    viewer = viewer_of(request)
    period = PeriodForm(request.GET or None)
    since: datetime.date | None = None
    until: datetime.date | None = None
    if period.is_valid():
        since, until = period.cleaned_data["since"], period.cleaned_data["until"]
    rows = services.statistics(viewer, since=since, until=until)
    total = services.totals(rows)
    context = {
        "period": period,
        "rows": [(row, _percent(row.on_time_rate)) for row in rows],
        "total": (total, _percent(total.on_time_rate)),
        "overseer": services.is_overseer(viewer),
    }
    return render(request, "objections/office_statistics.html", context)


def _answer_form(objection: Objection, data: Any = None) -> AnswerForm | GradeAnswerForm:
    return GradeAnswerForm(data) if objection.is_about_grade else AnswerForm(data)


def _detail(
    request: HttpRequest,
    viewer: Viewer,
    objection: Objection,
    answer_form: AnswerForm | GradeAnswerForm | None = None,
    correction: CorrectionForm | None = None,
) -> HttpResponse:
    may_answer = services.may_answer(viewer, objection)
    record = objection.record
    if may_answer and correction is None and record is not None:
        fields = services.editable_fields(services.item_of(record))
        correction = CorrectionForm(
            fields, objection.subject.kind, initial=services.current_values(record)
        )
    context = {
        "objection": objection,
        "subject": display_name(objection.subject),
        "code": objection.subject.uscc or masked_id(objection.subject),
        "record": shown_record(record) if record is not None else None,
        "score": objection.score,
        "deadline": services.deadline_of(objection),
        "attachments": services.attachments_of(objection),
        "may_answer": may_answer,
        "answer_form": answer_form or _answer_form(objection),
        "correction": correction if may_answer else None,
        "reply": services.reply_of(objection) if objection.answered_on else None,
    }
    return render(request, "objections/office_detail.html", context)


@require_GET
@office_login_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One objection: the record, the subject's reason and evidence, and the answer."""
    viewer = viewer_of(request)
    return _detail(request, viewer, _visible(viewer, public_id))


@require_POST
@office_login_required
def answer(request: HttpRequest, public_id: str) -> HttpResponse:
    """Answer an objection; the page again with the reason if the answer is refused."""
    viewer = viewer_of(request)
    objection = _visible(viewer, public_id)
    form = _answer_form(objection, request.POST)
    correction = None
    if objection.record is not None:
        fields = services.editable_fields(services.item_of(objection.record))
        correction = CorrectionForm(fields, objection.subject.kind, request.POST, initial={})
    corrected = correction is not None and request.POST.get("outcome") == ObjectionState.CORRECTED
    if form.is_valid() and (correction is None or not corrected or correction.is_valid()):
        try:
            services.answer(
                viewer,
                objection,
                form.cleaned_data["outcome"],
                form.cleaned_data["reply"],
                corrected_values=correction.corrected_values()
                if correction is not None and corrected
                else None,
            )
        except services.ObjectionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已答复，答复书已送达异议人"))
            return redirect("office_objections:detail", public_id=objection.public_id)
    return _detail(request, viewer, objection, form, correction)


@require_GET
@office_login_required
def reply_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """The issued reply as a PDF."""
    return reply_response(_visible(viewer_of(request), public_id))


@require_GET
@office_login_required
def attachment(request: HttpRequest, public_id: str, position: int) -> HttpResponse:
    """One of the files the subject filed with the objection."""
    return attachment_response(_visible(viewer_of(request), public_id), position)
