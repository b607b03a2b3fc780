"""Objection statistics per department for the credit office (and a department's own row):
volumes, outcomes (a grade re-evaluated among them), average handling time in working days
and the share answered on time.

Handling time is counted in working days after the day of filing up to the day of the answer
(an answer on the day of filing takes 0); an answer on or before the last day is on time.
Years the calendar does not know are counted Monday–Friday (`provisional` says so).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from xinyong.core import calendar as working_calendar
from xinyong.core.permissions import Viewer
from xinyong.objections.models import ObjectionState
from xinyong.objections.services.queries import visible_to

_COUNTS = (
    "filed", "open", "overdue", "escalated", "corrected", "withdrawn", "upheld", "reevaluated",
    "on_time",
)  # fmt: skip


@dataclass
class DepartmentStatistics:
    """One department's objections filed in the period."""

    organisation: str
    filed: int = 0
    open: int = 0
    overdue: int = 0
    escalated: int = 0
    corrected: int = 0
    withdrawn: int = 0
    upheld: int = 0
    reevaluated: int = 0
    on_time: int = 0
    provisional: bool = False
    handling_days: list[int] = field(default_factory=list, repr=False)

    @property
    def answered(self) -> int:
        return self.corrected + self.withdrawn + self.upheld + self.reevaluated

    @property
    def average_days(self) -> float | None:
        """Mean working days from filing to answer, over the answered objections."""
        if not self.handling_days:
            return None
        return round(sum(self.handling_days) / len(self.handling_days), 1)

    @property
    def on_time_rate(self) -> float | None:
        """Share of the answered objections answered by their last day."""
        return round(self.on_time / self.answered, 4) if self.answered else None

    def add(self, other: DepartmentStatistics) -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.provisional |= other.provisional
        self.handling_days.extend(other.handling_days)


_FIELDS = (
    "organisation_id", "organisation__name", "state", "filed_on", "due_on", "answered_on",
    "escalated_at",
)  # fmt: skip


def statistics(
    viewer: Viewer,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    today: datetime.date | None = None,
) -> list[DepartmentStatistics]:
    """Per department, by name, for the objections filed in [since, until] that `viewer` may
    see (every department for the credit office, its own for a department)."""
    day = today or timezone.localdate()
    rows = visible_to(viewer)
    if since is not None:
        rows = rows.filter(filed_on__gte=since)
    if until is not None:
        rows = rows.filter(filed_on__lte=until)
    working = working_calendar.current()
    by_department: dict[int, DepartmentStatistics] = defaultdict(lambda: DepartmentStatistics(""))
    for org_id, name, state, filed_on, due_on, answered_on, escalated_at in (
        rows.order_by().values_list(*_FIELDS).iterator(chunk_size=2000)
    ):
        stats = by_department[org_id]
        stats.organisation = name
        stats.filed += 1
        stats.escalated += escalated_at is not None
        if state == ObjectionState.OPEN:
            stats.open += 1
            stats.overdue += due_on < day
            continue
        setattr(stats, state, getattr(stats, state) + 1)
        stats.on_time += answered_on <= due_on
        days, provisional = working.working_days_between_provisional(filed_on, answered_on)
        stats.handling_days.append(days)
        stats.provisional |= provisional
    return sorted(by_department.values(), key=lambda s: s.organisation)


def totals(rows: list[DepartmentStatistics]) -> DepartmentStatistics:
    """All departments together."""
    total = DepartmentStatistics("")
    for row in rows:
        total.add(row)
    return total
