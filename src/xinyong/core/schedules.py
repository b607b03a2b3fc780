"""Daily jobs: which exist, when they run, and how a day's run is recorded.

Jobs are settings data (`XINYONG_DAILY_JOBS`: job name → dotted path of a function taking the
day as `as_of` and returning a JSON-able summary), so an app adds one without touching the
worker. The worker keeps one `run_daily_jobs` task queued for the next run time
(`XINYONG_DAILY_AT`, local time); that task runs every job not yet done for the day, each
on its own so one failure does not stop the others, writes a `DailyRun` per job and queues
itself for the next day.

Jobs must be idempotent and correct when late: a worker that was down for three days runs
them once, for today, and they catch up by what they select (expiry ends everything whose
end date has passed, not only what ended yesterday).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from xinyong.core.context import in_job
from xinyong.core.models import DailyRun

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=2)
"""A run started this long ago and never finished belongs to a worker that died: run again."""

DailyJob = Callable[..., dict[str, Any]]


def daily_jobs() -> dict[str, DailyJob]:
    """The configured jobs by name, in the order they run."""
    return {name: import_string(path) for name, path in settings.XINYONG_DAILY_JOBS.items()}


def _claim(job: str, day: date, now: datetime) -> DailyRun | None:
    """The day's run of `job` to do now, or None when it is done or under way elsewhere."""
    try:
        with transaction.atomic():
            return DailyRun.objects.create(job=job, day=day, started_at=now)
    except IntegrityError:
        pass
    with transaction.atomic():
        run = DailyRun.objects.select_for_update().get(job=job, day=day)
        done = run.finished_at is not None and not run.error
        running = run.finished_at is None and now - run.started_at < STALE_AFTER
        if done or running:
            return None
        run.started_at, run.finished_at, run.error = now, None, ""
        run.save(update_fields=["started_at", "finished_at", "error"])
        return run


def run_due(as_of: date | None = None) -> list[DailyRun]:
    """Run each job not yet done for `as_of` (today by default); returns the runs made."""
    day = as_of or timezone.localdate()
    runs = []
    for name, job in daily_jobs().items():
        run = _claim(name, day, timezone.now())
        if run is None:
            continue
        try:
            with in_job(f"daily.{name}"):
                run.outcome = job(as_of=day)
        except Exception as exc:  # one job's failure must not stop the others
            logger.exception("daily job %s for %s failed", name, day)
            run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "error", "finished_at"])
        runs.append(run)
    return runs


def next_run_at(now: datetime) -> datetime:
    """The first daily run time (local) after `now`."""
    hour, minute = (int(part) for part in settings.XINYONG_DAILY_AT.split(":"))
    local = timezone.localtime(now)
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return (
        at
        if at > local
        else datetime.combine(
            local.date() + timedelta(days=1), time(hour, minute), tzinfo=local.tzinfo
        )
    )


def due_today(now: datetime) -> bool:
    """True when a job has not finished cleanly for today (a missed or failed day)."""
    day = timezone.localdate(now)
    done = DailyRun.objects.filter(day=day, finished_at__isnull=False, error="")
    return done.count() < len(settings.XINYONG_DAILY_JOBS)
