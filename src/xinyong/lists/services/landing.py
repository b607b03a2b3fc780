"""Listings that arrive through the ingestion pipeline: landed records become entries.

A list type whose decisions also exist as records names its catalogue item (`record` in
lists.yaml). The pipeline writes a `RecordEvent` for every record it creates, versions or
withdraws; the handlers registered here (through `records.events.register`, the pipeline's
hook for later stages) turn the records of list items into entries, in sets:

- a new record becomes an entry in force from the moment it landed, dated by the record's
  decision date, lasting until the record's last day or the list type's duration; one that
  carries a removal date is removed on that date. A record of a decision already entered
  through the procedure (same department, list type, document number and subject) is
  linked to that entry instead of making a second one;
- a new version corrects an entry that came from records (facts, reasons, basis, end date)
  and applies a removal date it brings;
- a withdrawn record removes its entry.

A record the handler cannot use (its department no longer decides the list) is logged and
skipped: a handler that raised would hold every later event back.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from xinyong.catalog.models import CatalogItem, ListType
from xinyong.catalog.schema import as_loose
from xinyong.catalog.schema_lists import ListTypeEntry
from xinyong.catalog.services import PolicyLookupError, measure_policy
from xinyong.core import audit
from xinyong.core.privacy import mask_in_text
from xinyong.lists.models import (
    EntryOrigin,
    EntryState,
    ListEntry,
    ListEntryStep,
    RemovalKind,
    StepKind,
)
from xinyong.lists.services.common import MAX_DOC_NO, MAX_TEXT, audit_event, new_step, snapshot
from xinyong.records import events
from xinyong.records.models import EventKind, Record, RecordEvent, RecordState

logger = logging.getLogger(__name__)

CORRECTABLE = ("facts", "reasons", "basis", "ends_on")


@dataclass(frozen=True)
class _ListItem:
    """A list type fed by a catalogue item, with what landing needs of it."""

    row: ListType
    definition: ListTypeEntry
    deciders: frozenset[int]
    measures: tuple[str, ...]

    def decides(self, organisation_id: int, sector: str) -> bool:
        return organisation_id in self.deciders or sector in self.row.deciding_sectors


@dataclass(frozen=True)
class _Landed:
    """One landed record of a list item, read in one query with its current content."""

    pk: int
    item_id: int
    subject_id: int
    subject_public_id: str
    organisation_id: int
    sector: str
    doc_no: str
    decision_date: datetime.date
    published: bool
    data: dict[str, Any]


def _list_items() -> dict[int, _ListItem]:
    """Active list types fed by catalogue items, by the item's primary key."""
    rows = list(
        ListType.objects.filter(is_active=True)
        .exclude(catalog_item="")
        .select_related("current_version")
        .prefetch_related("deciding_departments")
    )
    if not rows:
        return {}
    items = dict(
        CatalogItem.objects.filter(code__in=[r.catalog_item for r in rows]).values_list(
            "code", "pk"
        )
    )
    try:
        policy = measure_policy()
    except PolicyLookupError:
        policy = None
    found = {}
    for row in rows:
        if row.catalog_item not in items:
            continue
        measures = tuple(m.code for m in policy.measures_of(row.code)) if policy else ()
        found[items[row.catalog_item]] = _ListItem(
            row=row,
            definition=as_loose(ListTypeEntry, row.definition),
            deciders=frozenset(o.pk for o in row.deciding_departments.all()),
            measures=measures,
        )
    return found


def _text(data: dict[str, Any], key: str | None) -> str:
    value = data.get(key) if key else None
    return mask_in_text(value.strip())[:MAX_TEXT] if isinstance(value, str) else ""


def _date(data: dict[str, Any], key: str | None) -> datetime.date | None:
    value = data.get(key) if key else None
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _derived(item: _ListItem, record: _Landed) -> dict[str, Any]:
    """The entry's fields that follow from the record's current content."""
    mapping = item.definition.record
    assert mapping is not None
    last_day = _date(record.data, mapping.last_day)
    ends_on = (
        last_day + datetime.timedelta(days=1)
        if last_day
        else item.definition.duration.add_to(record.decision_date)
    )
    return {
        "facts": _text(record.data, mapping.facts),
        "reasons": _text(record.data, mapping.reasons),
        "basis": _text(record.data, mapping.basis),
        "ends_on": ends_on,
        "removal_date": _date(record.data, mapping.removal_date),
        "removal_reason": _text(record.data, mapping.removal_reason),
    }


class _Batch:
    """The entries, steps and audit events one call writes, in bulk. Steps of new entries
    take their entry's id when the entries have been inserted."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.created: list[ListEntry] = []
        self.changed: dict[int, ListEntry] = {}
        self.steps: list[ListEntryStep] = []
        self.events: list[audit.AuditEvent] = []

    def step(self, entry: ListEntry, kind: str, on: datetime.date, details: dict[str, Any]) -> None:
        self.steps.append(new_step(entry, kind, on, entry.organisation_id, details, at=self.now))

    def remove(self, entry: ListEntry, kind: str, on: datetime.date, note: str) -> None:
        entry.state, entry.removal_kind = EntryState.REMOVED, kind
        entry.removed_on, entry.removed_at, entry.removal_note = on, self.now, note
        self.step(entry, StepKind.REMOVAL, on, {"kind": kind, "note": note})

    def write(self, public_ids: dict[int, str]) -> None:
        ListEntry.objects.bulk_create(self.created)
        for entry in self.created:
            after = snapshot(entry, public_ids[entry.subject_id])
            self.events.append(
                audit_event("list_entry.land", entry, None, after, entry.organisation_id)
            )
        if self.changed:
            fields = [
                "record", "state", "facts", "reasons", "basis", "ends_on", "removed_on",
                "removed_at", "removal_kind", "removal_note", "updated_at",
            ]  # fmt: skip
            for entry in self.changed.values():
                entry.updated_at = self.now
            ListEntry.objects.bulk_update(list(self.changed.values()), fields)
        ListEntryStep.objects.bulk_create(self.steps)
        audit.record_many(self.events)


def _read(record_ids: Sequence[int], items: dict[int, _ListItem]) -> list[_Landed]:
    rows = Record.objects.filter(
        pk__in=record_ids, item_id__in=list(items), state=RecordState.ACTIVE
    ).values_list(
        "pk", "item_id", "subject_id", "subject__public_id", "organisation_id",
        "organisation__sector", "doc_no", "decision_date", "published", "current_version__data",
    )  # fmt: skip
    return [_Landed(*row[:9], data=row[9] or {}) for row in rows]


def _existing(
    records: list[_Landed],
) -> tuple[dict[int, ListEntry], dict[tuple[Any, ...], ListEntry]]:
    """Entries already made from these records, and procedure entries they may match."""
    linked = ListEntry.objects.filter(record_id__in=[r.pk for r in records])
    loose = ListEntry.objects.filter(
        record__isnull=True,
        origin=EntryOrigin.PROCEDURE,
        doc_no__in={r.doc_no[:MAX_DOC_NO] for r in records},
        subject_id__in={r.subject_id for r in records},
    )
    if connection.vendor == "postgresql":
        linked, loose = linked.select_for_update(), loose.select_for_update()
    by_record = {entry.record_id: entry for entry in linked if entry.record_id is not None}
    by_decision = {
        (e.organisation_id, e.list_type_id, e.doc_no, e.subject_id): e
        for e in loose
        if e.in_force_from is not None
    }
    return by_record, by_decision


def _new_entry(batch: _Batch, item: _ListItem, record: _Landed, derived: dict[str, Any]) -> None:
    published = record.published
    entry = ListEntry(
        subject_id=record.subject_id,
        list_type=item.row,
        list_type_version=item.row.current_version,
        organisation_id=record.organisation_id,
        origin=EntryOrigin.RECORD,
        record_id=record.pk,
        state=EntryState.PUBLISHED if published else EntryState.DECIDED,
        doc_no=record.doc_no[:MAX_DOC_NO],
        decision_date=record.decision_date,
        facts=derived["facts"],
        reasons=derived["reasons"],
        basis=derived["basis"],
        measures=list(item.measures),
        removal_conditions=(
            item.definition.early_removal.conditions if item.definition.early_removal else ""
        ),
        starts_on=record.decision_date,
        ends_on=derived["ends_on"],
        in_force_from=batch.now,
        published_on=record.decision_date if published else None,
        published_at=batch.now if published else None,
        created_at=batch.now,
    )
    batch.created.append(entry)
    batch.step(entry, StepKind.LANDED, record.decision_date, {"record": record.pk})
    if derived["removal_date"]:
        batch.remove(entry, RemovalKind.SOURCE, derived["removal_date"], derived["removal_reason"])


def _update_entry(
    batch: _Batch, entry: ListEntry, record: _Landed, derived: dict[str, Any]
) -> None:
    before = snapshot(entry, record.subject_public_id)
    changed = False
    if entry.record_id is None:
        entry.record_id = record.pk
        batch.step(entry, StepKind.LINKED, record.decision_date, {"record": record.pk})
        changed = True
    elif entry.origin == EntryOrigin.RECORD:
        fixes = {k: derived[k] for k in CORRECTABLE if getattr(entry, k) != derived[k]}
        for key, value in fixes.items():
            setattr(entry, key, value)
        if fixes:
            shown = {
                k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in fixes.items()
            }
            batch.step(entry, StepKind.CORRECTED, timezone.localdate(batch.now), shown)
            changed = True
    if derived["removal_date"] and entry.removed_at is None:
        batch.remove(entry, RemovalKind.SOURCE, derived["removal_date"], derived["removal_reason"])
        changed = True
    if changed:
        batch.changed[entry.pk] = entry
        after = snapshot(entry, record.subject_public_id)
        batch.events.append(
            audit_event("list_entry.land", entry, before, after, entry.organisation_id)
        )


def land_records(record_ids: Iterable[int]) -> int:
    """Make, link, correct or remove the entries of these records (those of list items);
    returns how many entries were created or changed."""
    ids = sorted(set(record_ids))
    items = _list_items()
    if not ids or not items:
        return 0
    with transaction.atomic():
        return _land(ids, items)


def _land(ids: list[int], items: dict[int, _ListItem]) -> int:
    records = _read(ids, items)
    if not records:
        return 0
    by_record, by_decision = _existing(records)
    batch = _Batch()
    for record in records:
        item = items[record.item_id]
        if not item.decides(record.organisation_id, record.sector):
            logger.warning(
                "record %s: its organisation does not decide %s", record.pk, item.row.code
            )
            continue
        derived = _derived(item, record)
        key = (record.organisation_id, item.row.pk, record.doc_no[:MAX_DOC_NO], record.subject_id)
        entry = by_record.get(record.pk) or by_decision.pop(key, None)
        if entry is None:
            _new_entry(batch, item, record, derived)
        else:
            _update_entry(batch, entry, record, derived)
    batch.write({r.subject_id: r.subject_public_id for r in records})
    return len(batch.created) + len(batch.changed)


def withdraw_records(record_ids: Iterable[int]) -> int:
    """Remove the entries in force of withdrawn records; returns how many."""
    entries = ListEntry.objects.filter(
        record_id__in=sorted(set(record_ids)), removed_at__isnull=True, in_force_from__isnull=False
    ).select_related("subject")
    batch = _Batch()
    today = timezone.localdate(batch.now)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            entries = entries.select_for_update(of=("self",))
        for entry in entries:
            before = snapshot(entry, entry.subject.public_id)
            batch.remove(entry, RemovalKind.WITHDRAWN, today, "")
            batch.changed[entry.pk] = entry
            after = snapshot(entry, entry.subject.public_id)
            event = audit_event("list_entry.remove", entry, before, after, entry.organisation_id)
            batch.events.append(event)
        batch.write({})
    return len(batch.changed)


def _land_events(batch: Sequence[RecordEvent]) -> None:
    land_records(event.record_id for event in batch)


def _withdraw_events(batch: Sequence[RecordEvent]) -> None:
    withdraw_records(event.record_id for event in batch)


def register_handlers() -> None:
    """Hand the pipeline's record events to this module (called when the app is ready)."""
    events.register(EventKind.RECORD_CREATED, _land_events)
    events.register(EventKind.RECORD_VERSIONED, _land_events)
    events.register(EventKind.RECORD_WITHDRAWN, _withdraw_events)
