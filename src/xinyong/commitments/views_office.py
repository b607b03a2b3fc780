"""Back-office commitment pages (/office/commitments/): the commitments made to the viewer's
unit (every unit's, for the credit office) by state, registering one signed on paper, one
commitment with its history and the steps its state allows (fulfilment, breach,
withdrawal), and performance per accepting unit.

Commitments are read through `services.visible_to` (another unit's is "not found"); every
step is taken by the services, whose refusals are shown on the form. A person's ID number
typed into the registration form travels only in the POST body and is not shown again.
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
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.commitments import forms as commitment_forms
from xinyong.commitments import services
from xinyong.commitments.models import Commitment, CommitmentState
from xinyong.commitments.policy import OFFICE
from xinyong.core.permissions import Viewer
from xinyong.office.access import is_credit_office, may_act_on_lists, viewer_of
from xinyong.office.views import office_login_required
from xinyong.subjects.services import carries_id_number, display_name, masked_id

PAGE_SIZE = 50

Run = Callable[[Viewer, Commitment, dict[str, Any]], Commitment]


@dataclass(frozen=True)
class Step:
    """A step a commitment in force offers its accepting unit: form, title, service call."""

    form: type[forms.Form]
    title: Promise
    run: Run


STEPS: dict[str, Step] = {
    "fulfil": Step(
        commitment_forms.FulfilForm, _("确认履约"),
        lambda v, c, d: services.fulfil(v, c, on=d["on"], note=d["note"]),
    ),
    "breach": Step(
        commitment_forms.BreachForm, _("认定违诺"),
        lambda v, c, d: services.breach(v, c, doc_no=d["doc_no"], facts=d["facts"], on=d["on"]),
    ),
    "withdraw": Step(
        commitment_forms.WithdrawForm, _("撤销承诺"),
        lambda v, c, d: services.withdraw(v, c, reason=d["reason"]),
    ),
}  # fmt: skip


def _may_act(viewer: Viewer, commitment: Commitment) -> bool:
    """Whether the page offers the steps (the services check again)."""
    return (
        commitment.is_in_force
        and may_act_on_lists(viewer)
        and viewer.organisation_id == commitment.organisation_id
    )


def _subject(commitment: Commitment) -> dict[str, str]:
    subject = commitment.subject
    return {"name": display_name(subject), "code": subject.uscc or masked_id(subject)}


def _visible(viewer: Viewer, public_id: str) -> Commitment:
    found = services.visible_to(viewer).filter(public_id=public_id[:32]).first()
    if found is None:
        raise Http404
    return found


@require_GET
@office_login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The commitments the viewer may see, newest first, by state on request."""
    viewer = viewer_of(request)
    chosen = request.GET.get("state", "")
    rows = services.visible_to(viewer)
    counts = dict.fromkeys(CommitmentState.values, 0)
    for state in rows.order_by().values_list("state", flat=True):
        counts[state] += 1
    if chosen in CommitmentState.values:
        rows = rows.filter(state=chosen)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "rows": [{"c": c, "subject": _subject(c)} for c in page],
        "page": page,
        "states": [(value, label, counts[value]) for value, label in CommitmentState.choices],
        "total": sum(counts.values()),
        "chosen": chosen,
        "may_register": services.may_accept(viewer),
        "is_credit_office": is_credit_office(viewer),
    }
    return render(request, "commitments/office/queue.html", context)


@require_http_methods(["GET", "POST"])
@office_login_required
def register(request: HttpRequest) -> HttpResponse:
    """Register a commitment signed on paper, as the viewer's unit."""
    viewer = viewer_of(request)
    form = commitment_forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = services.register(
                viewer,
                code=data["code"],
                name=data["name"],
                type_code=data["type_code"],
                matter=data["matter"],
                reference=data["reference"],
                legal_rep=data["legal_rep"],
                signed_on=data["signed_on"],
                checked=data["checked"],
            )
        except services.CommitmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记信用承诺 %s") % commitment.number)
            return redirect("office_commitments:detail", public_id=commitment.public_id)
    if form.is_bound and carries_id_number(request.POST.get("code", "")):
        shown = request.POST.copy()
        shown["code"] = ""  # a person's number is not sent back to the page
        form.data = shown
    context = {"form": form, "types": services.policy().types_for(OFFICE)}
    status = 400 if form.is_bound else 200
    return render(request, "commitments/office/register.html", context, status=status)


def _detail_page(
    request: HttpRequest,
    viewer: Viewer,
    commitment: Commitment,
    bound: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    offered = list(STEPS) if _may_act(viewer, commitment) else []
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
    context = {
        "commitment": commitment,
        "subject": _subject(commitment),
        "events": services.history(commitment),
        "forms": shown,
    }
    status = 400 if bound is not None else 200
    return render(request, "commitments/office/detail.html", context, status=status)


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
    commitment = _visible(viewer, public_id)
    chosen = STEPS.get(step)
    if chosen is None:
        raise Http404
    form = chosen.form(request.POST, prefix=step)
    if form.is_valid():
        try:
            chosen.run(viewer, commitment, form.cleaned_data)
        except services.CommitmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已办理：%(step)s") % {"step": chosen.title})
            return redirect("office_commitments:detail", public_id=commitment.public_id)
    return _detail_page(request, viewer, commitment, (step, form))


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


@require_GET
@office_login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Commitment performance per accepting unit (every unit for the credit office, the
    viewer's own otherwise)."""
    viewer = viewer_of(request)
    period = commitment_forms.PeriodForm(request.GET or None)
    since = until = None
    if period.is_valid():
        since, until = period.cleaned_data["since"], period.cleaned_data["until"]
    rows = services.performance(viewer, since=since, until=until)
    total = services.overall(rows, str(_("合计")))
    context = {
        "period": period,
        "rows": [(row, _percent(row.breach_rate)) for row in rows],
        "total": (total, _percent(total.breach_rate)),
        "is_credit_office": is_credit_office(viewer),
    }
    return render(request, "commitments/office/statistics.html", context)
