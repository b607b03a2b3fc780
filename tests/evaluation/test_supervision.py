"""Classified supervision: current grades counted by grade × district in one statement (the
last full run's scores, each replaced by a later one of its subject), listed and filtered,
with each grade's supervision from the model; and the office pages over them."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.evaluation.supervision_fixtures import (
    CODE,
    HEDONG,
    HEPING,
    policy,
    regrade,
    subject,
    var_dir,
    version,
)
from xinyong.evaluation.models import ModelVersion, Run, RunKind, RunStatus, RunTrigger, Score
from xinyong.evaluation.services import (
    NO_DISTRICT,
    EvaluationError,
    all_supervised_subjects,
    current_score,
    run_full,
    run_subjects,
    supervised_subjects,
    supervision_overview,
)
from xinyong.subjects.models import Subject, SubjectStatus

pytestmark = pytest.mark.django_db
__all__ = ["policy", "var_dir", "version"]  # fixtures used by name


def table(code: str = CODE) -> dict[str, dict[str, int]]:
    """Grade → district code → count, without the empty cells (counted afresh)."""
    cache.clear()
    return {
        row.grade: dict(sorted(row.by_district.items()))
        for row in supervision_overview(code).grades
        if row.by_district
    }


def test_counts_by_grade_and_district_with_the_models_supervision(version: ModelVersion) -> None:
    subject(1, "A"), subject(2, "B"), subject(3, "B", HEDONG), subject(4, "D", None)
    run = run_full(version)
    overview = supervision_overview(CODE)
    assert overview.full_run == run and overview.version == version
    assert table() == {"A": {HEPING: 1}, "B": {HEDONG: 1, HEPING: 1}, "D": {"": 1}}
    by_grade = {row.grade: row for row in overview.grades}
    assert [row.grade for row in overview.grades] == ["A", "B", "C", "D"]  # the model's order
    assert (by_grade["A"].legacy, by_grade["A"].inspection, by_grade["A"].note) == (
        "优", "降低抽查比例和频次", "无事不扰",
    )  # fmt: skip
    assert (by_grade["C"].total, by_grade["C"].inspection) == (0, "")  # no policy for C
    assert overview.total == 4
    assert (overview.count("B"), overview.count("", HEPING), overview.count("D", NO_DISTRICT)) == (
        2, 2, 1,
    )  # fmt: skip
    columns = {column.code: column for column in overview.districts}
    assert len([c for c in columns if c]) == 16  # every current district of Tianjin, then none
    assert (columns[HEPING].name, columns[HEPING].total, columns[""].total) == ("和平区", 2, 1)


def test_a_later_score_replaces_the_full_runs(version: ModelVersion) -> None:
    company, other = subject(1, "B"), subject(2, "B")
    run_full(version)
    regrade(company, "D")
    run_subjects(version, [company.pk])
    regrade(company, "A")
    run_subjects(version, [company.pk])
    assert table() == {"A": {HEPING: 1}, "B": {HEPING: 1}}
    now = current_score(company.pk, CODE)  # the same rule, one subject at a time
    assert now is not None and now.grade == "A"
    # A new subject scored only by an event-driven run counts too.
    late = subject(3, "C")
    run_subjects(version, [late.pk])
    assert table() == {"A": {HEPING: 1}, "B": {HEPING: 1}, "C": {HEPING: 1}}
    # A new full run starts afresh from its own scores.
    run_full(version)
    assert table() == {"A": {HEPING: 1}, "B": {HEPING: 1}, "C": {HEPING: 1}}
    assert Score.objects.filter(subject=other).count() == 2


def test_subjects_no_longer_graded_or_active_are_not_supervised(version: ModelVersion) -> None:
    gone, left, kept = subject(1, "B"), subject(2, "D"), subject(3, "A")
    run_full(version)
    Subject.objects.filter(pk=gone.pk).update(status=SubjectStatus.DEREGISTERED)
    assert table() == {"A": {HEPING: 1}, "D": {HEPING: 1}}
    # Revoked at the next full run, active again later: its last score is older than that
    # run, so the model did not grade it then and it is not under supervision now.
    Subject.objects.filter(pk=left.pk).update(status=SubjectStatus.REVOKED)
    run_full(version)
    Subject.objects.filter(pk=left.pk).update(status=SubjectStatus.ACTIVE)
    assert table() == {"A": {HEPING: 1}}
    assert kept.evaluation_scores.count() == 2


def test_a_run_under_way_during_the_full_run_counts_by_score_order(
    version: ModelVersion,
) -> None:
    """Scores of a subjects run that overlapped the full run may have ids among the full
    run's: the later id wins, as for one subject."""
    first, second = subject(1, "B"), subject(2, "B")
    start = timezone.now() - datetime.timedelta(minutes=5)
    full = Run.objects.create(
        model_version=version, kind=RunKind.FULL, trigger=RunTrigger.CLI, as_of=start.date(),
        started_at=start, finished_at=start + datetime.timedelta(minutes=2),
        status=RunStatus.DONE,
    )  # fmt: skip
    during = Run.objects.create(
        model_version=version, kind=RunKind.SUBJECTS, trigger=RunTrigger.EVENT,
        as_of=start.date(), started_at=start + datetime.timedelta(minutes=1),
        finished_at=start + datetime.timedelta(minutes=3), status=RunStatus.DONE,
    )  # fmt: skip
    base = (Score.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 10

    def score(pk: int, run: Run, target: Subject, grade: str) -> None:
        Score.objects.create(
            id=pk, run=run, model_version=version, model_code=CODE, subject=target,
            score=80, grade=grade, legacy_grade="", points="", facts_used=0,
        )  # fmt: skip

    score(base + 1, full, first, "B")
    score(base + 2, during, first, "D")  # after the full run's row for `first`: wins
    score(base + 3, during, second, "A")  # before the full run's row for `second`: loses
    score(base + 4, full, second, "B")
    assert table() == {"B": {HEPING: 1}, "D": {HEPING: 1}}


def test_the_list_filters_by_grade_and_district_and_pages(version: ModelVersion) -> None:
    for n in range(1, 6):
        subject(n, "B")
    subject(6, "B", HEDONG), subject(7, "D")
    run = run_full(version)
    page = supervised_subjects(CODE, grade="B", district=HEPING, offset=1, limit=2)
    assert [row.name for row in page] == ["分级监管测试2公司", "分级监管测试3公司"]
    row = page[0]
    assert (row.grade, row.legacy_grade, row.score, row.district) == ("B", "良", 80, "和平区")
    assert (row.as_of, row.version) == (run.as_of, 1)
    assert row.public_id == Subject.objects.get(name=row.name).public_id
    assert [r.grade for r in supervised_subjects(CODE, district=HEDONG)] == ["B"]
    assert [r.grade for r in supervised_subjects(CODE, grade="D")] == ["D"]
    assert supervised_subjects(CODE, district=NO_DISTRICT) == []
    everything = list(all_supervised_subjects(CODE))
    assert len(everything) == 7 and everything[:2] == supervised_subjects(CODE, limit=2)


def test_counting_is_one_statement_and_an_unpublished_model_is_refused(
    version: ModelVersion,
) -> None:
    for n in range(1, 30):
        subject(n, "ABCD"[n % 4])
    run_full(version)
    cache.clear()

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            supervision_overview(CODE)
        return len([q for q in queries.captured_queries if "WITH late" in q["sql"]])

    assert counted() == 1
    assert counted() == 0  # kept until the next run
    run_subjects(version, [Subject.objects.order_by("pk")[0].pk])
    assert counted() == 1
    with pytest.raises(EvaluationError):
        supervision_overview("NOSUCH")
