"""A model whose grades follow two subject fields, for the supervision tests (imported by
them, not a conftest): base 80; no unified code −30; an other organisation +15. So a company
with its code is B (80), without it D (50); an other organisation with its code A (95),
without it C (65). A test changes a subject's grade by changing those fields."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import policy, var_dir
from xinyong.catalog.services import default_policy_dir
from xinyong.core.models import District
from xinyong.evaluation.models import ModelVersion
from xinyong.evaluation.services import publish
from xinyong.subjects.models import Subject, SubjectKind

__all__ = ["policy", "var_dir"]  # re-exported fixtures

CODE = "SUPVTEST"
HEPING, HEDONG = "120101", "120102"

MODEL = """\
code: SUPVTEST
name: 分级监管测试模型
legal_basis:
  - {title: 《天津市社会信用条例》, article: 第二十六条}
subject_types: [legal_person, other_org, individual_business]
base: 80
min_score: 0
max_score: 100
public_grades: []
reevaluate_every_days: 365
dimensions:
  - code: basic
    name: 基础信息
    indicators:
      - code: no_uscc
        name: 未取得统一社会信用代码
        explain: 主体没有统一社会信用代码
        rule: {source: subject, field: has_uscc, equals: false}
        measure: presence
        points_each: -30
      - code: other_org
        name: 其他组织
        explain: 主体为其他组织
        rule: {source: subject, field: kind, equals: other_org}
        measure: presence
        points_each: 15
knockouts: []
conditional_grades: []
grades:
  - {grade: A, min: 90, legacy: 优}
  - {grade: B, min: 75, legacy: 良}
  - {grade: C, min: 60, legacy: 中}
  - {grade: D, min: 0, legacy: 差}
supervision:
  A: {inspection: 降低抽查比例和频次, note: 无事不扰}
  B: {inspection: 按常规比例抽查}
  D: {inspection: 重点监管：提高抽查比例和频次}
"""


@pytest.fixture
def version(policy: None, tmp_path: Path) -> ModelVersion:
    """The model, published (version 1)."""
    root = tmp_path / "supervision-policy"
    (root / "evaluation").mkdir(parents=True)
    for name in ("catalog.yaml", "lists.yaml", "publication.yaml"):
        shutil.copy(default_policy_dir() / name, root / name)
    (root / "evaluation" / "supvtest.yaml").write_text(MODEL, encoding="utf-8")
    return publish(CODE, directory=root / "evaluation").version


def subject(n: int, grade: str, district: str | None = HEPING, name: str | None = None) -> Subject:
    """A subject that the model grades `grade`, registered in `district`."""
    kind = SubjectKind.OTHER_ORG if grade in "AC" else SubjectKind.LEGAL_PERSON
    return Subject.objects.create(
        kind=kind,
        name=name or f"分级监管测试{n}公司",
        uscc=uscc(n) if grade in "AB" else "",
        district=District.objects.get(code=district) if district else None,
    )


def regrade(target: Subject, grade: str) -> None:
    """Change the subject's fields so that the model now grades it `grade`."""
    kind = SubjectKind.OTHER_ORG if grade in "AC" else SubjectKind.LEGAL_PERSON
    code = uscc(target.pk + 5000) if grade in "AB" else ""
    Subject.objects.filter(pk=target.pk).update(kind=kind, uscc=code)
