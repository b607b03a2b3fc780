"""Shared helpers: the test files and an independent reference calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

FILES = Path(__file__).parent / "files"
SEEDED = range(2004, 2027)


def reference_is_workday(day: date) -> bool:
    """The package's own answer, day by day (it raises outside 2004–2026)."""
    return bool(chinese_calendar.is_workday(day))


def reference_add(
    start: date, n: int, is_workday: Callable[[date], bool] = reference_is_workday
) -> date:
    """Walk one day at a time until n working days have passed (n may be negative)."""
    step = timedelta(days=1 if n > 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        left -= bool(is_workday(day))
    return day


def reference_between(start: date, end: date) -> int:
    """Working days d with start < d <= end, counted one day at a time (signed)."""
    lo, hi, sign = (start, end, 1) if start <= end else (end, start, -1)
    days = (lo + timedelta(days=i) for i in range(1, (hi - lo).days + 1))
    return sign * sum(reference_is_workday(d) for d in days)


def weekday_only(day: date) -> bool:
    return day.weekday() < 5
