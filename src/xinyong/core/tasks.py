"""Background tasks of the core: the daily jobs' runner, which queues itself for the next day."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from xinyong.core import schedules


@task()
def run_daily_jobs() -> list[dict[str, Any]]:
    """Run the day's jobs (see `core.schedules`), then queue the next day's run."""
    runs = schedules.run_due()
    run_daily_jobs.using(run_after=schedules.next_run_at(timezone.now())).enqueue()
    return [{"job": r.job, "day": r.day.isoformat(), "error": r.error} for r in runs]


def ensure_scheduled() -> None:
    """Queue the daily runner unless it already is: at once when today's jobs have not all
    finished (the worker was down at run time), else for the next run time. The worker
    calls this when it starts."""
    queued = DBTaskResult.objects.filter(
        task_path=run_daily_jobs.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    if queued.exists():
        return
    now = timezone.now()
    run_after = now if schedules.due_today(now) else schedules.next_run_at(now)
    run_daily_jobs.using(run_after=run_after).enqueue()
