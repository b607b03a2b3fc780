"""The backtest and fairness report: the model file as it is now, against the current grades,
without storing anything; a changed weight shows the movements it causes."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.evaluation.runs_fixtures import (
    CODE,
    company,
    days_ago,
    land,
    listing,
    market,
    model_dir,
    penalty,
    policy,
    set_weight,
    subject_of,
    var_dir,
)
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import person
from xinyong.accounts.models import Organisation
from xinyong.core.models import District
from xinyong.evaluation.models import ModelVersion, Run, Score
from xinyong.evaluation.services import backtest, publish, run_full
from xinyong.subjects.models import Subject, SubjectKind

pytestmark = pytest.mark.django_db
__all__ = ["market", "model_dir", "policy", "var_dir"]  # fixtures used by name


def _population(market: Organisation) -> dict[int, Subject]:
    """Company 1 clean, 2, 3 and 4 with one, two and three penalties, 5 on the serious list;
    a natural person with a penalty (never scored)."""
    rows = [
        penalty(f"津市监罚〔2026〕{n}-{k}号", company(n)) for n in (2, 3, 4) for k in range(n - 1)
    ]
    land(market, "XZCF", [*rows, penalty("津市监罚〔2026〕P号", person(1))])
    land(market, "YZSX_SCJG", [listing(market, 5, days_ago(10))])
    Subject.objects.create(kind=SubjectKind.LEGAL_PERSON, name="天津市清白有限公司", uscc=uscc(1))
    subjects = {n: subject_of(n) for n in range(1, 6)}
    districts = list(District.objects.order_by("code")[:2])
    for n, subject in subjects.items():
        subject.district = districts[n % 2]
        subject.industry = "C" if n <= 2 else ""
        subject.size = "small" if n == 3 else ""
        subject.save(update_fields=["district", "industry", "size"])
    return subjects


def _report(model_dir: Path, *args: str) -> str:
    out = StringIO()
    call_command("evaluate", "report", "--model", CODE, "--dir", str(model_dir), *args, stdout=out)
    return out.getvalue()


def test_a_changed_weight_shows_its_movements(market: Organisation, model_dir: Path) -> None:
    _population(market)
    version = publish(CODE, directory=model_dir).version
    run_full(version)
    # As published: company 1 is clean (80, B), 2 has one penalty (70, C), 3 two (60, C),
    # 4 three (50, D), 5 is listed (75, capped at C).
    stored = (Score.objects.count(), Run.objects.count(), ModelVersion.objects.count())
    same = backtest(CODE, directory=model_dir)
    assert same.same_as_published and same.published_version == 1
    assert same.subjects == 5 and same.overall.counts == {"B": 1, "C": 3, "D": 1}
    assert same.movement() == {"up": 0, "down": 0, "unchanged": 5, "new": 0, "other": 0}

    # Penalties weigh −3 each, at most −9, in the draft: one penalty is 77 (B), two 74 (C),
    # three 71 (C).
    set_weight(model_dir, "points_each: -10\n        cap: -30", "points_each: -3\n        cap: -9")
    draft = backtest(CODE, directory=model_dir)
    assert not draft.same_as_published and draft.published_version == 1
    assert draft.draft_hash != version.content_hash
    assert draft.changes == {("B", "B"): 1, ("C", "B"): 1, ("C", "C"): 2, ("D", "C"): 1}
    assert draft.movement() == {"up": 2, "down": 0, "unchanged": 3, "new": 0, "other": 0}
    assert draft.overall.counts == {"B": 2, "C": 3}
    assert draft.overall.percent("B") == 40.0
    # Company 2's B rests on its one penalty (B is not the best grade), 5's C on its listing.
    assert draft.single_record == {"B": 1, "C": 1}
    industries = {group.key: (group.label, group.counts) for group in draft.by_industry}
    assert industries == {"C": ("C 制造业", {"B": 2}), "": ("未登记", {"C": 3})}
    assert [group.key for group in draft.by_industry] == ["C", ""]
    sizes = {group.key: group.total for group in draft.by_size}
    assert sizes == {"small": 1, "": 4}
    assert sum(group.total for group in draft.by_district) == 5
    # Nothing was stored.
    assert (Score.objects.count(), Run.objects.count(), ModelVersion.objects.count()) == stored

    answer = json.loads(_report(model_dir, "--json"))
    assert answer["changes"]["up"] == 2 and answer["changes"]["matrix"]["D"] == {"C": 1}
    assert answer["distribution"]["overall"]["grades"]["B"] == {"count": 2, "percent": 40.0}
    assert answer["single_record"] == {"total": 2, "by_grade": {"B": 1, "C": 1}}
    assert answer["published"]["version"] == 1 and not answer["same_as_published"]
    text = _report(model_dir)
    assert "上调 2 个，下调 0 个，不变 3 个，首次评价 0 个" in text
    assert "模型文件已修改，尚未发布" in text and "C 制造业" in text and "未登记" in text
    assert "仅依据一条信息评定的非最高等级：共 2 个（B 1，C 1）" in text


def test_an_unpublished_model_grades_everyone_for_the_first_time(
    market: Organisation, model_dir: Path
) -> None:
    _population(market)
    report = backtest(CODE, directory=model_dir)
    assert report.published_version is None and not report.same_as_published
    assert report.movement()["new"] == 5
    assert "尚未发布" in _report(model_dir)


def test_refusals(policy: None, model_dir: Path) -> None:
    with pytest.raises(CommandError, match="--model"):
        call_command("evaluate", "report", stdout=StringIO())
    with pytest.raises(CommandError, match="NOSUCH"):
        call_command("evaluate", "report", "--model", "NOSUCH", stdout=StringIO())
    with pytest.raises(CommandError, match="不能晚于今天"):
        _report(model_dir, "--as-of", "2999-01-01")
