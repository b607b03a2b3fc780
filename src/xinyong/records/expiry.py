"""The end of publication that comes by itself, and its proof.

The public rule (`records.public.public_q`) hides a record from the day after its last day
of publication (`publication_ends`) whatever this module does: nothing waits for a job to
stay hidden. What the daily job adds is the proof of takedown: `publication_ended_on`, the
first day the record was off every surface, with a `record.publication_end` audit entry, in
one transaction per record. The date is the record's own (`publication_ends` + 1 day), never
the day the job ran, so a run that is late, or repeated, leaves the same dates and the same
audit trail: a second run finds nothing to do.

Which records (`END_NOT_RECORDED`): published, active and unrepaired ones. A withdrawn
record left every surface when it was withdrawn, and a repaired one on its `repaired_on`,
each with its own audit entry as proof; a record never published (a warning alone) has no
publication to end. A correction that moves the end date past the recorded end publishes the
record again; the job ends it again, with a new entry, once the new date has passed.

The takedown report reads `ended_records`: what ended on each day, shown as the public
surfaces showed it (document number and persons masked).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem
from xinyong.core import audit
from xinyong.core.errors import ReasonedError
from xinyong.core.permissions import Viewer
from xinyong.core.privacy import mask_in_text
from xinyong.records.models import END_NOT_RECORDED, Record
from xinyong.records.public import SubjectRef, subject_ref
from xinyong.subjects.models import Subject

ACTION = "record.publication_end"
CHUNK = 1000
ONE_DAY = datetime.timedelta(days=1)


class ExpiryError(ReasonedError):
    """A refused expiry run (a day in the future): nothing was written."""


@dataclass(frozen=True)
class Takedown:
    """What a run did: the day it ran for and how many records' ends it recorded."""

    as_of: datetime.date
    ended: int


def _end_one(
    as_of: datetime.date,
    pk: int,
    ends: datetime.date,
    recorded: datetime.date | None,
    organisation_id: int,
) -> bool:
    """Record the end of one record's publication with its audit entry, in one transaction.
    The update repeats what was read, so a record repaired, withdrawn, corrected or ended by
    a concurrent run since is left alone (False): a later run sees its new state."""
    ended_on = ends + ONE_DAY
    with transaction.atomic():
        changed = Record.objects.filter(
            END_NOT_RECORDED, pk=pk, publication_ends=ends, publication_ended_on=recorded
        ).update(publication_ended_on=ended_on, updated_at=timezone.now())
        if not changed:
            return False
        audit.record(
            ACTION,
            "record",
            pk,
            before={
                "publication_ends": ends.isoformat(),
                "publication_ended_on": recorded.isoformat() if recorded else None,
            },
            after={
                "publication_ends": ends.isoformat(),
                "publication_ended_on": ended_on.isoformat(),
            },
            purpose=f"expiry as of {as_of.isoformat()}",
            organisation_id=organisation_id,
        )
    return True


def end_publications(as_of: datetime.date | None = None) -> Takedown:
    """Record the end of publication of every record whose last day is before `as_of`
    (today by default). Idempotent and correct when late; a day in the future is refused.

    Reads `CHUNK` candidates at a time through the partial index of what is still to end
    (a record ended drops out of it), so memory stays flat however many have ended."""
    today = timezone.localdate()
    day = as_of or today
    if day > today:
        raise ExpiryError("records.future_date", _("不能按未来的日期结束公示"))
    due = (
        Record.objects.filter(END_NOT_RECORDED, publication_ends__lt=day)
        .order_by("publication_ends", "pk")
        .values_list("pk", "publication_ends", "publication_ended_on", "organisation_id")
    )
    ended = 0
    while True:
        chunk = list(due[:CHUNK])
        done = 0
        for pk, ends, recorded, organisation_id in chunk:
            assert ends is not None  # publication_ends__lt
            done += _end_one(day, pk, ends, recorded, organisation_id)
        ended += done
        if done == 0:  # nothing left, or all of it changed under us: the next run
            return Takedown(day, ended)


def daily(as_of: datetime.date) -> dict[str, Any]:
    """The records' daily job (`XINYONG_DAILY_JOBS` as `records.expire`)."""
    return {"ended": end_publications(as_of).ended}


# -- the takedown report -------------------------------------------------------------------------

RECORD = "record"
LIST_ENTRY = "list_entry"


@dataclass(frozen=True)
class TakenDown:
    """One thing that left the public surfaces on `day`, its first day off them: a record
    whose publication ended, or a list entry removed at the end of its duration."""

    day: datetime.date
    kind: str
    """`RECORD` or `LIST_ENTRY`."""
    what: str
    """The catalogue item, or the list type."""
    department: str
    doc_no: str
    """Masked as on the public surfaces."""
    subject: SubjectRef
    reference: str
    """The record's id, or the entry's public id: where to look in the audit log."""


SHOWN_SUBJECT = ("subject__kind", "subject__name", "subject__uscc", "subject__public_id")
"""What `subject_ref` reads of a subject: a report reads no more of it."""


def names_of(model: type[models.Model]) -> dict[int, str]:
    """Every row's name by id, for a small table (catalogue items, organisations, list
    types) that a long report names again and again."""
    return dict(model._default_manager.values_list("pk", "name"))


def shown_subject(kind: str, name: str, uscc: str, public_id: str) -> SubjectRef:
    """`subject_ref` of a subject read as the `SHOWN_SUBJECT` values."""
    return subject_ref(Subject(kind=kind, name=name, uscc=uscc, public_id=public_id))


def by_day(
    rows: QuerySet[Any], day_field: str, fields: Sequence[str], chunk: int
) -> Iterator[tuple[Any, ...]]:
    """`pk`, `day_field` and `fields` of `rows`, in (day, pk) order, read `chunk` at a time
    as plain tuples: each page starts after the last row of the one before, so the last
    page of a long report costs what the first did."""
    ordered = rows.order_by(day_field, "pk").values_list("pk", day_field, *fields)
    page = ordered
    while True:
        found = list(page[:chunk])
        yield from found
        if len(found) < chunk:
            return
        pk, day = found[-1][:2]
        page = ordered.filter(**{f"{day_field}__gte": day}).filter(
            Q(**{f"{day_field}__gt": day}) | Q(pk__gt=pk)
        )


def ended_records(
    viewer: Viewer, day_from: datetime.date, day_to: datetime.date, *, chunk: int = CHUNK
) -> Iterator[TakenDown]:
    """The records `viewer` may see whose publication ended between the two days (both
    included), by day; read `chunk` at a time, so a long period costs no memory."""
    rows = Record.objects.restrict(viewer).filter(
        publication_ended_on__gte=day_from, publication_ended_on__lte=day_to
    )
    items, departments = names_of(CatalogItem), names_of(Organisation)
    fields = ("item_id", "organisation_id", "doc_no", *SHOWN_SUBJECT)
    for pk, day, item_id, organisation_id, doc_no, *subject in by_day(
        rows, "publication_ended_on", fields, chunk
    ):
        yield TakenDown(
            day=day,
            kind=RECORD,
            what=items.get(item_id, ""),
            department=departments.get(organisation_id, ""),
            doc_no=mask_in_text(doc_no),
            subject=shown_subject(*subject),
            reference=str(pk),
        )


def ended_per_day(
    viewer: Viewer, day_from: datetime.date, day_to: datetime.date
) -> dict[datetime.date, int]:
    """How many records `viewer` may see ended on each day of the period (one query)."""
    rows = (
        Record.objects.restrict(viewer)
        .filter(publication_ended_on__gte=day_from, publication_ended_on__lte=day_to)
        .values("publication_ended_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["publication_ended_on"]: row["n"] for row in rows}
