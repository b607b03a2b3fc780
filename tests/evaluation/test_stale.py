"""Re-evaluation on change: a landed record, a list decision or removal and an objection that
withholds a record each give the subject a new score within one pass of the minute task;
the daily job runs a model in full once per period and marks what the days changed."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.catalog.conftest import edit_yaml, policy_dir
from tests.evaluation.runs_fixtures import (
    CODE,
    company,
    days_ago,
    land,
    latest,
    market,
    model_dir,
    penalty,
    policy,
    record_of,
    set_weight,
    subject_of,
    var_dir,
    version,
)
from tests.lists.conftest import D, decision, notice
from tests.objections.conftest import owner, withheld_record
from xinyong.accounts.models import Organisation
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_staff_user
from xinyong.core import schedules
from xinyong.core.permissions import Viewer
from xinyong.evaluation.models import (
    ModelVersion,
    Run,
    RunKind,
    RunTrigger,
    Score,
    Stale,
)
from xinyong.evaluation.services import (
    daily,
    mark_day_changes,
    publish,
    reevaluate_stale,
    run_full,
    sweep,
)
from xinyong.evaluation.tasks import ensure_scheduled
from xinyong.evaluation.tasks import reevaluate_stale as reevaluate_task
from xinyong.lists.services import decide, notify, record_statement, remove_by_outcome
from xinyong.objections.services import answer, file_objection
from xinyong.records import services
from xinyong.records.models import Record
from xinyong.subjects.models import Subject, SubjectKind

pytestmark = pytest.mark.django_db
__all__ = [
    "edit_yaml",
    "market",
    "model_dir",
    "policy",
    "policy_dir",
    "var_dir",
    "version",
    "withheld_record",
]  # fixtures used by name


@pytest.fixture
def officer(market: Organisation) -> Viewer:
    """A market regulation officer who decides listings and answers objections."""
    user = create_staff_user(
        organisation=market, username="eval_officer", roles=["operator", "reviewer"]
    )
    return viewer_for_user(user)


def _event_runs() -> list[Run]:
    return list(Run.objects.filter(kind=RunKind.SUBJECTS, trigger=RunTrigger.EVENT))


def test_a_landed_record_is_re_evaluated_in_one_pass(
    version: ModelVersion, market: Organisation
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕41号", company(41))])
    subject = subject_of(41)
    run_full(version)
    Stale.objects.all().delete()  # what the full run covered
    assert latest(subject).points == "0,-10,0"
    # A second penalty through the pipeline (submission, processing), nothing more.
    made = services.submit_records(
        organisation=market,
        item_code="XZCF",
        records=[penalty("津市监罚〔2026〕42号", company(41))],
    )
    services.process(made)
    outcome = reevaluate_task.call()
    assert outcome["subjects"] == 1 and len(outcome["runs"]) == 1
    score = latest(subject)
    assert (score.points, score.grade, score.run.kind, score.run.trigger) == (
        "0,-20,0",
        "C",
        RunKind.SUBJECTS,
        RunTrigger.EVENT,
    )
    assert not Stale.objects.exists()
    # The next pass is queued a minute on, once, however often the worker starts.
    ensure_scheduled()
    queued = DBTaskResult.objects.filter(
        task_path=reevaluate_task.module_path, status=TaskResultStatus.READY
    )
    assert queued.count() == 1 and queued[0].run_after > timezone.now()
    # Nothing changed since: the next pass scores nobody.
    assert reevaluate_stale().subjects == 0


def test_a_list_decision_and_its_removal_are_re_evaluated(
    version: ModelVersion, officer: Viewer, market: Organisation
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕43号", company(43))])
    subject = subject_of(43)
    run_full(version)
    Stale.objects.all().delete()
    entry = notify(
        officer, subject=subject, list_type="market_serious_illegal", notice=notice("2026-09-30")
    )
    entry = record_statement(officer, entry, statement="已整改", received_on=D("2026-10-13"))
    entry = decide(officer, entry, decision("2026-10-14"))
    assert reevaluate_stale().subjects == 1
    assert (latest(subject).points, latest(subject).grade) == ("0,-10,-5", "C")
    assert reevaluate_stale().subjects == 0  # the change is not seen twice
    remove_by_outcome(
        officer, entry, outcome="objection", reference="津市监异〔2026〕1号", decided_on=days_ago(0)
    )
    assert reevaluate_stale().subjects == 1
    assert latest(subject).points == "0,-10,0"
    assert len(_event_runs()) == 2


def test_an_objection_that_withholds_a_record_is_re_evaluated(
    version: ModelVersion, withheld_record: Record, officer: Viewer
) -> None:
    subject = withheld_record.subject
    run_full(version)
    Stale.objects.all().delete()
    assert latest(subject).grade == "C"
    objection = file_objection(owner(subject), withheld_record, "content", "处罚对象有误")
    assert reevaluate_stale().subjects == 1
    assert latest(subject).grade == "B"  # withheld while the objection is open
    answer(officer, objection, "upheld", "经核查，原记录无误，予以维持。")
    assert reevaluate_stale().subjects == 1
    assert latest(subject).grade == "C"


def test_the_sweep_marks_nothing_before_a_change(version: ModelVersion) -> None:
    run_full(version)
    assert sweep() == 0 and not Stale.objects.exists()


def test_the_daily_job_runs_a_model_once_per_period(version: ModelVersion, model_dir: Path) -> None:
    company_subject = Subject.objects.create(kind=SubjectKind.LEGAL_PERSON, name="日常测试有限公司")
    today = timezone.localdate()
    with override_settings(
        XINYONG_DAILY_JOBS={"evaluation.schedule": "xinyong.evaluation.services.daily"}
    ):
        first = schedules.run_due(today)
        assert [run.error for run in first] == [""]
        assert schedules.run_due(today) == []  # the day is done
    full = Run.objects.filter(kind=RunKind.FULL)
    assert [(r.trigger, r.as_of) for r in full] == [(RunTrigger.SCHEDULE, today)]
    assert Score.objects.filter(subject=company_subject).count() == 1
    # The next day (or again today): the period has not passed, nothing runs.
    assert daily(today)["runs"] == []
    # A new version is run in full at once.
    set_weight(model_dir, "points_each: -10", "points_each: -15")
    publish(CODE, directory=model_dir)
    assert [run["model"] for run in daily(today)["runs"]] == [f"{CODE} v2"]
    assert daily(today)["runs"] == []


def test_a_full_run_a_period_old_is_run_again(version: ModelVersion) -> None:
    run_full(version, as_of=days_ago(365))  # reevaluate_every_days: 365
    runs = daily(timezone.localdate())["runs"]
    assert len(runs) == 1 and Run.objects.get(public_id=runs[0]["run"]).as_of == days_ago(0)
    assert daily(timezone.localdate())["runs"] == []


def test_the_days_mark_subjects_whose_records_stopped_counting(
    version: ModelVersion, market: Organisation
) -> None:
    decided = days_ago(800)
    land(market, "XZCF", [penalty("津市监罚〔2024〕44号", company(44), decided=decided)],
         received=decided)  # fmt: skip
    Stale.objects.all().delete()
    ends = record_of("津市监罚〔2024〕44号").publication_ends
    assert ends is not None
    assert mark_day_changes(ends) == 0  # its last day: still counts
    assert mark_day_changes(ends + datetime.timedelta(days=1)) == 1
    assert list(Stale.objects.values_list("subject_id", "reason")) == [(subject_of(44).pk, "days")]
    assert mark_day_changes(ends + datetime.timedelta(days=1)) == 0  # that day is covered
