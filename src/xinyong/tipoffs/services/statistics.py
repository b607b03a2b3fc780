"""Tip-off statistics for the credit office: how many by category, by handling department
and by state, how many were substantiated and rewarded, and the median time to close.

Time to close is counted in calendar days from the day of filing to the day of closing (the
informant waits calendar days; no legal deadline in working days applies to tip-offs).
"""

from __future__ import annotations

import datetime
import statistics as stats
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from xinyong.core.permissions import Viewer
from xinyong.tipoffs.models import Outcome, TipOffState
from xinyong.tipoffs.services.queries import is_overseer, visible_to


def median_days(days: list[int]) -> float | None:
    return float(stats.median(days)) if days else None


@dataclass
class DepartmentRow:
    """The tip-offs routed to one department."""

    department: str
    routed: int = 0
    open: int = 0
    closed: int = 0
    substantiated: int = 0
    rewarded: int = 0
    days: list[int] = field(default_factory=list, repr=False)

    @property
    def median_days(self) -> float | None:
        return median_days(self.days)


@dataclass(frozen=True)
class Statistics:
    total: int
    by_category: list[tuple[str, int]]
    by_state: list[tuple[str, int]]
    by_department: list[DepartmentRow]
    unrouted: int
    closed: int
    substantiated: int
    median_days: float | None


def statistics(
    viewer: Viewer,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Statistics | None:
    """The figures of the tip-offs filed from `since` to `until` (both included), or None
    for a viewer who is not the credit office's."""
    if not is_overseer(viewer):
        return None
    rows = visible_to(viewer)
    if since:
        rows = rows.filter(filed_on__gte=since)
    if until:
        rows = rows.filter(filed_on__lte=until)
    values = rows.values_list(
        "category_name", "state", "department__name", "outcome", "reward_amount", "filed_on",
        "closed_on",
    )  # fmt: skip
    categories: Counter[str] = Counter()
    states: Counter[str] = Counter()
    departments: dict[str, DepartmentRow] = defaultdict(lambda: DepartmentRow(""))
    days: list[int] = []
    unrouted = substantiated = 0
    for category, state, department, outcome, reward, filed_on, closed_on in values:
        categories[category] += 1
        states[state] += 1
        substantiated += outcome == Outcome.SUBSTANTIATED
        if department is None:
            unrouted += 1
            continue
        row = departments[department]
        row.department = department
        row.routed += 1
        if state == TipOffState.CLOSED and closed_on is not None:
            row.closed += 1
            row.days.append((closed_on - filed_on).days)
            days.append(row.days[-1])
        else:
            row.open += 1
        row.substantiated += outcome == Outcome.SUBSTANTIATED
        row.rewarded += reward is not None
    return Statistics(
        total=sum(states.values()),
        by_category=categories.most_common(),
        by_state=[(str(label), states[code]) for code, label in TipOffState.choices],
        by_department=sorted(departments.values(), key=lambda r: (-r.routed, r.department)),
        unrouted=unrouted,
        closed=states[TipOffState.CLOSED],
        substantiated=substantiated,
        median_days=median_days(days),
    )
