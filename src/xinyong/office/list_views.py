"""Back-office pages of the listing procedure (名单): the entries a department may see with
the response deadlines of procedures in progress, an entry with its history and the steps
its state allows, a new prior notice, and a direct listing for lists that take no notice.

Entries are read through `entries_visible_to` (another department's entry is "not found"),
every step is taken by `xinyong.lists.services`, whose refusals are shown on the form.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.catalog.services import PolicyLookupError, measure_policy
from xinyong.core import calendar
from xinyong.core.permissions import Viewer
from xinyong.lists.models import EntryState, ListEntry, ListEntryStep, RemovalKind, StepKind
from xinyong.lists.services import (
    ListError,
    decide,
    drop,
    entries_visible_to,
    history,
    list_directly,
    notify,
    publish,
    record_statement,
    remove_by_outcome,
    remove_early,
)
from xinyong.lists.services.common import definition_of
from xinyong.office.access import may_act_on_lists, organisation_of, refused, viewer_of
from xinyong.office.list_forms import (
    DecisionForm,
    DirectForm,
    DropForm,
    EntryFilterForm,
    NoticeForm,
    PublishForm,
    RemoveEarlyForm,
    RemoveOutcomeForm,
    StatementForm,
    decided_list_types,
    decision_from,
)
from xinyong.office.views import office_login_required
from xinyong.subjects.services import display_name, masked_id

PAGE_SIZE = 50


@dataclass(frozen=True)
class Deadline:
    """The response period of a notice as a page shows it: the last day, whether it was
    computed on a provisional calendar, and where today stands."""

    due: datetime.date
    provisional: bool
    remaining: int
    """Working days after today up to the last day (0 once it is today or past)."""
    state: str
    """"answered" (statement received), "open", "due" (last day today) or "overdue"."""

    @property
    def urgent(self) -> bool:
        """Whether the period has run out (or does today) with no statement: a decision is due."""
        return self.state in ("due", "overdue")


def deadline_of(
    entry: ListEntry, today: datetime.date, working: calendar.WorkingCalendar
) -> Deadline | None:
    """The response deadline of a procedure in progress; None for any other entry."""
    if entry.state != EntryState.NOTICED or entry.response_due is None:
        return None
    due = entry.response_due
    remaining = working.working_days_between_provisional(today, due)[0] if today < due else 0
    if entry.statement_on is not None:
        state = "answered"
    else:
        state = "open" if today < due else "due" if today == due else "overdue"
    return Deadline(due, entry.response_due_provisional, remaining, state)


def _subject_shown(entry: ListEntry) -> dict[str, str]:
    subject = entry.subject
    return {
        "name": display_name(subject),
        "code": subject.uscc or masked_id(subject),
        "kind": subject.get_kind_display(),
    }


def _visible(viewer: Viewer, public_id: str) -> ListEntry:
    entry = entries_visible_to(viewer).filter(public_id=public_id[:32]).first()
    if entry is None:
        raise Http404
    return entry


@require_GET
@office_login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    """The entries the viewer's department may see, newest first, filtered by state and
    list type; procedures in progress show their response deadline."""
    viewer = viewer_of(request)
    entries = entries_visible_to(viewer)
    counts = dict(entries.order_by().values_list("state").annotate(n=Count("pk")))
    filters = EntryFilterForm(request.GET or None)
    chosen: dict[str, str] = {}
    if filters.is_valid():
        chosen = {k: v for k, v in filters.cleaned_data.items() if v}
        if "state" in chosen:
            entries = entries.filter(state=chosen["state"])
        if "list_type" in chosen:
            entries = entries.filter(list_type__code=chosen["list_type"])
    elif filters.is_bound:
        entries = entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    today, working = timezone.localdate(), calendar.current()
    organisation = organisation_of(request)
    may_act = may_act_on_lists(viewer)
    context: dict[str, Any] = {
        "page": page,
        "rows": [
            {"entry": e, "subject": _subject_shown(e), "deadline": deadline_of(e, today, working)}
            for e in page
        ],
        "filters": filters,
        "query": urlencode(chosen),
        "states": [(value, label, counts.get(value, 0)) for value, label in EntryState.choices],
        "total": sum(counts.values()),
        "chosen_state": chosen.get("state", ""),
        "may_notify": may_act and bool(decided_list_types(organisation, with_notice=True)),
        "may_list_directly": may_act and bool(decided_list_types(organisation, with_notice=False)),
    }
    return render(request, "office/list_entries.html", context)


@dataclass(frozen=True)
class Step:
    """A step an entry's page offers: its form, its title, the states it applies in, and
    the service call that takes it."""

    form: type[forms.Form]
    title: Promise
    button: Promise
    states: tuple[str, ...]
    run: Callable[[Viewer, ListEntry, dict[str, Any]], ListEntry]


IN_FORCE = (EntryState.DECIDED.value, EntryState.PUBLISHED.value)


def _statement(viewer: Viewer, entry: ListEntry, data: dict[str, Any]) -> ListEntry:
    return record_statement(
        viewer, entry, statement=data["statement"], received_on=data["received_on"]
    )


def _decide(viewer: Viewer, entry: ListEntry, data: dict[str, Any]) -> ListEntry:
    return decide(viewer, entry, decision_from(data))


def _drop(viewer: Viewer, entry: ListEntry, data: dict[str, Any]) -> ListEntry:
    return drop(viewer, entry, reason=data["reason"], on=data["on"])


def _publish(viewer: Viewer, entry: ListEntry, data: dict[str, Any]) -> ListEntry:
    return publish(viewer, entry, published_on=data["published_on"])


def _remove_early(viewer: Viewer, entry: ListEntry, data: dict[str, Any]) -> ListEntry:
    return remove_early(
        viewer, entry, reference=data["reference"], approved_on=data["approved_on"],
        note=data["note"],
    )  # fmt: skip


def _remove_by_outcome(viewer: Viewer, entry: ListEntry, data: dict[str, Any]) -> ListEntry:
    return remove_by_outcome(
        viewer, entry, outcome=data["outcome"], reference=data["reference"],
        decided_on=data["decided_on"], note=data["note"],
    )  # fmt: skip


NOTICED = (EntryState.NOTICED.value,)
STEPS: dict[str, Step] = {
    "statement": Step(StatementForm, _("记录陈述申辩"), _("记录陈述申辩"), NOTICED, _statement),
    "decide": Step(DecisionForm, _("作出列入决定"), _("作出列入决定"), NOTICED, _decide),
    "drop": Step(DropForm, _("不予列入"), _("决定不予列入"), NOTICED, _drop),
    "publish": Step(PublishForm, _("公布"), _("记录公布"), (EntryState.DECIDED.value,), _publish),
    "remove_early": Step(
        RemoveEarlyForm, _("申请提前移出"), _("提前移出"), IN_FORCE, _remove_early
    ),
    "remove_outcome": Step(
        RemoveOutcomeForm, _("因信用修复或异议处理移出"), _("移出"), IN_FORCE, _remove_by_outcome
    ),
}


def _offered(viewer: Viewer, entry: ListEntry) -> list[str]:
    """The steps the viewer may take on `entry` in its state (the services check again)."""
    if entry.organisation_id != viewer.organisation_id or not may_act_on_lists(viewer):
        return []
    early = definition_of(entry.list_type_version).early_removal is not None
    return [
        name
        for name, step in STEPS.items()
        if entry.state in step.states
        and not (name == "statement" and entry.statement_on is not None)
        and not (name == "remove_early" and not early)
    ]


STEP_LABELS: dict[str, Promise] = {
    "notice_no": _("告知书文号"),
    "grounds": _("拟列入事由"),
    "basis": _("依据"),
    "working_days": _("陈述申辩期限（工作日）"),
    "response_due": _("陈述申辩截止日期"),
    "provisional": _("按暂定日历计算"),
    "statement": _("陈述申辩意见"),
    "doc_no": _("决定书文号"),
    "facts": _("事实"),
    "reasons": _("理由"),
    "measures": _("措施"),
    "removal_conditions": _("移出条件"),
    "remedies": _("救济途径"),
    "starts_on": _("列入起始日期"),
    "ends_on": _("期满日期"),
    "kind": _("移出方式"),
    "reference": _("依据文号"),
    "note": _("说明"),
    "reason": _("理由"),
    "from": _("原截止日期"),
    "to": _("新截止日期"),
    "run_for": _("执行日期"),
}


def _shown_value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key == "kind" and value in RemovalKind.values:
        return str(RemovalKind(value).label)
    return "" if value is None else str(value)


def _step_rows(steps: list[ListEntryStep]) -> list[dict[str, Any]]:
    """Each step with its details as (label, value) pairs, empty values left out."""
    return [
        {
            "step": step,
            "label": StepKind(step.kind).label if step.kind in StepKind.values else step.kind,
            "details": [
                (STEP_LABELS.get(key, key), _shown_value(key, value))
                for key, value in step.details.items()
                if value not in (None, "", [])
            ],
        }
        for step in steps
    ]


def _measures(codes: list[str]) -> list[tuple[str, str]]:
    try:
        texts = {rule.code: rule.definition.text for rule in measure_policy().measures}
    except PolicyLookupError:
        texts = {}
    return [(code, texts.get(code, "")) for code in codes]


def _entry_page(
    request: HttpRequest,
    viewer: Viewer,
    entry: ListEntry,
    bound: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    offered = _offered(viewer, entry)
    if bound is not None and bound[0] not in offered:
        offered.append(bound[0])  # refused: shown with the reason, though not offered
    forms_shown = [
        (
            name,
            STEPS[name],
            bound[1] if bound and bound[0] == name else STEPS[name].form(prefix=name),
        )
        for name in offered
    ]
    rule = definition_of(entry.list_type_version)
    earliest = None
    if rule.early_removal is not None and entry.starts_on is not None:
        minimum = rule.early_removal.minimum
        earliest = minimum.add_to(entry.starts_on) if minimum else entry.starts_on
    today = timezone.localdate()
    context = {
        "entry": entry,
        "subject": _subject_shown(entry),
        "deadline": deadline_of(entry, today, calendar.current()),
        "steps": _step_rows(history(entry)),
        "measures": _measures(list(entry.measures)),
        "forms": forms_shown,
        "early_removal": rule.early_removal,
        "earliest_removal": earliest,
        "notice_days": rule.notice_working_days,
    }
    return render(request, "office/list_entry.html", context)


@require_GET
@office_login_required
def entry_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One entry: its facts, its full history, and the forms of the steps its state allows."""
    viewer = viewer_of(request)
    return _entry_page(request, viewer, _visible(viewer, public_id))


@require_POST
@office_login_required
def entry_step(request: HttpRequest, public_id: str, step: str) -> HttpResponse:
    """Take one step on an entry; the page again with the form's errors if refused."""
    viewer = viewer_of(request)
    entry = _visible(viewer, public_id)
    chosen = STEPS.get(step)
    if chosen is None:
        raise Http404
    form = chosen.form(request.POST, prefix=step)
    if form.is_valid():
        try:
            chosen.run(viewer, entry, form.cleaned_data)
        except ListError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已办理：%(step)s") % {"step": chosen.title})
            return redirect("office:list_entry", public_id=entry.public_id)
    return _entry_page(request, viewer, entry, (step, form))


def _start(request: HttpRequest, *, with_notice: bool) -> tuple[Viewer, list[Any]] | HttpResponse:
    viewer = viewer_of(request)
    list_types = decided_list_types(organisation_of(request), with_notice=with_notice)
    if not may_act_on_lists(viewer) or not list_types:
        return refused(
            request,
            _("名单"),
            _("只有名单认定部门的操作员、审核员或管理员可以办理本部门认定的名单。"),
        )
    return viewer, list_types


@require_http_methods(["GET", "POST"])
@office_login_required
def entry_notice(request: HttpRequest) -> HttpResponse:
    """Serve a prior notice (告知) to a subject of a list the department decides."""
    started = _start(request, with_notice=True)
    if isinstance(started, HttpResponse):
        return started
    viewer, list_types = started
    form = NoticeForm(list_types, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = notify(
                viewer,
                subject=form.cleaned_data["subject"],
                list_type=form.cleaned_data["list_type"],
                notice=form.notice(),
            )
        except ListError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已告知，陈述申辩期限已计算"))
            return redirect("office:list_entry", public_id=entry.public_id)
    days = [(row.name, row.notice_working_days) for row in list_types]
    return render(request, "office/list_notice.html", {"form": form, "days": days})


@require_http_methods(["GET", "POST"])
@office_login_required
def entry_direct(request: HttpRequest) -> HttpResponse:
    """Decide a listing on a list that takes no prior notice (an incentive list)."""
    started = _start(request, with_notice=False)
    if isinstance(started, HttpResponse):
        return started
    viewer, list_types = started
    form = DirectForm(list_types, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = list_directly(
                viewer,
                subject=form.cleaned_data["subject"],
                list_type=form.cleaned_data["list_type"],
                decision=form.decision(),
            )
        except ListError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已作出列入决定"))
            return redirect("office:list_entry", public_id=entry.public_id)
    return render(request, "office/list_direct.html", {"form": form})
