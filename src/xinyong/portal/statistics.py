"""The figures of the public statistics page, aggregated in the database.

Record figures count only what is public today (`public_records`), and list figures only the
entries public now (`lists.public`), so the page never tells more than the subject pages do.
The queries are the same few whatever the data size: one pass over the window's public
records for both record figures, one GROUP BY on subjects, one on the public list entries,
and small look-ups of names, list types and deadlines (eight in all).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem
from xinyong.catalog.services import PolicyLookupError, deadline_for
from xinyong.core.models import District
from xinyong.lists.public import ListFigures, list_figures
from xinyong.records.ingest.windows import TIMELINESS_DEADLINES
from xinyong.records.public import public_records
from xinyong.subjects.models import Subject, SubjectKind

WINDOW_MONTHS = 12
"""Record figures cover decisions of the current month and the eleven before it."""


@dataclass(frozen=True)
class MonthlyRow:
    """One department's public records by decision month (aligned with `Statistics.months`)."""

    department: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class TimelinessRow:
    """One department's records of items with a receipt deadline, and how many came in time."""

    department: str
    measured: int
    on_time: int
    average_days: float | None

    @property
    def rate(self) -> float | None:
        """Share received within the deadline, 0–1 (None when nothing was measured)."""
        return self.on_time / self.measured if self.measured else None


@dataclass(frozen=True)
class Deadline:
    """A catalogue item whose records are measured for timeliness, and its deadline today."""

    item: str
    working_days: int | None


@dataclass(frozen=True)
class DistrictRow:
    """Subjects registered in one district by kind (aligned with `Statistics.kinds`);
    `code` and `name` are empty for subjects whose district is not known."""

    code: str
    name: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Statistics:
    """Everything the statistics page shows, as of `today` (list entries: as of now)."""

    today: date
    months: tuple[date, ...]
    monthly: tuple[MonthlyRow, ...]
    timeliness: tuple[TimelinessRow, ...]
    deadlines: tuple[Deadline, ...]
    kinds: tuple[str, ...]
    districts: tuple[DistrictRow, ...]
    lists: ListFigures

    @property
    def month_totals(self) -> tuple[int, ...]:
        return tuple(sum(column) for column in zip(*(r.counts for r in self.monthly), strict=True))

    @property
    def records(self) -> int:
        return sum(row.total for row in self.monthly)

    @property
    def subjects(self) -> int:
        return sum(row.total for row in self.districts)


def window(today: date, months: int = WINDOW_MONTHS) -> tuple[date, ...]:
    """The first days of the `months` calendar months ending with today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return tuple(date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1))


def _departments(ids: set[int]) -> dict[int, str]:
    """Department labels (short name, else full name) by id."""
    rows = Organisation.objects.filter(pk__in=ids).values_list("pk", "name", "short_name")
    return {pk: short or name for pk, name, short in rows}


def _records(
    today: date, months: tuple[date, ...]
) -> tuple[tuple[MonthlyRow, ...], tuple[TimelinessRow, ...]]:
    """Both record figures from one pass over the window's public records, grouped by
    department id and month only (names are joined afterwards, on a few dozen rows)."""
    measured = Q(item__code__in=list(TIMELINESS_DEADLINES))
    rows = (
        public_records(today=today)
        .filter(decision_date__gte=months[0], decision_date__lte=today)
        .annotate(month=TruncMonth("decision_date"))
        .values("organisation_id", "month")
        .annotate(
            n=Count("pk"),
            measured=Count("pk", filter=measured),
            late_count=Count("pk", filter=measured & Q(late=True)),
            timed=Count("timeliness_days", filter=measured),
            days=Sum("timeliness_days", filter=measured),
        )
        .order_by()
    )
    position = {month: i for i, month in enumerate(months)}
    counts: dict[int, list[int]] = {}
    timing: dict[int, list[int]] = {}  # measured, late, timed, days
    for row in rows:
        key = row["organisation_id"]
        counts.setdefault(key, [0] * len(months))[position[row["month"]]] += row["n"]
        totals = timing.setdefault(key, [0, 0, 0, 0])
        for i, name in enumerate(("measured", "late_count", "timed", "days")):
            totals[i] += row[name] or 0
    names = _departments(set(counts)) if counts else {}
    monthly = sorted(
        (MonthlyRow(names[key], tuple(values)) for key, values in counts.items()),
        key=lambda r: (-r.total, r.department),
    )
    timeliness = sorted(
        (
            TimelinessRow(
                department=names[key],
                measured=n,
                on_time=n - late,
                average_days=round(days / timed, 1) if timed else None,
            )
            for key, (n, late, timed, days) in timing.items()
            if n
        ),
        key=lambda r: (-(r.rate or 0), -r.measured, r.department),
    )
    return tuple(monthly), tuple(timeliness)


def _deadlines(today: date) -> tuple[Deadline, ...]:
    """What the timeliness figures measure against (one query per deadline, not per item)."""
    days: dict[str, int | None] = {}
    for key in sorted(set(TIMELINESS_DEADLINES.values())):
        try:
            days[key] = deadline_for(key, today).working_days
        except PolicyLookupError:
            days[key] = None
    items = CatalogItem.objects.filter(code__in=list(TIMELINESS_DEADLINES)).order_by("code")
    return tuple(
        Deadline(name, days[TIMELINESS_DEADLINES[code]])
        for code, name in items.values_list("code", "name")
    )


def _districts() -> tuple[tuple[str, ...], tuple[DistrictRow, ...]]:
    """Subjects by district and kind: grouped on the (district, kind) index, named after."""
    rows = list(Subject.objects.values("district_id", "kind").annotate(n=Count("pk")).order_by())
    ids = {row["district_id"] for row in rows} - {None}
    found = District.objects.filter(pk__in=ids).values_list("pk", "code", "name") if ids else []
    named = {pk: (code, name) for pk, code, name in found}
    present = {row["kind"] for row in rows}
    kinds = tuple(kind for kind in SubjectKind.values if kind in present)
    names: dict[str, str] = {}
    counts: dict[str, list[int]] = {}
    for row in rows:
        code, name = named.get(row["district_id"], ("", ""))
        names[code] = name
        counts.setdefault(code, [0] * len(kinds))[kinds.index(row["kind"])] += row["n"]
    # Known districts by code (the statistical order), the unknown last.
    order = sorted(counts, key=lambda code: (code == "", code))
    return kinds, tuple(DistrictRow(code, names[code], tuple(counts[code])) for code in order)


def statistics(today: date | None = None) -> Statistics:
    """The page's figures from the live database (a fixed number of aggregate queries)."""
    today = today or timezone.localdate()
    months = window(today)
    kinds, districts = _districts()
    monthly, timeliness = _records(today, months)
    return Statistics(
        today=today,
        months=months,
        monthly=monthly,
        timeliness=timeliness,
        deadlines=_deadlines(today),
        kinds=kinds,
        districts=districts,
        lists=list_figures(months),
    )
