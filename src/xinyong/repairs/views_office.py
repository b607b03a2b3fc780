"""Back-office pages of credit repair: the work queue (the credit office checks and forwards
new applications; a department accepts and decides those about its own findings), an
application with its history, proof and the steps its state allows, and the credit
office's statistics per department.

Applications are read through `services.visible_to` (another department's application is
"not found"); every step is taken by the services, whose refusals are shown on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from xinyong.core import calendar as working_calendar
from xinyong.core.permissions import Viewer
from xinyong.office.access import is_credit_office, may_act_on_lists, viewer_of
from xinyong.office.views import office_login_required
from xinyong.repairs import forms as repair_forms
from xinyong.repairs import services
from xinyong.repairs.models import CLOSED_STATES, OPEN_STATES, RepairApplication, RepairState
from xinyong.repairs.services import RepairError
from xinyong.repairs.views_account import attachment_response, pdf_response
from xinyong.subjects.services import display_name, masked_id

PAGE_SIZE = 50

Run = Callable[[Viewer, RepairApplication, dict[str, Any]], RepairApplication]


@dataclass(frozen=True)
class Step:
    """A step an application's page offers: its form, title, the state it applies in,
    who takes it ("office" or "department"), and the service call."""

    form: type[forms.Form]
    title: Promise
    state: str
    by: str
    run: Run


STEPS: dict[str, Step] = {
    "forward": Step(
        repair_forms.ForwardForm, _("材料齐全，转认定部门"), RepairState.SUBMITTED, "office",
        lambda v, a, d: services.forward(v, a, note=d["note"]),
    ),
    "return": Step(
        repair_forms.ReturnForm, _("退回补正"), RepairState.SUBMITTED, "office",
        lambda v, a, d: services.return_for_completion(v, a, reason=d["reason"]),
    ),
    "accept": Step(
        repair_forms.AcceptForm, _("受理"), RepairState.FORWARDED, "department",
        lambda v, a, d: services.accept(v, a),
    ),
    "not_accept": Step(
        repair_forms.NotAcceptForm, _("不予受理"), RepairState.FORWARDED, "department",
        lambda v, a, d: services.not_accept(v, a, reason=d["reason"]),
    ),
    "approve": Step(
        repair_forms.ApproveForm, _("准予修复"), RepairState.ACCEPTED, "department",
        lambda v, a, d: services.approve(v, a, decision_no=d["decision_no"], opinion=d["opinion"]),
    ),
    "deny": Step(
        repair_forms.DenyForm, _("不予修复"), RepairState.ACCEPTED, "department",
        lambda v, a, d: services.deny(v, a, decision_no=d["decision_no"], reason=d["reason"]),
    ),
    "extend": Step(
        repair_forms.ExtendForm, _("延长决定期限"), RepairState.ACCEPTED, "department",
        lambda v, a, d: services.extend(
            v, a, working_days=d["working_days"], reason=d["reason"]
        ),
    ),
}  # fmt: skip


def _offered(viewer: Viewer, application: RepairApplication) -> list[str]:
    """The steps the viewer may take now (the services check again)."""
    if not may_act_on_lists(viewer):
        return []
    office = is_credit_office(viewer)
    own = viewer.organisation_id == application.department_id
    return [
        name
        for name, step in STEPS.items()
        if step.state == application.state
        and ((step.by == "office" and office) or (step.by == "department" and own))
    ]


def _subject(application: RepairApplication) -> dict[str, str]:
    subject = application.subject
    return {"name": display_name(subject), "code": subject.uscc or masked_id(subject)}


def _visible(viewer: Viewer, public_id: str) -> RepairApplication:
    found = services.visible_to(viewer).filter(public_id=public_id[:32]).first()
    if found is None:
        raise Http404
    return found


@require_GET
@office_login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Open applications the viewer may see, overdue first then by deadline; closed ones
    by state on request."""
    viewer = viewer_of(request)
    chosen = request.GET.get("state", "")
    rows = services.visible_to(viewer)
    counts = {state: 0 for state in RepairState.values}
    for state in rows.order_by().values_list("state", flat=True):
        counts[state] += 1
    today, working = timezone.localdate(), working_calendar.current()
    if chosen in CLOSED_STATES:
        page = Paginator(rows.filter(state=chosen).order_by("-closed_on", "-pk"), PAGE_SIZE)
        found = page.get_page(request.GET.get("page"))
        shown: list[tuple[RepairApplication, services.Due | None]] = [(app, None) for app in found]
    else:
        selected = (
            rows.filter(state=chosen)
            if chosen in OPEN_STATES
            else rows.filter(state__in=OPEN_STATES)
        )
        pairs = [(app, services.current_due(app, today, working)) for app in selected]
        pairs.sort(
            key=lambda p: (not (p[1] and p[1].overdue), p[1].due if p[1] else today, p[0].pk)
        )
        found, shown = None, pairs
    context = {
        "rows": [{"app": app, "due": due, "subject": _subject(app)} for app, due in shown],
        "page": found,
        "states": [(value, label, counts[value]) for value, label in RepairState.choices],
        "open_total": sum(counts[s] for s in OPEN_STATES),
        "chosen": chosen,
        "is_credit_office": is_credit_office(viewer),
    }
    return render(request, "repairs/office/queue.html", context)


def _detail_page(
    request: HttpRequest,
    viewer: Viewer,
    application: RepairApplication,
    bound: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    offered = _offered(viewer, application)
    if bound is not None and bound[0] not in offered:
        offered.append(bound[0])
    shown = [
        (
            name,
            STEPS[name],
            bound[1] if bound and bound[0] == name else STEPS[name].form(prefix=name),
        )
        for name in offered
    ]
    today = timezone.localdate()
    context = {
        "application": application,
        "subject": _subject(application),
        "due": services.current_due(application, today, working_calendar.current()),
        "on_time": services.on_time(application),
        "steps": services.history(application),
        "attachments": list(application.attachments.all()),
        "forms": shown,
    }
    return render(
        request, "repairs/office/detail.html", context, status=400 if bound is not None else 200
    )


@require_GET
@office_login_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    viewer = viewer_of(request)
    return _detail_page(request, viewer, _visible(viewer, public_id))


@require_POST
@office_login_required
def step(request: HttpRequest, public_id: str, step: str) -> HttpResponse:
    """Take one step; the page again with the reason if the service refuses it."""
    viewer = viewer_of(request)
    application = _visible(viewer, public_id)
    chosen = STEPS.get(step)
    if chosen is None:
        raise Http404
    form = chosen.form(request.POST, prefix=step)
    if form.is_valid():
        try:
            chosen.run(viewer, application, form.cleaned_data)
        except RepairError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已办理：%(step)s") % {"step": chosen.title})
            return redirect("office_repairs:detail", public_id=application.public_id)
    return _detail_page(request, viewer, application, (step, form))


@require_GET
@office_login_required
def decision(request: HttpRequest, public_id: str) -> HttpResponse:
    application = _visible(viewer_of(request), public_id)
    try:
        content = services.decision_pdf(application)
    except RepairError as exc:
        raise Http404(exc.message) from exc
    return pdf_response(content, f"repair-decision-{application.public_id[:8]}.pdf")


@require_GET
@office_login_required
def attachment(request: HttpRequest, public_id: str, attachment_id: int) -> HttpResponse:
    application = _visible(viewer_of(request), public_id)
    found = application.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    return attachment_response(found)


@require_GET
@office_login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Volumes, average handling time in working days, share closed on time and outcomes,
    per department (the credit office sees every department, a department its own)."""
    viewer = viewer_of(request)
    period = repair_forms.PeriodForm(request.GET or None)
    since = until = None
    if period.is_valid():
        since, until = period.cleaned_data["since"], period.cleaned_data["until"]
    context = {
        "rows": services.statistics(viewer, since=since, until=until),
        "period": period,
        "closed_states": [(value, RepairState(value).label) for value in CLOSED_STATES],
    }
    return render(request, "repairs/office/statistics.html", context)
