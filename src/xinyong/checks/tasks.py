"""Background tasks of checks: a batch comparison, run by `xinyong worker`."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from xinyong.checks.models import BatchCheck
from xinyong.core.context import in_job


@task()
def process_batch_task(batch_id: int) -> dict[str, Any]:
    """Run one batch comparison; returns its counts."""
    from xinyong.checks.services.batch import process_batch

    with in_job("checks.process_batch"):
        batch = process_batch(BatchCheck.objects.select_related("organisation").get(pk=batch_id))
        return {"batch": batch.public_id, "status": batch.status, "rows": batch.rows_done}
