"""Daily jobs: once per job and day, failures recorded and retried, stale runs taken over,
the runner queued for the next run time, and `xinyong daily`."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from xinyong.core import schedules
from xinyong.core.models import DailyRun
from xinyong.core.tasks import ensure_scheduled, run_daily_jobs

pytestmark = pytest.mark.django_db

CALLS: list[tuple[str, date]] = []
SHANGHAI = ZoneInfo("Asia/Shanghai")


def counting_job(as_of: date) -> dict[str, Any]:
    CALLS.append(("counting", as_of))
    return {"ended": len(CALLS)}


def failing_job(as_of: date) -> dict[str, Any]:
    CALLS.append(("failing", as_of))
    raise RuntimeError("disk full")


JOBS = {
    "test.failing": "tests.core.test_schedules.failing_job",
    "test.counting": "tests.core.test_schedules.counting_job",
}


@pytest.fixture(autouse=True)
def jobs() -> Any:
    CALLS.clear()
    with override_settings(XINYONG_DAILY_JOBS=JOBS, XINYONG_DAILY_AT="00:30"):
        yield


def test_each_job_runs_once_a_day_and_a_failure_stops_nothing_else() -> None:
    day = date(2026, 10, 8)
    first = schedules.run_due(day)
    assert [(r.job, bool(r.error)) for r in first] == [
        ("test.failing", True),
        ("test.counting", False),
    ]
    assert DailyRun.objects.get(job="test.counting", day=day).outcome == {"ended": 2}
    assert "disk full" in DailyRun.objects.get(job="test.failing", day=day).error
    # Again the same day: the clean job is done; the failed one is tried again.
    again = schedules.run_due(day)
    assert [r.job for r in again] == ["test.failing"]
    assert [("failing", day), ("counting", day), ("failing", day)] == CALLS
    # The next day is another run.
    assert len(schedules.run_due(day + timedelta(days=1))) == 2


def test_a_run_left_unfinished_is_taken_over_only_when_stale() -> None:
    day = date(2026, 10, 9)
    now = timezone.now()
    DailyRun.objects.create(job="test.counting", day=day, started_at=now - timedelta(minutes=5))
    assert [r.job for r in schedules.run_due(day)] == ["test.failing"]  # still running elsewhere
    DailyRun.objects.filter(job="test.counting").update(started_at=now - timedelta(hours=3))
    assert [r.job for r in schedules.run_due(day)] == ["test.failing", "test.counting"]


def test_next_run_time_is_local() -> None:
    before = datetime(2026, 10, 9, 0, 10, tzinfo=SHANGHAI)
    after = datetime(2026, 10, 9, 0, 31, tzinfo=SHANGHAI)
    assert schedules.next_run_at(before) == datetime(2026, 10, 9, 0, 30, tzinfo=SHANGHAI)
    assert schedules.next_run_at(after) == datetime(2026, 10, 10, 0, 30, tzinfo=SHANGHAI)


def _queued() -> list[DBTaskResult[Any, Any]]:
    return list(
        DBTaskResult.objects.filter(
            task_path=run_daily_jobs.module_path, status=TaskResultStatus.READY
        )
    )


def test_the_worker_queues_the_runner_once_at_once_when_today_is_not_done() -> None:
    ensure_scheduled()
    ensure_scheduled()
    [queued] = _queued()
    assert queued.run_after <= timezone.now()  # nothing ran today: catch up at once
    queued.delete()
    with override_settings(XINYONG_DAILY_JOBS={"test.counting": JOBS["test.counting"]}):
        schedules.run_due()
        ensure_scheduled()
        [queued] = _queued()
        assert queued.run_after == schedules.next_run_at(timezone.now())


def test_the_runner_runs_the_day_and_queues_the_next() -> None:
    result = run_daily_jobs.call()
    assert [r["job"] for r in result] == ["test.failing", "test.counting"]
    [queued] = _queued()
    assert queued.run_after > timezone.now()


def test_daily_command_prints_each_run_and_fails_when_a_job_fails() -> None:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("daily", "--as-of", "2026-10-10", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(x["job"], x["day"], "error" in x) for x in lines] == [
        ("test.failing", "2026-10-10", True),
        ("test.counting", "2026-10-10", False),
    ]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("daily", "--as-of", "10/10/2026")
