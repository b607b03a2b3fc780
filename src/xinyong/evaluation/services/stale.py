"""Re-evaluation on change: which subjects are stale, and the pass that scores them again.

A subject becomes stale when something its grade rests on changes:
- a record is created, corrected, withdrawn or repaired: record events, marked in the
  events' own transaction (a failed mark leaves the events pending);
- a list entry is decided, published or removed, early or at its end (`ListEntry.updated_at`),
  or an objection that withheld a record is filed or answered (`Objection.filed_at` /
  `answered_at`): these have no record event, so the minute pass sweeps them since a
  watermark (the first sweep starts at the oldest of the models' last full runs);
- a day passes that ends a record's publication or starts or ends a listing: the daily job
  marks those (`services.schedule`).
The minute pass (`reevaluate_stale`, queued by `tasks`) hands on pending record events
(withdrawals and repairs are not followed by a submission that would), sweeps, then runs
every published model over the stale subjects (one subjects run per model) and removes the
marks those runs covered. A mark made while a run was under way survives it, so no change
is lost.

The sweeps read a little before their watermark (`OVERLAP`), since a change is stamped
before its transaction commits; a change already covered by a later event-driven run is not
marked again, so the overlap costs no extra scores.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from xinyong.evaluation.models import Run, RunKind, RunTrigger, Score, Stale, Watermark
from xinyong.evaluation.services.runs import last_full_run, run_subjects
from xinyong.evaluation.services.versions import published_versions
from xinyong.lists.models import ListEntry
from xinyong.objections.models import Objection
from xinyong.records import events
from xinyong.records.models import EventKind, ObjectionMark, Record, RecordEvent
from xinyong.subjects.models import Subject, SubjectKind

OVERLAP = datetime.timedelta(seconds=30)
"""How far before its watermark a sweep reads again: longer than any list or objection
transaction stays open between stamping a change and committing it."""

LISTS, OBJECTIONS = "lists", "objections"
CHUNK = 900
"""Subjects per IN query: below SQLite's historical limit of 999 bound parameters."""


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def mark_stale(subject_ids: Iterable[int], reason: str) -> int:
    """Queue `subject_ids` for re-evaluation (natural persons are never scored, so never
    queued); a subject already queued gets the later time. Returns how many were queued."""
    ids = sorted(set(subject_ids))
    if not ids:
        return 0
    now = timezone.now()
    scored = [
        pk
        for chunk in _chunks(ids)
        for pk in Subject.objects.filter(pk__in=chunk)
        .exclude(kind=SubjectKind.NATURAL_PERSON)
        .values_list("pk", flat=True)
    ]
    Stale.objects.bulk_create(
        [Stale(subject_id=pk, reason=reason[:32], queued_at=now) for pk in scored],
        update_conflicts=True,
        unique_fields=["subject"],
        update_fields=["reason", "queued_at"],
    )
    return len(scored)


def _on_record_events(batch: Sequence[RecordEvent]) -> None:
    """Mark the subjects of a batch of record events stale (in the events' transaction)."""
    record_ids = sorted({event.record_id for event in batch})
    subject_ids = [
        pk
        for chunk in _chunks(record_ids)
        for pk in Record.objects.filter(pk__in=chunk).values_list("subject_id", flat=True)
    ]
    mark_stale(subject_ids, batch[0].kind)


def register_handlers() -> None:
    """Hand every kind of record event to the stale marks (called when the app is ready)."""
    for kind in EventKind.values:
        events.register(kind, _on_record_events)


def _first_mark(now: datetime.datetime) -> datetime.datetime:
    """Where the first sweep starts: at the oldest of the published models' last full runs
    (what changed before it is in every model's scores), or now before any full run."""
    starts = [
        run.started_at
        for run in (last_full_run(version.code) for version in published_versions())
        if run is not None
    ]
    return min([*starts, now])


def _watermark(name: str, now: datetime.datetime) -> datetime.datetime:
    """Where the sweep `name` read up to, moved on to `now`."""
    mark, _created = Watermark.objects.select_for_update().get_or_create(
        name=name, defaults={"at": _first_mark(now)}
    )
    before, mark.at = mark.at, now
    mark.save(update_fields=["at"])
    return before


def _not_yet_covered(changed: dict[int, datetime.datetime]) -> list[int]:
    """The subjects among `changed` (subject → time of its latest change) not scored again
    by an event-driven run started after that change."""
    ids = sorted(changed)
    covered: dict[int, datetime.datetime] = {}
    for chunk in _chunks(ids):
        rows = (
            Score.objects.filter(
                subject_id__in=chunk,
                run__kind=RunKind.SUBJECTS,
                run__trigger=RunTrigger.EVENT,
            )
            .values("subject_id")
            .annotate(at=Max("run__started_at"))
            .values_list("subject_id", "at")
        )
        covered.update(rows)
    return [pk for pk in ids if pk not in covered or covered[pk] < changed[pk]]


def _latest(pairs: Iterable[tuple[int, datetime.datetime | None]]) -> dict[int, datetime.datetime]:
    latest: dict[int, datetime.datetime] = {}
    for subject_id, at in pairs:
        if at is not None and (subject_id not in latest or latest[subject_id] < at):
            latest[subject_id] = at
    return latest


def sweep(now: datetime.datetime | None = None) -> int:
    """Mark stale the subjects of list entries changed, and of objections that withheld a
    record filed or answered, since the last sweep. Returns how many were marked."""
    now = now or timezone.now()
    with transaction.atomic():
        since = _watermark(LISTS, now) - OVERLAP
        entries = ListEntry.objects.filter(updated_at__gt=since, updated_at__lte=now)
        changed = _latest(entries.values_list("subject_id", "updated_at"))
        marked = mark_stale(_not_yet_covered(changed), LISTS)
    with transaction.atomic():
        since = _watermark(OBJECTIONS, now) - OVERLAP
        withheld = Objection.objects.filter(mark=ObjectionMark.WITHHELD).filter(
            Q(filed_at__gt=since, filed_at__lte=now)
            | Q(answered_at__gt=since, answered_at__lte=now)
        )
        pairs = withheld.values_list("record__subject_id", "filed_at", "answered_at")
        changed = _latest(
            (subject, answered if answered and answered <= now else filed)
            for subject, filed, answered in pairs
        )
        marked += mark_stale(_not_yet_covered(changed), OBJECTIONS)
    return marked


@dataclass(frozen=True)
class Reevaluation:
    """What one pass of the minute task did."""

    marked: int
    subjects: int
    runs: list[Run]


def reevaluate_stale(limit: int = 10_000) -> Reevaluation:
    """One minute pass (see the module doc): score up to `limit` stale subjects, oldest
    marks first, today under every published model."""
    events.process_pending()
    marked = sweep()
    taken_at = timezone.now()
    ids = list(
        Stale.objects.filter(queued_at__lte=taken_at)
        .order_by("queued_at", "subject_id")
        .values_list("subject_id", flat=True)[:limit]
    )
    if not ids:
        return Reevaluation(marked, 0, [])
    versions = published_versions()
    runs = [run_subjects(version, ids, trigger=RunTrigger.EVENT) for version in versions]
    for chunk in _chunks(sorted(ids)):
        Stale.objects.filter(subject_id__in=chunk, queued_at__lte=taken_at).delete()
    return Reevaluation(marked, len(ids), runs)
