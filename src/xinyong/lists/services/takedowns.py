"""The takedown report (proof of takedown): what left the surfaces by itself, day by day.

Two daily jobs end things by date: `records.expiry` ends the publication of records, and
`lists.services.expiry` removes list entries at the end of their duration. The report lists
both by the first day each was off the surfaces — a record's `publication_ended_on`, an
entry's `removed_on` — which are the things' own dates, not the days the jobs ran; the audit
log holds an entry for each. It lives here because the lists sit above the records.
Subjects and document numbers are shown as the public surfaces show them (persons masked).
"""

from __future__ import annotations

import csv
import datetime
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import ListType
from xinyong.core.errors import ReasonedError
from xinyong.core.permissions import Viewer
from xinyong.core.privacy import mask_in_text
from xinyong.lists.models import ListEntry, RemovalKind
from xinyong.records.expiry import (
    CHUNK,
    LIST_ENTRY,
    RECORD,
    SHOWN_SUBJECT,
    TakenDown,
    by_day,
    ended_records,
    names_of,
    shown_subject,
)
from xinyong.records.expiry import ended_per_day as records_per_day
from xinyong.records.ingest.errorfile import neutralise

MAX_DAYS = 366
"""The longest period one report covers."""


class TakedownError(ReasonedError, ValueError):
    """A period the report refuses; nothing was read."""


@dataclass(frozen=True)
class DayCount:
    """How many records and list entries came off the surfaces on `day`."""

    day: datetime.date
    records: int
    list_entries: int


def check_period(day_from: datetime.date, day_to: datetime.date) -> None:
    """Refuse a period that ends before it starts or is longer than `MAX_DAYS`."""
    if day_from > day_to:
        raise TakedownError("takedowns.period", _("起始日期不能晚于截止日期"))
    if (day_to - day_from).days + 1 > MAX_DAYS:
        raise TakedownError("takedowns.too_long", _("查询期间最长 %(n)d 天") % {"n": MAX_DAYS})


def _expired(day_from: datetime.date, day_to: datetime.date) -> Q:
    return Q(removal_kind=RemovalKind.EXPIRED, removed_on__gte=day_from, removed_on__lte=day_to)


def expired_entries(
    viewer: Viewer, day_from: datetime.date, day_to: datetime.date, *, chunk: int = CHUNK
) -> Iterator[TakenDown]:
    """The entries `viewer` may see that were removed at the end of their duration between
    the two days (both included), by day, `chunk` at a time."""
    rows = ListEntry.objects.restrict(viewer).filter(_expired(day_from, day_to))
    list_types, departments = names_of(ListType), names_of(Organisation)
    fields = ("public_id", "list_type_id", "organisation_id", "doc_no", *SHOWN_SUBJECT)
    for _pk, day, public_id, list_type_id, organisation_id, doc_no, *subject in by_day(
        rows, "removed_on", fields, chunk
    ):
        yield TakenDown(
            day=day,
            kind=LIST_ENTRY,
            what=list_types.get(list_type_id, ""),
            department=departments.get(organisation_id, ""),
            doc_no=mask_in_text(doc_no),
            subject=shown_subject(*subject),
            reference=public_id,
        )


def takedowns(
    viewer: Viewer, day_from: datetime.date, day_to: datetime.date
) -> Iterator[TakenDown]:
    """Everything `viewer` may see that came off the surfaces by itself in the period, by
    day, each day's records before its list entries; streamed, however long the list."""
    check_period(day_from, day_to)
    return heapq.merge(
        ended_records(viewer, day_from, day_to),
        expired_entries(viewer, day_from, day_to),
        key=lambda row: (row.day, row.kind != RECORD),
    )


def takedowns_per_day(
    viewer: Viewer, day_from: datetime.date, day_to: datetime.date
) -> list[DayCount]:
    """The days of the period on which anything came off, with counts (two queries)."""
    check_period(day_from, day_to)
    records = records_per_day(viewer, day_from, day_to)
    entries = {
        row["removed_on"]: row["n"]
        for row in ListEntry.objects.restrict(viewer)
        .filter(_expired(day_from, day_to))
        .values("removed_on")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return [
        DayCount(day, records.get(day, 0), entries.get(day, 0))
        for day in sorted(records.keys() | entries.keys())
    ]


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def kind_label(kind: str) -> str:
    return _("信用记录公示期满") if kind == RECORD else _("名单期满移出")


def csv_header() -> list[str]:
    return [
        _("撤下日期"),
        _("类别"),
        _("目录项或名单"),
        _("来源部门"),
        _("文书号"),
        _("信用主体"),
        _("统一社会信用代码"),
        _("编号"),
    ]


def csv_row(row: TakenDown) -> list[str]:
    """One row's cells; submitted text a spreadsheet would run as a formula is neutralised."""
    texts = [row.what, row.department, row.doc_no, row.subject.name]
    return [
        row.day.isoformat(),
        kind_label(row.kind),
        *(neutralise(text) for text in texts),
        row.subject.uscc,
        row.reference,
    ]


def write_csv(rows: Iterable[TakenDown], out: _Writable) -> None:
    """The report as CSV (a header, then one line per row) to `out`."""
    writer = csv.writer(out)
    writer.writerow(csv_header())
    for row in rows:
        writer.writerow(csv_row(row))
