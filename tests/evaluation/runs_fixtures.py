"""A small evaluation model and data landed through the real pipeline, for the runs, stale
and versions tests (imported by them, not a conftest).

The test model is easy to score by hand: base 80, −5 when a company has no unified code,
−10 per penalty (XZCF) at most −30, −5 and at most grade C when on the market regulator's
serious list. With grades A ≥ 90, B ≥ 75, C ≥ 60, D: a clean company is B (80), one
penalty makes it C (70), a listing alone C by the knock-out (75 would be B).
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.records.test_public_fixtures import (
    company,
    days_ago,
    market,
    penalty,
    policy,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir
from xinyong.evaluation.models import ModelVersion, Score
from xinyong.evaluation.services import publish, run_full
from xinyong.records import events, services
from xinyong.records.models import Record, Submission
from xinyong.subjects.models import Subject

__all__ = ["company", "days_ago", "market", "penalty", "policy", "var_dir"]  # re-exported

CODE = "TESTEVAL"

MODEL = """\
code: TESTEVAL
name: 测试评价模型
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
        points_each: -5
  - code: compliance
    name: 合规经营
    indicators:
      - code: penalties
        name: 行政处罚
        explain: 受到行政处罚的次数
        rule: {source: record, items: [XZCF]}
        measure: count
        points_each: -10
        cap: -30
      - code: serious_lists
        name: 严重违法失信名单
        explain: 列入市场监督管理严重违法失信名单
        rule: {source: list, items: [market_serious_illegal]}
        measure: presence
        points_each: -5
knockouts:
  - {indicator: serious_lists, at_most: C, reason: 列入严重违法失信名单的，评价等级不高于C级}
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
    """A policy directory's `evaluation/` holding only the test model's file (the files a
    model is checked against are copied beside it)."""
    root = tmp_path / "model-policy"
    path = root / "evaluation"
    path.mkdir(parents=True)
    for name in ("catalog.yaml", "lists.yaml", "publication.yaml"):
        shutil.copy(default_policy_dir() / name, root / name)
    (path / "testeval.yaml").write_text(MODEL, encoding="utf-8")
    return path


@pytest.fixture
def version(policy: None, model_dir: Path) -> ModelVersion:
    """The test model, published (version 1)."""
    return publish(CODE, directory=model_dir).version


def set_weight(model_dir: Path, old: str, new: str) -> None:
    path = model_dir / "testeval.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def land(
    organisation: Organisation,
    item_code: str,
    rows: list[dict[str, Any]],
    *,
    received: datetime.date | None = None,
) -> Submission:
    """Submit `rows` through the API path and run the pipeline, as received on `received`
    (now by default; the records carry the submission's time of receipt), then hand the
    record events on as the worker does (a listing becomes a list entry)."""
    made = services.submit_records(organisation=organisation, item_code=item_code, records=rows)
    if received is not None:
        at = timezone.make_aware(datetime.datetime.combine(received, datetime.time(10)))
        Submission.objects.filter(pk=made.pk).update(received_at=at)
        made.refresh_from_db()
    done = services.process(made)
    assert (done.status, done.rejected) == ("done", 0), list(
        done.rejected_rows.values_list("reasons", flat=True)
    )
    events.process_pending()
    return done


def listing(organisation: Organisation, n: int, decided: datetime.date) -> dict[str, Any]:
    """A 市场监管严重违法失信名单 listing of company `n` (landed, it becomes a list entry)."""
    return {
        **{k: v for k, v in company(n).items() if not k.startswith("legal_rep_id")},
        "listing_doc_no": f"津市监列〔2026〕{n}号",
        "listing_reason": "提交虚假材料取得许可",
        "listing_basis": "《市场监督管理严重违法失信名单管理办法》第九条",
        "listing_date": decided.isoformat(),
        "listing_authority": organisation.name,
        "listing_authority_uscc": organisation.uscc,
        "source_unit": organisation.name,
        "source_unit_uscc": organisation.uscc,
    }


def subject_of(n: int) -> Subject:
    return Subject.objects.get(uscc=company(n)["uscc"])


def record_of(doc_no: str) -> Record:
    return Record.objects.get(doc_no=doc_no)


def latest(subject: Subject) -> Score:
    score = Score.objects.filter(subject=subject, model_code=CODE).order_by("-id").first()
    assert score is not None
    return score


def grade_now(subject: Subject, version: ModelVersion, as_of: datetime.date | None = None) -> str:
    """Run the model in full and return the subject's new grade."""
    run_full(version, as_of=as_of)
    return latest(subject).grade
