"""The daily job `evaluation.schedule`: full runs when due, and the changes days make.

A model is re-evaluated in full when its latest published version has no full run yet (a
newly published weight reaches every subject the next morning) or its last full run is
`reevaluate_every_days` old. Between full runs, the passing of days changes what counts
without any event: a record's publication period ends, a list entry starts, runs out or
reaches a removal date recorded in advance. The job marks those subjects stale, for the
minute task to re-evaluate, from the day after the last day it covered.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinyong.evaluation.facts import cut_off
from xinyong.evaluation.models import Run, RunKind, RunStatus, RunTrigger, Watermark
from xinyong.evaluation.services.runs import last_full_run, run_full
from xinyong.evaluation.services.stale import mark_stale
from xinyong.evaluation.services.versions import published_versions, spec_of
from xinyong.lists.models import ListEntry
from xinyong.records.models import Record

DAYS = "days"
ONE_DAY = datetime.timedelta(days=1)


def mark_day_changes(as_of: datetime.date) -> int:
    """Mark stale the subjects whose facts started or stopped counting by the passing of the
    days after the last one covered, up to `as_of`; returns how many were marked."""
    with transaction.atomic():
        mark, _created = Watermark.objects.select_for_update().get_or_create(
            name=DAYS, defaults={"at": cut_off(as_of - ONE_DAY)}
        )
        last = timezone.localdate(mark.at) - ONE_DAY  # the last day covered
        if last >= as_of:
            return 0
        ended = Record.objects.filter(publication_ends__gte=last, publication_ends__lt=as_of)
        entries = ListEntry.objects.filter(in_force_from__isnull=False).filter(
            Q(starts_on__gt=last, starts_on__lte=as_of)
            | Q(ends_on__gt=last, ends_on__lte=as_of)
            | Q(removed_on__gt=last, removed_on__lte=as_of)
        )
        subjects = {*ended.values_list("subject_id", flat=True)}
        subjects.update(entries.values_list("subject_id", flat=True))
        marked = mark_stale(subjects, DAYS)
        mark.at = cut_off(as_of)
        mark.save(update_fields=["at"])
    return marked


def runs_due(as_of: datetime.date) -> list[Run]:
    """Run in full each published model whose latest version has no full run yet or whose
    last full run is `reevaluate_every_days` old (cut-off `as_of`)."""
    made = []
    for version in published_versions():
        every = datetime.timedelta(days=spec_of(version).reevaluate_every_days)
        last = last_full_run(version.code)
        ran = Run.objects.filter(
            model_version=version, kind=RunKind.FULL, status=RunStatus.DONE
        ).exists()
        if ran and last is not None and last.as_of > as_of - every:
            continue
        made.append(run_full(version, as_of=as_of, trigger=RunTrigger.SCHEDULE))
    return made


def daily(as_of: datetime.date) -> dict[str, Any]:
    """The daily job (`XINYONG_DAILY_JOBS`): the day's stale marks, then the runs due."""
    marked = mark_day_changes(as_of)
    runs = runs_due(as_of)
    return {
        "marked_stale": marked,
        "runs": [
            {"model": str(run.model_version), "run": run.public_id, "subjects": run.subjects}
            for run in runs
        ],
    }
