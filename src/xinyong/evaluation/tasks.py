"""Background tasks of evaluation: the minute pass that re-evaluates stale subjects.

`reevaluate_stale` queues its own next pass a minute on, like the daily runner queues the
next day (`core.tasks`), also when a pass fails, so one bad minute does not stop
re-evaluation. The worker calls `ensure_scheduled` when it starts
(`XINYONG_WORKER_STARTUP`). A pass is queued only when none is waiting, so workers started
while a pass runs, or a pass left running by a worker that died, never make two chains.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from xinyong.core.context import in_job
from xinyong.evaluation.services import stale

INTERVAL = datetime.timedelta(seconds=60)


@task()
def reevaluate_stale() -> dict[str, Any]:
    """Re-evaluate the subjects whose facts changed, then queue the next pass."""
    try:
        with in_job("evaluation.reevaluate_stale"):
            done = stale.reevaluate_stale()
    finally:
        ensure_scheduled()
    return {
        "marked": done.marked,
        "subjects": done.subjects,
        "runs": [run.public_id for run in done.runs],
    }


def ensure_scheduled() -> None:
    """Queue the next pass a minute from now unless one is waiting already."""
    queued = DBTaskResult.objects.filter(
        task_path=reevaluate_stale.module_path, status=TaskResultStatus.READY
    )
    if not queued.exists():
        reevaluate_stale.using(run_after=timezone.now() + INTERVAL).enqueue()
