"""`xinyong evaluate` and `xinyong evaluate publish` over the packaged models."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.evaluation.runs_fixtures import (
    company,
    days_ago,
    land,
    market,
    penalty,
    policy,
    subject_of,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.evaluation import demo as evaluation_demo
from xinyong.evaluation.models import ModelVersion, Run, RunTrigger, Score
from xinyong.subjects.models import Subject, SubjectKind

pytestmark = pytest.mark.django_db
__all__ = ["market", "policy", "var_dir"]  # fixtures used by name


def _call(*args: str) -> str:
    out = StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_publish_once_then_nothing_changes(policy: None) -> None:
    assert _call("publish", "--model", "TJGGXY").strip() == "TJGGXY 已发布第1版"
    assert _call("publish", "--model", "TJGGXY").strip() == "TJGGXY 未变更，现行第1版"
    answer = json.loads(_call("publish", "--model", "NSXYDJ", "--json"))
    assert (answer["model"], answer["version"], answer["created"]) == ("NSXYDJ", 1, True)
    assert len(answer["content_hash"]) == 64
    assert ModelVersion.objects.count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("publish",), "--model"),
        (("publish", "--model", "NOSUCH"), "NOSUCH"),
        (("--model", "TJGGXY"), "尚未发布"),
        ((), "尚无已发布的评价模型"),
    ],
)
def test_refusals_write_nothing(policy: None, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _call(*args)
    assert not ModelVersion.objects.exists() and not Run.objects.exists()


def test_evaluate_runs_the_published_models(policy: None, market: Organisation) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕61号", company(61))], received=days_ago(3))
    Subject.objects.create(kind=SubjectKind.NATURAL_PERSON, name="王五")
    _call("publish", "--model", "TJGGXY")
    answer = json.loads(_call("--model", "TJGGXY", "--as-of", days_ago(1).isoformat(), "--json"))
    [run] = answer["runs"]
    assert (run["model"], run["version"], run["as_of"], run["subjects"]) == (
        "TJGGXY",
        1,
        days_ago(1).isoformat(),
        1,
    )
    assert sum(run["grades"].values()) == 1
    stored = Run.objects.get(public_id=run["run"])
    assert stored.trigger == RunTrigger.CLI
    assert Score.objects.get(run=stored).subject == subject_of(61)

    _call("publish", "--model", "NSXYDJ")
    text = _call()
    assert "NSXYDJ 第1版" in text and "TJGGXY 第1版" in text and "评价主体 1 个" in text
    assert Run.objects.count() == 3


@pytest.mark.parametrize("as_of", ["2026-13-01", days_ago(-1).isoformat()])
def test_a_bad_or_future_day_is_refused(policy: None, as_of: str) -> None:
    _call("publish", "--model", "TJGGXY")
    with pytest.raises(CommandError):
        _call("--model", "TJGGXY", "--as-of", as_of)
    assert not Run.objects.exists()


def test_the_demo_seed_publishes_both_models_and_runs_each_once(policy: None) -> None:
    Subject.objects.create(kind=SubjectKind.LEGAL_PERSON, name="演示评价有限公司")
    evaluation_demo.seed()
    evaluation_demo.seed()
    assert sorted(ModelVersion.objects.values_list("code", "version")) == [
        ("NSXYDJ", 1),
        ("TJGGXY", 1),
    ]
    assert sorted(Run.objects.values_list("model_version__code", "subjects")) == [
        ("NSXYDJ", 1),
        ("TJGGXY", 1),
    ]
