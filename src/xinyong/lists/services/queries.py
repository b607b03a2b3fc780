"""Reading the lists: the entries in force for subjects at a moment, and the list state.

`entries_in_force` is what a check calls, a thousand times a second, and what batch
comparison calls for 100,000 subjects: one query per chunk of subjects, led by the
(subject, in_force_from) index, returning plain tuples. An entry is in force at moment T
when the platform had recorded its decision by T and T's day lies in its duration, unless a
removal recorded by T took effect by T's day. So `as_of` a past moment answers what the
lists said then, whatever was recorded afterwards; and an entry past its end date never
counts, whether or not the daily expiry has run.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import ListType, PolicyVersion
from xinyong.core import rows
from xinyong.core.permissions import VIEW, Viewer
from xinyong.lists.models import EntryState, ListEntry, ListEntryStep

CHUNK = 900
"""Subjects per IN query: below SQLite's historical limit of 999 bound parameters."""


@dataclass(frozen=True, slots=True)
class EntryInForce:
    """One entry in force for one subject, as a check reports it."""

    public_id: str
    subject_id: int
    list_type: str
    list_kind: str
    list_type_version: int
    organisation_id: int
    organisation_name: str  # the deciding department, as a check's answer names it
    doc_no: str
    decision_date: datetime.date | None
    starts_on: datetime.date
    ends_on: datetime.date | None
    published: bool


def _moment(at: datetime.datetime | None) -> datetime.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("pass an aware datetime")
    return at


def in_force(at: datetime.datetime | None = None) -> Q:
    """The filter of entries in force at moment `at` (now by default)."""
    moment = _moment(at)
    day = timezone.localdate(moment)
    return (
        Q(in_force_from__lte=moment, starts_on__lte=day)
        & (Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        & (Q(removed_at__isnull=True) | Q(removed_at__gt=moment) | Q(removed_on__gt=day))
    )


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _statement(count: int) -> str:
    """The query for `count` subjects: `in_force` written out, because the ORM spends
    several times the database's own time compiling it on every check. It names each
    entry's deciding department too, which a check's answer shows (one query fewer)."""
    places = ", ".join(["%s"] * count)
    return (
        "SELECT e.public_id, e.subject_id, t.code, t.kind, v.version, e.organisation_id, o.name,"  # noqa: S608 - parameter markers and table names only
        " e.doc_no, e.decision_date, e.starts_on, e.ends_on,"
        " CASE WHEN e.published_at <= %s AND e.published_on <= %s THEN 1 ELSE 0 END"
        f" FROM {_table(ListEntry)} e"
        f" JOIN {_table(ListType)} t ON t.id = e.list_type_id"
        f" JOIN {_table(PolicyVersion)} v ON v.id = e.list_type_version_id"
        f" JOIN {_table(Organisation)} o ON o.id = e.organisation_id"
        f" WHERE e.subject_id IN ({places})"
        " AND e.in_force_from <= %s AND e.starts_on <= %s"
        " AND (e.ends_on IS NULL OR e.ends_on > %s)"
        " AND (e.removed_at IS NULL OR e.removed_at > %s OR e.removed_on > %s)"
        " ORDER BY e.subject_id, e.starts_on, e.id"
    )


def entries_in_force(
    subject_ids: Iterable[int], at: datetime.datetime | None = None
) -> dict[int, list[EntryInForce]]:
    """The entries in force at `at` (now by default) for each of `subject_ids` that has
    any, oldest first; `published` as recorded by then. The same rule as `in_force`."""
    moment = _moment(at)
    ops = connection.ops
    when = ops.adapt_datetimefield_value(moment)
    day = ops.adapt_datefield_value(timezone.localdate(moment))
    ids = sorted(set(subject_ids))
    found: dict[int, list[EntryInForce]] = {}
    with rows.prepared_cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            params = [when, day, *chunk, when, day, day, when, day]
            cursor.execute(_statement(len(chunk)), params)
            for (
                pk,
                subject,
                code,
                kind,
                version,
                org,
                org_name,
                doc_no,
                decided,
                start,
                end,
                shown,
            ) in cursor.fetchall():
                entry = EntryInForce(
                    public_id=pk,
                    subject_id=subject,
                    list_type=code,
                    list_kind=kind,
                    list_type_version=version,
                    organisation_id=org,
                    organisation_name=org_name,
                    doc_no=doc_no,
                    decision_date=decided,
                    starts_on=start,
                    ends_on=end,
                    published=bool(shown),
                )
                found.setdefault(entry.subject_id, []).append(entry)
    return found


def list_state(at: datetime.datetime | None = None) -> int:
    """A number for the state of all lists at `at` (now by default): the id of the last
    step recorded by then, 0 before the first. Steps are append-only, so the same moment
    always gives the same number once its transactions have committed."""
    when = connection.ops.adapt_datetimefield_value(_moment(at))
    sql = f"SELECT id FROM {_table(ListEntryStep)} WHERE at <= %s ORDER BY at DESC, id DESC LIMIT 1"  # noqa: S608 - no input
    with connection.cursor() as cursor:
        cursor.execute(sql, [when])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def entries_visible_to(viewer: Viewer) -> QuerySet[ListEntry]:
    """The entries `viewer` may see in the back office, newest first."""
    rows = ListEntry.objects.restrict(viewer, VIEW)
    return rows.select_related("list_type", "organisation", "subject").order_by("-created_at")


def history(entry: ListEntry) -> list[ListEntryStep]:
    """Every step taken on `entry`, in order."""
    return list(entry.steps.select_related("organisation").order_by("id"))


def entries_about(subject_id: int) -> QuerySet[ListEntry]:
    """Every entry about one subject in any state, newest first: what the subject's own
    account shows (from the notice on, so that it can state its case in time)."""
    return (
        ListEntry.objects.filter(subject_id=subject_id)
        .select_related("list_type", "organisation")
        .order_by("-created_at", "-pk")
    )


def entries_resting_on(record_id: int, *, after: datetime.date) -> list[ListEntry]:
    """The entries in force that a record's repair or withdrawal must lift: decided or
    published on the record, still running after `after` (one whose period ends by then
    leaves by itself through the expiry job)."""
    entries = ListEntry.objects.filter(
        record_id=record_id, state__in=(EntryState.DECIDED, EntryState.PUBLISHED)
    )
    return [
        entry
        for entry in entries.select_related("list_type").order_by("pk")
        if entry.ends_on is None or entry.ends_on > after
    ]
