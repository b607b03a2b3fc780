"""The listing procedure: notice, statement, decision, publication, and removal.

Order (RULES.md): a punishment list's entry starts with a prior notice (告知) stating the
grounds, the basis and the period, in working days, in which the subject may state and
defend (陈述申辩); the decision (facts, reasons, basis, measures, removal conditions and
remedies) comes only after a statement was recorded or the period ran out; publication
follows the decision. Lists that take no notice (incentive lists) are decided directly.
An entry leaves the list at the end of its duration (`expiry`), early on an approved
application once the minimum time has passed, or by a repair or objection outcome.

Only the department that decides a list type acts on its entries, through staff with an
acting role. Every step writes a `ListEntryStep` and an audit entry in one transaction;
a refused step raises `ListError` and writes nothing.

Deadlines use the working-day calendar; for a year the calendar does not know yet they are
computed on Monday–Friday, marked provisional, and recomputed (`refresh_deadlines`) once an
operator loads the year.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.catalog.models import ListType
from xinyong.catalog.schema import as_loose
from xinyong.catalog.schema_lists import ListTypeEntry
from xinyong.catalog.services import PolicyLookupError, measure_policy
from xinyong.core import audit
from xinyong.core import calendar as working_calendar
from xinyong.core.permissions import Viewer
from xinyong.lists.models import (
    EntryOrigin,
    EntryState,
    ListEntry,
    RemovalKind,
    StepKind,
)
from xinyong.lists.services.common import (
    MAX_DOC_NO,
    ListError,
    audit_event,
    clean_text,
    deciding_organisation,
    definition_of,
    entry_organisation,
    new_step,
    past_or_today,
    require_state,
    snapshot,
)
from xinyong.subjects.models import Subject

IN_FORCE = (EntryState.DECIDED, EntryState.PUBLISHED)


@dataclass(frozen=True)
class Notice:
    """A prior notice (告知书): why the subject is to be listed, on what basis, and when it
    was served (the response period counts from that day)."""

    grounds: str
    basis: str
    served_on: datetime.date
    notice_no: str = ""


@dataclass(frozen=True)
class Decision:
    """A listing decision (列入决定书). `removal_conditions` defaults to the list type's."""

    doc_no: str
    decision_date: datetime.date
    facts: str
    reasons: str
    basis: str
    remedies: str
    removal_conditions: str = ""


def _list_type(code: str) -> tuple[ListType, ListTypeEntry]:
    row = ListType.objects.select_related("current_version").filter(code=code).first()
    if row is None or not row.is_active:
        raise ListError("lists.unknown_list_type", _("没有现行的名单类型 %s") % code)
    return row, as_loose(ListTypeEntry, row.definition)


def _check_subject(subject: Subject, definition: ListTypeEntry) -> None:
    if subject.kind not in definition.subject_types:
        raise ListError(
            "lists.subject_type",
            _("“%(list)s”不收录%(kind)s")
            % {"list": definition.name, "kind": subject.get_kind_display()},
        )


def _locked(entry: ListEntry) -> ListEntry:
    return (
        ListEntry.objects.select_for_update()
        .select_related("subject", "list_type_version", "list_type")
        .get(pk=entry.pk)
    )


def _write(
    action: str,
    entry: ListEntry,
    before: object,
    step_kind: str,
    on: datetime.date,
    organisation_id: int,
    details: Mapping[str, object],
) -> None:
    entry.save()
    new_step(entry, step_kind, on, organisation_id, dict(details)).save()
    after = snapshot(entry, entry.subject.public_id)
    audit.record_many([audit_event(action, entry, before, after, organisation_id)])


def notify(viewer: Viewer, *, subject: Subject, list_type: str, notice: Notice) -> ListEntry:
    """Serve a prior notice: the entry starts, with the response deadline in working days."""
    row, definition = _list_type(list_type)
    if definition.source != "procedure":
        raise ListError(
            "lists.exchanged", _("“%s”由认定机关交换获取，不经本平台列入程序") % row.name
        )
    days = definition.notice_working_days
    if days is None:
        raise ListError("lists.no_notice", _("“%s”不经告知程序，请直接作出列入决定") % row.name)
    organisation = deciding_organisation(viewer, row)
    _check_subject(subject, definition)
    served_on = past_or_today(notice.served_on, _("告知送达日期"))
    entry = ListEntry(
        subject=subject,
        list_type=row,
        list_type_version=row.current_version,
        organisation=organisation,
        origin=EntryOrigin.PROCEDURE,
        state=EntryState.NOTICED,
        notice_no=clean_text(
            notice.notice_no, _("告知书文号"), required=False, max_length=MAX_DOC_NO
        ),
        notice_served_on=served_on,
        grounds=clean_text(notice.grounds, _("拟列入事由")),
        notice_basis=clean_text(notice.basis, _("拟列入依据")),
    )
    entry.response_due, entry.response_due_provisional = (
        working_calendar.add_working_days_provisional(served_on, days)
    )
    details = {
        "notice_no": entry.notice_no,
        "grounds": entry.grounds,
        "basis": entry.notice_basis,
        "working_days": days,
        "response_due": entry.response_due.isoformat(),
        "provisional": entry.response_due_provisional,
    }
    with transaction.atomic():
        _write(
            "list_entry.notice", entry, None, StepKind.NOTICE, served_on, organisation.pk, details
        )
    return entry


def _refresh_deadline(entry: ListEntry) -> bool:
    """Recompute a provisional response deadline once the calendar knows its year; returns
    whether it changed anything (then recorded as a step and audited)."""
    if not entry.response_due_provisional or entry.notice_served_on is None:
        return False
    days = definition_of(entry.list_type_version).notice_working_days or 0
    due, provisional = working_calendar.add_working_days_provisional(entry.notice_served_on, days)
    if provisional:
        return False
    before = snapshot(entry, entry.subject.public_id)
    previous = entry.response_due
    entry.response_due, entry.response_due_provisional = due, False
    details = {"from": previous.isoformat() if previous else None, "to": due.isoformat()}
    today = timezone.localdate()
    _write(
        "list_entry.deadline",
        entry,
        before,
        StepKind.DEADLINE,
        today,
        entry.organisation_id,
        details,
    )
    return True


def refresh_deadlines() -> int:
    """Recompute every provisional response deadline the calendar can now settle."""
    changed = 0
    pending = ListEntry.objects.filter(state=EntryState.NOTICED, response_due_provisional=True)
    for pk in pending.values_list("pk", flat=True):
        with transaction.atomic():
            entry = _locked(ListEntry(pk=pk))
            changed += _refresh_deadline(entry)
    return changed


def record_statement(
    viewer: Viewer, entry: ListEntry, *, statement: str, received_on: datetime.date
) -> ListEntry:
    """Record the subject's statement and defence, received within the response period."""
    with transaction.atomic():
        entry = _locked(entry)
        organisation = entry_organisation(viewer, entry)
        require_state(entry, EntryState.NOTICED)
        if entry.statement_on is not None:
            raise ListError("lists.statement_recorded", _("已记录当事人的陈述申辩"))
        _refresh_deadline(entry)
        received_on = past_or_today(received_on, _("陈述申辩日期"))
        assert entry.notice_served_on is not None and entry.response_due is not None
        if received_on < entry.notice_served_on:
            raise ListError("lists.before_notice", _("陈述申辩日期早于告知送达日期"))
        if received_on > entry.response_due:
            raise ListError(
                "lists.statement_late",
                _("陈述申辩期限已于 %s 届满") % entry.response_due.isoformat(),
            )
        before = snapshot(entry, entry.subject.public_id)
        entry.statement = clean_text(statement, _("陈述申辩意见"))
        entry.statement_on = received_on
        details = {"statement": entry.statement}
        _write(
            "list_entry.statement",
            entry,
            before,
            StepKind.STATEMENT,
            received_on,
            organisation.pk,
            details,
        )
    return entry


def _apply_decision(
    entry: ListEntry, row: ListType, definition: ListTypeEntry, decision: Decision
) -> dict[str, object]:
    """Fill in the decision; returns the step's details."""
    doc_no = clean_text(decision.doc_no, _("决定书文号"), max_length=MAX_DOC_NO)
    taken = ListEntry.objects.filter(
        organisation=entry.organisation_id, list_type=row, doc_no=doc_no, subject=entry.subject_id
    ).exclude(pk=entry.pk)
    if taken.exists():
        raise ListError("lists.duplicate_doc_no", _("已有文号为 %s 的列入决定") % doc_no)
    entry.doc_no = doc_no
    entry.decision_date = entry.starts_on = decision.decision_date
    entry.ends_on = definition.duration.add_to(decision.decision_date)
    removal_conditions = decision.removal_conditions or (
        definition.early_removal.conditions
        if definition.early_removal
        else _("列入期限届满（%s）自动移出") % entry.ends_on.isoformat()
    )
    entry.facts = clean_text(decision.facts, _("事实"))
    entry.reasons = clean_text(decision.reasons, _("理由"))
    entry.basis = clean_text(decision.basis, _("依据"))
    entry.remedies = clean_text(decision.remedies, _("救济途径"))
    entry.removal_conditions = clean_text(removal_conditions, _("移出条件"))
    entry.list_type, entry.list_type_version = row, row.current_version
    try:
        entry.measures = [m.code for m in measure_policy().measures_of(row.code)]
    except PolicyLookupError:
        entry.measures = []
    entry.in_force_from = timezone.now()
    entry.state = EntryState.DECIDED
    return {
        "doc_no": entry.doc_no,
        "facts": entry.facts,
        "reasons": entry.reasons,
        "basis": entry.basis,
        "measures": entry.measures,
        "removal_conditions": entry.removal_conditions,
        "remedies": entry.remedies,
        "starts_on": entry.starts_on.isoformat(),
        "ends_on": entry.ends_on.isoformat(),
    }


def decide(viewer: Viewer, entry: ListEntry, decision: Decision) -> ListEntry:
    """Decide to list a noticed subject, once it has stated its case or the period ran out."""
    with transaction.atomic():
        entry = _locked(entry)
        organisation = entry_organisation(viewer, entry)
        require_state(entry, EntryState.NOTICED)
        row, definition = _list_type(entry.list_type.code)
        _refresh_deadline(entry)
        day = past_or_today(decision.decision_date, _("决定日期"))
        assert entry.notice_served_on is not None and entry.response_due is not None
        if entry.statement_on is not None:
            if day < entry.statement_on:
                raise ListError("lists.before_statement", _("决定日期早于陈述申辩日期"))
        elif day <= entry.response_due:
            raise ListError(
                "lists.response_period",
                _("陈述申辩期限至 %s 届满；期满或收到陈述申辩意见后方可作出决定")
                % entry.response_due.isoformat(),
            )
        before = snapshot(entry, entry.subject.public_id)
        details = _apply_decision(entry, row, definition, decision)
        _write("list_entry.decide", entry, before, StepKind.DECISION, day, organisation.pk, details)
    return entry


def list_directly(
    viewer: Viewer, *, subject: Subject, list_type: str, decision: Decision
) -> ListEntry:
    """Decide a listing that takes no prior notice (an incentive list)."""
    row, definition = _list_type(list_type)
    if definition.source != "procedure":
        raise ListError(
            "lists.exchanged", _("“%s”由认定机关交换获取，不经本平台列入程序") % row.name
        )
    if definition.notice_working_days is not None:
        raise ListError("lists.notice_required", _("列入“%s”须先告知当事人") % row.name)
    organisation = deciding_organisation(viewer, row)
    _check_subject(subject, definition)
    day = past_or_today(decision.decision_date, _("决定日期"))
    entry = ListEntry(
        subject=subject,
        list_type=row,
        list_type_version=row.current_version,
        organisation=organisation,
        origin=EntryOrigin.PROCEDURE,
    )
    with transaction.atomic():
        details = _apply_decision(entry, row, definition, decision)
        _write("list_entry.decide", entry, None, StepKind.DECISION, day, organisation.pk, details)
    return entry


def drop(viewer: Viewer, entry: ListEntry, *, reason: str, on: datetime.date) -> ListEntry:
    """Decide not to list a noticed subject (不予列入), e.g. after its statement."""
    with transaction.atomic():
        entry = _locked(entry)
        organisation = entry_organisation(viewer, entry)
        require_state(entry, EntryState.NOTICED)
        day = past_or_today(on, _("决定日期"))
        assert entry.notice_served_on is not None
        if day < entry.notice_served_on:
            raise ListError("lists.before_notice", _("决定日期早于告知送达日期"))
        before = snapshot(entry, entry.subject.public_id)
        entry.state = EntryState.DROPPED
        entry.removal_note = clean_text(reason, _("不予列入理由"))
        details = {"reason": entry.removal_note}
        _write("list_entry.drop", entry, before, StepKind.DROP, day, organisation.pk, details)
    return entry


def publish(viewer: Viewer, entry: ListEntry, *, published_on: datetime.date) -> ListEntry:
    """Record the publication of a decided entry."""
    with transaction.atomic():
        entry = _locked(entry)
        organisation = entry_organisation(viewer, entry)
        require_state(entry, EntryState.DECIDED)
        day = past_or_today(published_on, _("公布日期"))
        assert entry.decision_date is not None
        if day < entry.decision_date:
            raise ListError("lists.before_decision", _("公布日期早于决定日期"))
        before = snapshot(entry, entry.subject.public_id)
        entry.state, entry.published_on, entry.published_at = (
            EntryState.PUBLISHED,
            day,
            timezone.now(),
        )
        _write("list_entry.publish", entry, before, StepKind.PUBLICATION, day, organisation.pk, {})
    return entry


def _remove(
    viewer: Viewer,
    entry: ListEntry,
    *,
    kind: str,
    on: datetime.date,
    reference: str,
    note: str,
    earliest: bool,
) -> ListEntry:
    with transaction.atomic():
        entry = _locked(entry)
        organisation = entry_organisation(viewer, entry)
        require_state(entry, *IN_FORCE)
        day = past_or_today(on, _("移出日期"))
        assert entry.starts_on is not None
        if entry.ends_on is not None and day >= entry.ends_on:
            raise ListError(
                "lists.already_ended",
                _("列入期限已于 %s 届满，将自动移出") % entry.ends_on.isoformat(),
            )
        if earliest:
            rule = definition_of(entry.list_type_version).early_removal
            if rule is None:
                raise ListError("lists.no_early_removal", _("该名单不适用提前移出"))
            first = rule.minimum.add_to(entry.starts_on) if rule.minimum else entry.starts_on
            if day < first:
                raise ListError(
                    "lists.too_early",
                    _("列入满规定期限后方可提前移出，最早为 %s") % first.isoformat(),
                )
        elif day < entry.starts_on:
            raise ListError("lists.before_decision", _("移出日期早于列入起始日期"))
        before = snapshot(entry, entry.subject.public_id)
        entry.state, entry.removal_kind = EntryState.REMOVED, kind
        entry.removed_on, entry.removed_at = day, timezone.now()
        entry.removal_reference = clean_text(reference, _("移出依据文号"), max_length=MAX_DOC_NO)
        entry.removal_note = clean_text(note, _("移出说明"), required=False)
        details = {"kind": kind, "reference": entry.removal_reference, "note": entry.removal_note}
        _write("list_entry.remove", entry, before, StepKind.REMOVAL, day, organisation.pk, details)
    return entry


def remove_early(
    viewer: Viewer, entry: ListEntry, *, reference: str, approved_on: datetime.date, note: str = ""
) -> ListEntry:
    """Remove an entry early on an approved application (`reference`: the approval's
    document number), once the list type's minimum time has passed."""
    return _remove(
        viewer,
        entry,
        kind=RemovalKind.EARLY,
        on=approved_on,
        reference=reference,
        note=note,
        earliest=True,
    )


def remove_by_outcome(
    viewer: Viewer,
    entry: ListEntry,
    *,
    outcome: str,
    reference: str,
    decided_on: datetime.date,
    note: str = "",
) -> ListEntry:
    """Remove an entry by a credit repair or an objection outcome (`outcome`: "repair" or
    "objection"); no minimum time applies."""
    if outcome not in (RemovalKind.REPAIR, RemovalKind.OBJECTION):
        raise ListError("lists.outcome", _("移出方式应为信用修复或异议处理"))
    return _remove(
        viewer,
        entry,
        kind=outcome,
        on=decided_on,
        reference=reference,
        note=note,
        earliest=False,
    )
