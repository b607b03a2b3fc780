"""Writing and verifying the hash-chained audit log.

Service functions call `record` (one entry) or `record_many` (a batch, one lock, one bulk
insert) inside their own transaction, so the entry commits or rolls back with the change it
describes. Values must already be free of personal identifiers in clear (pass hashes or
masked forms): the log is read by auditors, not only by machines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from xinyong.core import bulk
from xinyong.core.context import current_actor
from xinyong.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x78696E79  # "xiny": serialises appends on PostgreSQL


@dataclass(frozen=True)
class AuditEvent:
    """What happened to which object, why, and how it looked before and after."""

    action: str
    object_type: str
    object_id: str
    before: Any = None
    after: Any = None
    purpose: str = ""
    organisation_id: int | None = None


def _plain(value: Any) -> Any:
    """JSON-safe copy, so the stored value hashes exactly as it was hashed."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


HASHED_FIELDS = (
    "seq", "at", "actor_label", "actor_user_id", "organisation_id", "action", "object_type",
    "object_id", "purpose", "request_id", "job_id", "before", "after", "prev_hash",
)  # fmt: skip
"""The fields an entry's hash covers, in the order they are hashed."""


def _canonical(values: Sequence[Any]) -> bytes:
    """The hashed form of an entry's `HASHED_FIELDS` values (`at` as an aware datetime)."""
    fields = list(values)
    fields[1] = fields[1].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    """SHA-256 over the entry's fields and its predecessor's hash."""
    return hashlib.sha256(_canonical([getattr(entry, f) for f in HASHED_FIELDS])).hexdigest()


def _lock_head() -> AuditHead:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return head


def record_many(events: Sequence[AuditEvent]) -> None:
    """Append `events` to the chain in order, as the current actor, in one bulk insert."""
    _append(events)


def _append(events: Sequence[AuditEvent]) -> list[AuditEntry]:
    """Hash and write `events`; the first entry comes back as a model instance (for
    `record`). Entries are hashed from plain values and written with `bulk.insert`: a
    batch of records or subjects appends thousands at once, and model instances would cost
    more than the rest of the batch's bookkeeping."""
    if not events:
        return []
    actor = current_actor()
    now = timezone.now()
    with transaction.atomic():
        head = _lock_head()
        rows: list[list[Any]] = []
        prev_hash, seq = head.entry_hash, head.seq
        for event in events:
            seq += 1
            values = [
                seq,
                now,
                actor.label[:150],
                actor.user_id,
                event.organisation_id or actor.organisation_id,
                event.action,
                event.object_type,
                str(event.object_id)[:64],
                event.purpose[:200],
                actor.request_id,
                actor.job_id,
                _plain(event.before),
                _plain(event.after),
                prev_hash,
            ]
            prev_hash = hashlib.sha256(_canonical(values)).hexdigest()
            rows.append([*values, prev_hash])
        ids = bulk.allocate_ids(AuditEntry, len(rows))
        columns = ("id", *HASHED_FIELDS, "entry_hash")
        stored = [_stored(pk, row) for pk, row in zip(ids, rows, strict=True)]
        bulk.insert(AuditEntry, columns, stored)
        head.seq, head.entry_hash = seq, prev_hash
        head.save(update_fields=["seq", "entry_hash"])
    first = AuditEntry(id=ids[0], **dict(zip(columns[1:], rows[0], strict=True)))
    first._state.adding = False
    return [first]


def _stored(pk: int, row: list[Any]) -> list[Any]:
    """A row as `bulk.insert` takes it: the JSON columns as JSON text."""
    before, after = HASHED_FIELDS.index("before"), HASHED_FIELDS.index("after")
    out = [pk, *row]
    for index in (before + 1, after + 1):
        if out[index] is not None:
            out[index] = json.dumps(out[index], ensure_ascii=False)
    return out


def record(
    action: str,
    object_type: str,
    object_id: object,
    *,
    before: Any = None,
    after: Any = None,
    purpose: str = "",
    organisation_id: int | None = None,
) -> AuditEntry:
    """Append one entry (see `record_many`)."""
    event = AuditEvent(action, object_type, str(object_id), before, after, purpose, organisation_id)
    return _append([event])[0]


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the chain does not hold."""

    seq: int
    reason: str


def _entries(chunk: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify() -> tuple[int, ChainBreak | None]:
    """Walk the whole chain; return how many entries hold and the first break, if any."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for entry in _entries():
        if entry.seq != expected_seq:
            return checked, ChainBreak(expected_seq, f"entry #{expected_seq} is missing")
        if entry.prev_hash != expected_prev:
            return checked, ChainBreak(entry.seq, "does not follow the entry before it")
        if compute_hash(entry) != entry.entry_hash:
            return checked, ChainBreak(entry.seq, "content does not match its hash")
        expected_prev, expected_seq, checked = entry.entry_hash, entry.seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.entry_hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != expected_prev:
        return checked, ChainBreak(
            checked + 1, f"the chain ends at #{checked} but its head records #{head_seq}"
        )
    return checked, None


def entries_for(object_type: str, object_id: object) -> list[AuditEntry]:
    """The history of one object, oldest first."""
    return list(
        AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("seq")
    )
