"""Grade-based measures in a single check: a measure of measures.yaml that follows an
evaluation grade (G01–G03) fires only in its scenarios and for its grades, names the grade it
rests on (model, version, cut-off, run), answers a past moment with the grade current then,
never concerns a natural person, and is covered by the signed receipt.

The checks publish a test version of TJGGXY that is easy to read: a company (legal person)
scores 95 (A), any other organisation 45 (D)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.checks.conftest import list_company
from tests.checks.test_running import ask
from tests.lists.conftest import Staff, company
from tests.records.pipeline.helpers import citizen_id
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.catalog.services import default_policy_dir
from xinyong.checks.services import Checker, CheckRequest, run_check
from xinyong.core.identifiers import make_uscc
from xinyong.core.signing import published_keys, verify
from xinyong.evaluation.models import ModelVersion
from xinyong.evaluation.services import publish, run_full, run_subjects
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.services import SubjectIdentifiers, link

pytestmark = pytest.mark.django_db

MODEL = """\
code: TJGGXY
name: 天津市公共信用综合评价
legal_basis:
  - {title: 《天津市社会信用条例》, article: 第二十六条}
subject_types: [legal_person, other_org, individual_business]
base: 95
min_score: 0
max_score: 100
public_grades: []
reevaluate_every_days: 365
dimensions:
  - code: basic
    name: 基础信息
    indicators:
      - code: other_org
        name: 其他组织
        explain: 主体为其他组织
        rule: {source: subject, field: kind, equals: other_org}
        measure: presence
        points_each: -50
knockouts: []
conditional_grades: []
grades:
  - {grade: A, min: 90, legacy: 优}
  - {grade: B, min: 75, legacy: 良}
  - {grade: C, min: 60, legacy: 中}
  - {grade: D, min: 0, legacy: 差}
supervision: {}
"""


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    root = tmp_path / "grade-policy"
    path = root / "evaluation"
    path.mkdir(parents=True)
    for name in ("catalog.yaml", "lists.yaml", "publication.yaml"):
        shutil.copy(default_policy_dir() / name, root / name)
    (path / "tjggxy.yaml").write_text(MODEL, encoding="utf-8")
    return path


@pytest.fixture
def version(policy: None, model_dir: Path) -> ModelVersion:
    return publish("TJGGXY", directory=model_dir).version


def organisation(n: int) -> Subject:
    """An other organisation (社会组织) with its unified code: graded D."""
    code = make_uscc("5", "1", "120101", f"{n:08d}")
    found = link(SubjectIdentifiers(uscc=code), name=f"天津市评价测试协会{n}", source="test")
    assert found.subject is not None
    Subject.objects.filter(pk=found.subject.pk).update(kind=SubjectKind.OTHER_ORG)
    return Subject.objects.get(pk=found.subject.pk)


def codes(answer: dict[str, Any]) -> list[str]:
    return [m["code"] for m in answer["measures"]]


def test_a_grade_measure_fires_in_its_scenarios_for_its_grades(
    version: ModelVersion, checker: Organisation
) -> None:
    good, poor = company(1), organisation(2)
    run = run_full(version)
    answer = ask(checker, good, scenario="regulatory_inspection")
    assert codes(answer) == ["G03"]
    [measure] = answer["measures"]
    assert measure["kind"] == "reward" and measure["because_of"] == []
    assert measure["grade"] == {
        "model": "TJGGXY", "model_name": "天津市公共信用综合评价", "version": 1, "grade": "A",
        "legacy_grade": "优", "as_of": run.as_of.isoformat(), "run": run.public_id,
    }  # fmt: skip
    assert any("35号" in basis for basis in measure["legal_basis"])
    # No list entry, yet a measure to apply and report on: a hit, never "no hits".
    assert (answer["result"], answer["entries"]) == ("hits", [])
    poor_answer = ask(checker, poor, scenario="regulatory_inspection")
    assert codes(poor_answer) == ["G02"]
    assert poor_answer["measures"][0]["grade"]["grade"] == "D"
    # Other scenarios name no grade measure; G01 follows the tax grade, never published here.
    for scenario in ("government_procurement", "administrative_licensing", "honours"):
        assert codes(ask(checker, good, scenario=scenario)) == []
        assert codes(ask(checker, poor, scenario=scenario)) == []


def test_feedback_is_due_on_a_grade_measure_and_the_receipt_verifies(
    version: ModelVersion, checker: Organisation
) -> None:
    poor = organisation(3)
    run_full(version)
    request = CheckRequest(poor.uscc, "regulatory_inspection", "津市监检〔2026〕3号 双随机抽查")
    check = run_check(Checker.of(checker), request, actor_label="test")
    assert (check.hit_count, check.measure_count) == (0, 1)
    assert check.feedback_due is not None
    keys = published_keys()
    assert verify(check.receipt, keys).valid
    tampered = {**check.receipt, "payload": {**check.receipt["payload"]}}
    tampered["payload"]["measures"] = [
        {**check.receipt["payload"]["measures"][0], "grade": {"grade": "A"}}
    ]
    assert not verify(tampered, keys).valid


def test_list_and_grade_measures_come_together_in_code_order(
    version: ModelVersion, staff: Staff, checker: Organisation
) -> None:
    listed = company(4)
    list_company(staff, listed)
    run_full(version)
    answer = ask(checker, listed, scenario="regulatory_inspection")
    assert codes(answer) == ["C03", "C39", "G03"]
    assert answer["result"] == "hits"


def test_a_past_moment_uses_the_grade_current_then(
    version: ModelVersion, model_dir: Path, checker: Organisation
) -> None:
    subject = company(5)
    first = run_full(version)
    between = timezone.now()
    path = model_dir / "tjggxy.yaml"
    path.write_text(MODEL.replace("base: 95", "base: 50"), encoding="utf-8")
    second = run_subjects(publish("TJGGXY", directory=model_dir).version, [subject.pk])
    now = ask(checker, subject, scenario="regulatory_inspection")
    assert codes(now) == ["G02"]  # 50 under version 2: D
    assert now["measures"][0]["grade"]["version"] == 2
    then = ask(checker, subject, scenario="regulatory_inspection", as_of=between)
    assert codes(then) == ["G03"]
    assert then["measures"][0]["grade"]["version"] == 1
    assert then["measures"][0]["grade"]["run"] == first.public_id
    assert second.model_version.version == 2


def test_a_natural_person_is_never_graded_nor_asked_for_a_grade(
    version: ModelVersion, checker: Organisation
) -> None:
    code = citizen_id(6)
    linked = link(SubjectIdentifiers(citizen_id=code), name="王五", source="test")
    person = linked.subject
    assert person is not None and person.is_person
    run_full(version)
    with CaptureQueriesContext(connection) as queries:
        check = run_check(
            Checker.of(checker),
            CheckRequest(code, "regulatory_inspection", "津市监检〔2026〕6号"),
            actor_label="test",
        )
    assert check.receipt["payload"]["measures"] == []
    assert not any("evaluation_score" in q["sql"] for q in queries.captured_queries)
    assert person.evaluation_scores.count() == 0


def test_the_back_office_shows_the_grade_a_measure_rests_on(
    version: ModelVersion, checker: Organisation, client: Client
) -> None:
    poor = organisation(7)
    run_full(version)
    client.force_login(create_staff_user(organisation=checker, username="fin", roles=["checker"]))
    response = client.post(
        "/office/checks/new/",
        {"subject": poor.uscc, "scenario": "regulatory_inspection", "matter": "双随机抽查"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "G02" in page and "因评价等级" in page and "因列入" not in page
    assert "天津市公共信用综合评价 D 级（模型第 1 版" in page
    assert 'name="outcome_G02"' in page
