"""Background tasks (django-tasks; `xinyong worker` runs them).

`process_submission` is what `services.enqueue` schedules for uploads and API pushes; once
the submission is landed it schedules `process_events` for the events it emitted.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from xinyong.core.context import in_job
from xinyong.records import events, services
from xinyong.records.models import Submission


@task()
def process_submission(submission_id: int) -> dict[str, Any]:
    """Run one submission through the pipeline; returns its summary."""
    with in_job("records.process_submission"):
        submission = Submission.objects.select_related("organisation", "item").get(pk=submission_id)
        services.process(submission)
        transaction.on_commit(process_events.enqueue)
        return services.submission_summary(submission)


@task()
def process_events() -> int:
    """Hand pending record events to their handlers; returns how many were processed."""
    with in_job("records.process_events"):
        return events.process_pending()
