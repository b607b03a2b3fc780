"""Revoking reports whose data was corrected: a report rests on the records it listed
(`ReportRecord`), and a new version or a withdrawal of one of them after the report was
issued means the report stated something the platform no longer stands by.

A repair (信用修复) does not revoke: the record was right when the report was issued, so the
report stays genuine and only shows as superseded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from xinyong.core import audit
from xinyong.records import events
from xinyong.records.models import EventKind, RecordEvent
from xinyong.reports.models import Report, ReportRecord

CHUNK = 900
"""Record ids per query (SQLite's bound-parameter limit)."""

REASONS = {
    EventKind.RECORD_VERSIONED: gettext_noop("所依据的记录已更正"),
    EventKind.RECORD_WITHDRAWN: gettext_noop("所依据的记录已撤销"),
}
"""Stored untranslated (a stored reason is data); pages translate it when they show it."""


def revoke_for(batch: Sequence[RecordEvent]) -> None:
    """Revoke the unrevoked reports issued before an event about a record they rest on (one
    audit entry each, in the events' transaction)."""
    if not batch:
        return
    reason = REASONS[EventKind(batch[0].kind)]
    happened: dict[int, datetime] = {}
    for event in batch:
        seen = happened.get(event.record_id)
        happened[event.record_id] = max(seen, event.created_at) if seen else event.created_at
    record_ids = sorted(happened)
    hit: set[int] = set()
    for start in range(0, len(record_ids), CHUNK):
        links = ReportRecord.objects.filter(
            record_id__in=record_ids[start : start + CHUNK], report__revoked_at__isnull=True
        ).values_list("report_id", "record_id", "report__issued_at")
        hit.update(rid for rid, record_id, issued in links if issued < happened[record_id])
    if not hit:
        return
    now = timezone.now()
    reports = list(Report.objects.filter(pk__in=sorted(hit)).only("pk", "number"))
    Report.objects.filter(pk__in=sorted(hit)).update(revoked_at=now, revocation_reason=reason)
    audit.record_many(
        [
            audit.AuditEvent(
                "report.revoke",
                "report",
                report.number,
                after={"revoked_at": now.isoformat(), "reason": reason},
            )
            for report in reports
        ]
    )


def shown_reason(reason: str) -> str:
    """A stored revocation reason in the reader's language."""
    return gettext(reason) if reason else ""


def register_handlers() -> None:
    """Hand corrections and withdrawals to `revoke_for` (called when the app is ready)."""
    events.register(EventKind.RECORD_VERSIONED, revoke_for)
    events.register(EventKind.RECORD_WITHDRAWN, revoke_for)
