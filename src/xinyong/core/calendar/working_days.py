"""Working days: is a day worked, and deadline arithmetic over the loaded calendar.

Counting rules, the same for every function:
- `working_days_between(a, b)` counts the working days d with a < d <= b; for b < a it is
  minus `working_days_between(b, a)`. It is therefore additive: f(a, b) + f(b, c) == f(a, c).
- `add_working_days(start, n)`, n >= 1: the n-th working day after start (start not counted);
  always a working day, and `working_days_between(start, result) == n`. n == 0 returns start
  itself, worked or not. n < 0: the |n|-th working day before start (always a working day);
  `working_days_between(start, result) == n` holds when start is a working day, and is n + 1
  when it is not (the day off between them counts for nothing either way).
- A date in a year that is not loaded raises CalendarUnknownYear, naming the year(s); the
  `*_provisional` variants count Monday–Friday there instead and return a flag saying so.

Speed: each process keeps a snapshot of the known years' working days (sorted ordinals per
year), so arithmetic is a few bisections. Every module-level call first reads a cheap version
of CalendarYear (count, max id, max loaded_at: one aggregate query) and reloads the snapshot
when another process, a load or a rolled-back transaction changed it; loads replace the year's
row, so its id always grows. Code that computes many deadlines at once takes `current()` once
and calls its methods, which never touch the database.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.db import connection

from xinyong.core.models import CalendarDay, CalendarYear


class CalendarUnknownYear(LookupError):
    """A date falls in a year whose holiday schedule has not been loaded."""

    reason = "calendar.unknown_year"

    def __init__(self, years: Iterable[int]) -> None:
        self.years = tuple(sorted(set(years)))
        runs: list[list[int]] = []
        for year in self.years:
            if runs and runs[-1][-1] == year - 1:
                runs[-1].append(year)
            else:
                runs.append([year])
        spans = [f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs]
        zh = "、".join(f"{span} 年" for span in spans)
        en = ", ".join(spans)
        super().__init__(
            f"工作日历中没有 {zh}的节假日安排，请先载入（xinyong calendar load）；"
            f"no working-day calendar for {en}: load the holiday schedule first"
        )


DaysOf = Callable[[int], Sequence[int]]


@lru_cache(maxsize=32)
def weekdays_of(year: int) -> tuple[int, ...]:
    """Monday–Friday of `year` as ordinals: the provisional stand-in for an unknown year."""
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    return tuple(o for o in range(first, last + 1) if (o - 1) % 7 < 5)


def _shift(start: date, n: int, days_of: DaysOf) -> date:
    year, ordinal = start.year, start.toordinal()
    days = days_of(year)
    if n == 0:
        return start
    if n > 0:
        i = bisect_right(days, ordinal)
        while n > len(days) - i:
            n -= len(days) - i
            year += 1
            days, i = days_of(year), 0
        return date.fromordinal(days[i + n - 1])
    i, n = bisect_left(days, ordinal), -n
    while n > i:
        n -= i
        year -= 1
        days = days_of(year)
        i = len(days)
    return date.fromordinal(days[i - n])


def _count(start: date, end: date, days_of: DaysOf) -> int:
    if end < start:
        return -_count(end, start, days_of)
    a, b = start.toordinal(), end.toordinal()
    years = range(start.year, end.year + 1)
    return sum(bisect_right(days, b) - bisect_right(days, a) for days in map(days_of, years))


def _plain_date(day: date) -> date:
    # A moment's calendar day depends on the time zone: make the caller choose it.
    if isinstance(day, datetime):
        raise TypeError("pass a date, not a datetime (convert it with timezone.localdate)")
    return day


Version = tuple[int, int | None, object]  # count, max id, max loaded_at (as the driver gives it)


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable snapshot of the known years; its methods never touch the database."""

    version: Version
    working: Mapping[int, tuple[int, ...]]  # year -> sorted ordinals of its working days

    def _days(self, year: int) -> tuple[int, ...]:
        try:
            return self.working[year]
        except KeyError:
            raise CalendarUnknownYear([year]) from None

    def _days_or_weekdays(self, year: int) -> tuple[int, ...]:
        return self.working[year] if year in self.working else weekdays_of(year)

    def _unknown(self, a: date, b: date) -> list[int]:
        first, last = min(a, b).year, max(a, b).year
        return [year for year in range(first, last + 1) if year not in self.working]

    def knows(self, year: int) -> bool:
        return year in self.working

    def is_working_day(self, day: date) -> bool:
        days, ordinal = self._days(_plain_date(day).year), day.toordinal()
        i = bisect_left(days, ordinal)
        return i < len(days) and days[i] == ordinal

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start (before it for n < 0); see the module rules."""
        return _shift(_plain_date(start), n, self._days)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; negative when end < start."""
        missing = self._unknown(_plain_date(start), _plain_date(end))
        if missing:
            raise CalendarUnknownYear(missing)
        return _count(start, end, self._days)

    def add_working_days_provisional(self, start: date, n: int) -> tuple[date, bool]:
        """(deadline, provisional): Monday–Friday stands in for unknown years, flagged."""
        result = _shift(_plain_date(start), n, self._days_or_weekdays)
        return result, bool(self._unknown(start, result))

    def working_days_between_provisional(self, start: date, end: date) -> tuple[int, bool]:
        """(count, provisional), as `add_working_days_provisional` does."""
        count = _count(_plain_date(start), _plain_date(end), self._days_or_weekdays)
        return count, bool(self._unknown(start, end))


_snapshot: WorkingCalendar | None = None


def _version() -> Version:
    # Raw SQL: this runs on every call, and the ORM would cost several times the query.
    table = connection.ops.quote_name(CalendarYear._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(id), MAX(loaded_at) FROM {table}")  # noqa: S608
        count, top, at = cursor.fetchone() or (0, None, None)
    return int(count), top, at


def _build(version: Version) -> WorkingCalendar:
    # Read after the version: a load committing in between makes the next call reload.
    working: dict[int, list[int]] = {
        year: [] for year in CalendarYear.objects.values_list("year", flat=True)
    }
    rows = CalendarDay.objects.filter(is_working_day=True).order_by("date")
    for day in rows.values_list("date", flat=True).iterator(chunk_size=5000):
        bucket = working.get(day.year)
        if bucket is not None:
            bucket.append(day.toordinal())
    return WorkingCalendar(version, {year: tuple(days) for year, days in working.items()})


def current() -> WorkingCalendar:
    """The process's snapshot, reloaded if the calendar changed since it was taken."""
    global _snapshot
    version = _version()
    snapshot = _snapshot
    if snapshot is None or snapshot.version != version:
        snapshot = _snapshot = _build(version)
    return snapshot


def is_working_day(day: date) -> bool:
    """Whether `day` is worked; CalendarUnknownYear if its year is not loaded."""
    return current().is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (see the module rules for 0 and negative n)."""
    return current().add_working_days(start, n)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative if end < start."""
    return current().working_days_between(start, end)


def add_working_days_provisional(start: date, n: int) -> tuple[date, bool]:
    """(deadline, provisional) for workflows that must not fail on an unknown year."""
    return current().add_working_days_provisional(start, n)


def working_days_between_provisional(start: date, end: date) -> tuple[int, bool]:
    """(count, provisional) for measurements that must not fail on an unknown year."""
    return current().working_days_between_provisional(start, end)
