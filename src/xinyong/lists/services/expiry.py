"""The daily removal of entries whose duration has run out.

`expire_entries(as_of)` removes every entry in force whose end date is on or before
`as_of`, with the end date as its removal date — not the day the job ran — so a run that is
late, or repeated, leaves the same lists behind: a second run finds nothing to do. Whatever
the job's timing, the point-in-time query never counts an entry past its end date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.lists.models import EntryState, ListEntry, ListEntryStep, RemovalKind, StepKind
from xinyong.lists.services.common import ListError, audit_event, new_step, snapshot
from xinyong.lists.services.procedure import refresh_deadlines

CHUNK = 500


@dataclass(frozen=True)
class Expiry:
    """What a run removed: the day it ran for and the public ids of the entries."""

    as_of: datetime.date
    removed: tuple[str, ...]


def _expire_chunk(day: datetime.date) -> list[str]:
    query = (
        ListEntry.objects.filter(
            removed_at__isnull=True, in_force_from__isnull=False, ends_on__lte=day
        )
        .select_related("subject")
        .order_by("pk")
    )
    if connection.vendor == "postgresql":
        # A concurrent run waits, then finds these rows no longer match.
        query = query.select_for_update(of=("self",))
    entries = list(query[:CHUNK])
    if not entries:
        return []
    now = timezone.now()
    steps: list[ListEntryStep] = []
    events: list[audit.AuditEvent] = []
    for entry in entries:
        assert entry.ends_on is not None
        before = snapshot(entry, entry.subject.public_id)
        entry.state, entry.removal_kind = EntryState.REMOVED, RemovalKind.EXPIRED
        entry.removed_on, entry.removed_at, entry.updated_at = entry.ends_on, now, now
        details = {"kind": RemovalKind.EXPIRED.value, "run_for": day.isoformat()}
        steps.append(new_step(entry, StepKind.REMOVAL, entry.ends_on, None, details, at=now))
        after = snapshot(entry, entry.subject.public_id)
        events.append(audit_event("list_entry.expire", entry, before, after, entry.organisation_id))
    ListEntry.objects.bulk_update(
        entries, ["state", "removal_kind", "removed_on", "removed_at", "updated_at"]
    )
    ListEntryStep.objects.bulk_create(steps)
    audit.record_many(events)
    return [entry.public_id for entry in entries]


def expire_entries(as_of: datetime.date | None = None) -> Expiry:
    """Remove every entry whose duration ended on or before `as_of` (today by default);
    idempotent, and correct when run late. A day in the future is refused."""
    day = as_of or timezone.localdate()
    if day > timezone.localdate():
        raise ListError("lists.future_date", _("不能按未来的日期移出名单条目"))
    removed: list[str] = []
    while True:
        with transaction.atomic():
            chunk = _expire_chunk(day)
        if not chunk:
            return Expiry(day, tuple(removed))
        removed.extend(chunk)


def daily(as_of: datetime.date) -> dict[str, Any]:
    """The lists' daily job (`XINYONG_DAILY_JOBS`): expire entries, then settle the
    provisional response deadlines the calendar can now compute."""
    expiry = expire_entries(as_of)
    return {"expired": len(expiry.removed), "deadlines_settled": refresh_deadlines()}
