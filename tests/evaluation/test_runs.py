"""Runs: one score per eligible subject, stored with the model version and cut-off, never
updated; the cut-off and due process decide which records and list entries count."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from tests.evaluation.runs_fixtures import (
    CODE,
    company,
    days_ago,
    grade_now,
    land,
    latest,
    listing,
    market,
    model_dir,
    penalty,
    policy,
    record_of,
    subject_of,
    var_dir,
    version,
)
from xinyong.accounts.models import Organisation
from xinyong.core.models import AuditEntry
from xinyong.core.models.audit import AppendOnlyError
from xinyong.evaluation.models import ModelVersion, RunKind, RunStatus, RunTrigger, Score
from xinyong.evaluation.services import (
    EvaluationError,
    current_score,
    current_scores,
    evaluate_subjects,
    grade_counts,
    run_full,
    run_model,
    run_subjects,
    score_history,
)
from xinyong.records import due_process
from xinyong.subjects.models import Subject, SubjectKind, SubjectStatus

pytestmark = pytest.mark.django_db
__all__ = ["market", "model_dir", "policy", "var_dir", "version"]  # fixtures used by name


def _subject(kind: str, status: str = SubjectStatus.ACTIVE) -> Subject:
    return Subject.objects.create(kind=kind, name=f"评价测试{kind}{status}", status=status)


def test_a_full_run_scores_every_eligible_subject_once(version: ModelVersion) -> None:
    eligible = [
        _subject(SubjectKind.LEGAL_PERSON),
        _subject(SubjectKind.OTHER_ORG),
        _subject(SubjectKind.INDIVIDUAL_BUSINESS),
    ]
    never = [
        _subject(SubjectKind.NATURAL_PERSON),
        _subject(SubjectKind.GOVERNMENT_ORGAN),  # not among the model's subject types
        _subject(SubjectKind.LEGAL_PERSON, SubjectStatus.REVOKED),
        _subject(SubjectKind.LEGAL_PERSON, SubjectStatus.DEREGISTERED),
    ]
    run = run_full(version, as_of=days_ago(3))
    assert (run.kind, run.trigger, run.status, run.as_of) == (
        RunKind.FULL,
        RunTrigger.CLI,
        RunStatus.DONE,
        days_ago(3),
    )
    scores = Score.objects.filter(run=run)
    assert sorted(scores.values_list("subject_id", flat=True)) == sorted(s.pk for s in eligible)
    assert not Score.objects.filter(subject__in=never).exists()
    # No unified code: 80 − 5 = 75, still B; every score names the version it came from.
    assert {(s.score, s.grade, s.legacy_grade, s.knockout) for s in scores} == {(75, "B", "良", "")}
    assert set(scores.values_list("model_version", "model_code")) == {(version.pk, CODE)}
    assert run.subjects == 3 and run.grade_counts == {"B": 3} == grade_counts(run)
    assert AuditEntry.objects.filter(action="evaluation.run", object_id=run.public_id).exists()


def test_scores_are_added_never_updated_and_the_latest_is_current(
    version: ModelVersion, market: Organisation
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕1号", company(1))])
    subject = subject_of(1)
    first = run_full(version)
    score = latest(subject)
    assert (score.score, score.grade, score.points, score.facts_used) == (70, "C", "0,-10,0", 1)
    due_process.withdraw(record_of("津市监罚〔2026〕1号"), reference="测试", organisation_id=None)
    second = run_model(CODE)
    assert Score.objects.filter(subject=subject).count() == 2
    assert [s.run_id for s in score_history(subject.pk, CODE)] == [second.pk, first.pk]
    current = current_score(subject.pk, CODE)
    assert current is not None and (current.grade, current.facts_used) == ("B", 0)
    assert [s.pk for s in current_scores(subject.pk)] == [current.pk]
    with pytest.raises(AppendOnlyError):
        current.save()
    with pytest.raises(AppendOnlyError):
        current.delete()


def test_a_past_cut_off_ignores_what_came_later(
    version: ModelVersion, market: Organisation
) -> None:
    decided = days_ago(40)
    land(market, "XZCF", [penalty("津市监罚〔2026〕2号", company(2), decided=decided)],
         received=days_ago(20))  # fmt: skip
    land(market, "YZSX_SCJG", [listing(market, 2, days_ago(10))], received=days_ago(10))
    subject = subject_of(2)
    # Before the penalty was received it does not count, though decided already.
    assert grade_now(subject, version, days_ago(21)) == "B"
    assert latest(subject).facts_used == 0
    assert grade_now(subject, version, days_ago(20)) == "C"
    assert (latest(subject).points, latest(subject).facts_used) == ("0,-10,0", 1)
    # The listing was recorded today (landing makes the entry now): it is in force from
    # today's cut-off on, however early its start date.
    assert grade_now(subject, version, days_ago(1)) == "C"
    assert latest(subject).points == "0,-10,0"
    assert grade_now(subject, version) == "C"
    # The listing record itself (YZSX_SCJG) is read by no indicator: two facts, not three.
    assert (latest(subject).points, latest(subject).facts_used) == ("0,-10,-5", 2)


def test_a_serious_listing_caps_the_grade(version: ModelVersion, market: Organisation) -> None:
    land(market, "YZSX_SCJG", [listing(market, 5, days_ago(10))])
    subject = subject_of(5)
    assert grade_now(subject, version) == "C"
    score = latest(subject)
    assert (score.score, score.points, score.knockout) == (75, "0,0,-5", "serious_lists")


def test_due_process_stops_a_record_counting(version: ModelVersion, market: Organisation) -> None:
    docs = {n: f"津市监罚〔2026〕{10 + n}号" for n in range(1, 5)}
    land(market, "XZCF", [penalty(docs[n], company(10 + n)) for n in docs], received=days_ago(5))
    subjects = {n: subject_of(10 + n) for n in docs}
    run_full(version)
    assert {latest(s).grade for s in subjects.values()} == {"C"}
    with transaction.atomic():
        due_process.mark_repaired(
            record_of(docs[1]), on=days_ago(0), reference="修复", organisation_id=None
        )
        due_process.withdraw(record_of(docs[2]), reference="撤销", organisation_id=None)
        due_process.set_objection_mark(
            record_of(docs[3]), "withheld", reference="异议", organisation_id=None
        )
        due_process.set_objection_mark(
            record_of(docs[4]), "marked", reference="异议", organisation_id=None
        )
    run_full(version)
    grades = {n: latest(s).grade for n, s in subjects.items()}
    # Repaired, withdrawn, withheld: gone; marked under objection but shown: still counts.
    assert grades == {1: "B", 2: "B", 3: "B", 4: "C"}
    # The repair took effect today: it still counted at yesterday's cut-off.
    run_full(version, as_of=days_ago(1))
    assert latest(subjects[1]).grade == "C"


def test_a_record_stops_counting_when_its_publication_ends(
    version: ModelVersion, market: Organisation
) -> None:
    decided = days_ago(800)
    land(market, "XZCF", [penalty("津市监罚〔2024〕3号", company(3), decided=decided)],
         received=decided + datetime.timedelta(days=2))  # fmt: skip
    record = record_of("津市监罚〔2024〕3号")
    assert record.publication_ends is not None and record.publication_ends < days_ago(1)
    subject = subject_of(3)
    assert grade_now(subject, version, record.publication_ends) == "C"  # its last day
    assert grade_now(subject, version, record.publication_ends + datetime.timedelta(1)) == "B"
    assert grade_now(subject, version) == "B"


def test_a_subjects_run_scores_only_those_subjects(
    version: ModelVersion, market: Organisation
) -> None:
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{20 + n}号", company(20 + n)) for n in (1, 2)])
    person = _subject(SubjectKind.NATURAL_PERSON)
    one, two = subject_of(21), subject_of(22)
    run = run_subjects(version, [one.pk, person.pk], trigger=RunTrigger.OFFICE)
    assert (run.kind, run.subjects) == (RunKind.SUBJECTS, 1)
    assert list(Score.objects.filter(run=run).values_list("subject_id", "grade")) == [(one.pk, "C")]
    assert not Score.objects.filter(subject__in=[two, person]).exists()
    # The office re-evaluates a subject under every published model.
    [office] = evaluate_subjects([two.pk])
    assert (office.trigger, office.subjects, latest(two).indicator_points) == (
        RunTrigger.OFFICE,
        1,
        [0, -10, 0],
    )


def test_a_future_cut_off_or_an_unpublished_model_is_refused(version: ModelVersion) -> None:
    with pytest.raises(EvaluationError) as future:
        run_full(version, as_of=days_ago(-1))
    assert future.value.reason == "evaluation.future_as_of"
    with pytest.raises(EvaluationError) as unpublished:
        run_model("NOSUCH")
    assert unpublished.value.reason == "evaluation.unpublished"
    assert not Score.objects.exists()
