"""Background tasks of reports: a batch of reports (批量出具), run by `xinyong worker`."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from xinyong.core.context import in_job
from xinyong.reports.models import ReportBatch


@task()
def issue_batch_task(batch_id: int) -> dict[str, Any]:
    """Issue one batch's reports and write its ZIP; returns its counts."""
    from xinyong.reports.services.batches import process_batch

    with in_job("reports.issue_batch"):
        batch = process_batch(ReportBatch.objects.select_related("organisation").get(pk=batch_id))
        return {
            "batch": batch.public_id,
            "status": batch.status,
            "done": batch.done,
            "failed": batch.failed,
        }
