"""Model files: the shipped models load; a model that cannot be scored as written is refused
with the path of what is wrong."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from tests.evaluation import model_cases as cases
from xinyong.evaluation.schema import (
    EvaluationModelError,
    ModelSpec,
    load_spec,
    load_specs,
    models_directory,
)
from xinyong.policy import default_policy_dir

Change = Callable[[dict[str, Any]], None]


def _changed(change: Change) -> dict[str, Any]:
    data = copy.deepcopy(cases.MODEL)
    change(data)
    return data


def _problems(change: Change) -> list[tuple[str, str]]:
    """(path, reason) of every validation problem of the test model after `change`."""
    with pytest.raises(ValidationError) as caught:
        ModelSpec.model_validate(_changed(change))
    return [
        (".".join(str(part) for part in error["loc"]), error["type"])
        for error in caught.value.errors()
    ]


def _indicator(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(
        indicator
        for dimension in data["dimensions"]
        for indicator in dimension["indicators"]
        if indicator["code"] == code
    )


def test_the_test_model_is_valid_and_round_trips_through_json() -> None:
    spec = cases.spec()
    content = json.loads(json.dumps(spec.model_dump(mode="json")))
    assert content["dimensions"][0]["indicators"][1]["bands"][0] == {
        "from": 5,
        "to": 9,
        "points": -3,
    }
    assert ModelSpec.model_validate(content) == spec


def test_natural_persons_are_never_scored() -> None:
    def add(data: dict[str, Any]) -> None:
        data["subject_types"].append("natural_person")

    assert _problems(add) == [("subject_types.3", "model.natural_person")]

    def by_kind(data: dict[str, Any]) -> None:
        _indicator(data, "no_uscc")["rule"] = {
            "source": "subject",
            "field": "kind",
            "equals": "natural_person",
        }

    assert _problems(by_kind) == [("dimensions.1.indicators.1.rule.equals", "rule.natural_person")]


@pytest.mark.parametrize(
    ("bands", "where"),
    [
        ([{"from": 5, "to": 9, "points": -3}, {"from": 9, "points": -8}], "bands.1"),
        ([{"from": 5, "points": -3}, {"from": 10, "points": -8}], "bands.1"),
        ([{"from": 10, "points": -8}, {"from": 5, "to": 9, "points": -3}], "bands.1"),
        ([{"from": 5, "to": 4, "points": -3}], "bands.0.to"),
    ],
)
def test_bands_that_overlap_or_run_backwards_are_refused(
    bands: list[dict[str, int]], where: str
) -> None:
    def change(data: dict[str, Any]) -> None:
        _indicator(data, "fines")["bands"] = bands

    [(path, reason)] = _problems(change)
    assert path == f"dimensions.0.indicators.1.{where}"
    assert reason in {"indicator.band_overlap", "band.order"}


@pytest.mark.parametrize(
    ("points_each", "cap", "reason"),
    [
        (-10, 25, "indicator.cap_sign"),
        (10, -25, "indicator.cap_sign"),
        (-10, -5, "indicator.cap_small"),
    ],
)
def test_a_cap_must_have_the_sign_of_its_points(points_each: int, cap: int, reason: str) -> None:
    def change(data: dict[str, Any]) -> None:
        _indicator(data, "serious").update(points_each=points_each, cap=cap)

    assert _problems(change) == [("dimensions.0.indicators.0.cap", reason)]


def test_points_each_and_bands_together_are_refused() -> None:
    def change(data: dict[str, Any]) -> None:
        _indicator(data, "fines")["points_each"] = -1

    assert ("dimensions.0.indicators.1", "indicator.points") in _problems(change)


def test_grades_must_be_ordered_best_first() -> None:
    def change(data: dict[str, Any]) -> None:
        data["grades"][0]["min"], data["grades"][1]["min"] = 75, 90

    assert _problems(change) == [("grades.1.min", "model.grade_order")]


def test_the_last_grade_must_take_every_score_down_to_min_score() -> None:
    def change(data: dict[str, Any]) -> None:
        data["grades"][-1]["min"] = 40  # min_score is 30: a score of 35 would have no grade

    [(path, reason)] = _problems(change)
    assert (path, reason) == ("grades.4.min", "model.grade_gap")
    with pytest.raises(ValidationError, match=r"D 的 min（40）须不高于 min_score（30）"):
        ModelSpec.model_validate(_changed(change))


def test_knockouts_and_conditional_grades_must_name_known_parts() -> None:
    def change(data: dict[str, Any]) -> None:
        data["knockouts"].append({"indicator": "listd", "at_most": "C", "reason": "r"})
        data["conditional_grades"][0]["when_zero"] = "nothing"

    assert set(_problems(change)) == {
        ("knockouts.1.indicator", "model.unknown_indicator"),
        ("conditional_grades.0.when_zero", "model.unknown_indicator"),
        ("dimensions.1.indicators.0", "model.idle_indicator"),  # nothing reads `activity` now
    }


def test_an_indicator_without_points_must_serve_a_grade_rule() -> None:
    def change(data: dict[str, Any]) -> None:
        data["conditional_grades"] = []

    assert _problems(change) == [
        ("dimensions.1.indicators.0", "model.idle_indicator"),
        ("grades.2.min", "model.grade_without_min"),
    ]


def test_rules_take_only_the_filters_their_source_has() -> None:
    def change(data: dict[str, Any]) -> None:
        _indicator(data, "listed")["rule"]["severity"] = ["serious"]
        _indicator(data, "no_uscc")["rule"]["equals"] = "yes"
        _indicator(data, "commitments")["rule"]["source"] = "list"
        _indicator(data, "commitments")["measure"] = "sum_amount"

    assert _problems(change) == [
        ("dimensions.0.indicators.2.measure", "indicator.sum_source"),
        ("dimensions.0.indicators.3.rule.severity", "rule.list_severity"),
        ("dimensions.1.indicators.1.rule.equals", "rule.equals_type"),
    ]


def test_subject_rules_compare_with_known_values() -> None:
    def change(data: dict[str, Any]) -> None:
        _indicator(data, "no_uscc")["rule"] = {
            "source": "subject",
            "field": "kind",
            "equals": "firm",
        }

    assert _problems(change) == [("dimensions.1.indicators.1.rule.equals", "rule.equals_value")]


def test_dimension_and_indicator_codes_are_unique() -> None:
    def change(data: dict[str, Any]) -> None:
        data["dimensions"][1]["code"] = "conduct"
        data["dimensions"][1]["indicators"][1]["code"] = "serious"

    assert set(_problems(change)) == {
        ("dimensions.1.code", "model.duplicate_dimension"),
        ("dimensions.1.indicators.1.code", "model.duplicate_indicator"),
    }


# -- files -----------------------------------------------------------------------------------


def test_the_shipped_models_load() -> None:
    specs = load_specs()
    assert list(specs) == ["NSXYDJ", "TJGGXY"]
    tax = specs["NSXYDJ"]
    assert [g.grade for g in tax.grades] == ["A", "B", "M", "C", "D"]
    assert tax.public_grades == ["A"] and tax.base == 100
    public = specs["TJGGXY"]
    assert [(g.grade, g.legacy) for g in public.grades] == [
        ("A", "优"), ("B", "良"), ("C", "中"), ("D", "差"),
    ]  # fmt: skip
    assert "natural_person" not in public.subject_types
    assert public.codes("list") == [
        "court_dishonest_debtor", "credit_honour", "customs_aeo", "market_serious_illegal",
        "procurement_serious", "safety_serious", "tax_major_violation", "wage_arrears",
    ]  # fmt: skip


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    """A copy of the packaged policy directory with an empty evaluation folder."""
    target = tmp_path / "policy"
    shutil.copytree(default_policy_dir(), target, ignore=shutil.ignore_patterns("evaluation"))
    (target / "evaluation").mkdir()
    return target


def _write(policy: Path, name: str, data: dict[str, Any]) -> Path:
    path = models_directory(policy) / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_unknown_item_list_and_severity_codes_are_refused_with_their_path(policy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        _indicator(data, "serious")["rule"]["items"] = ["XZCF", "XZFC"]
        _indicator(data, "serious")["rule"]["severity"] = ["grave"]
        _indicator(data, "listed")["rule"]["items"] = ["market_serious"]

    path = _write(policy, "test.yaml", _changed(change))
    with pytest.raises(EvaluationModelError) as caught:
        load_spec(path)
    message = caught.value.message
    assert message.startswith("test.yaml 无效：")
    assert "dimensions.0.indicators.0.rule.items.1：信用信息目录中没有目录项 XZFC" in message
    assert (
        "dimensions.0.indicators.0.rule.severity.0：publication.yaml 中没有严重程度 grave"
        in message
    )
    assert (
        "dimensions.0.indicators.3.rule.items.0：lists.yaml 中没有名单类型 market_serious"
        in message
    )


def test_a_schema_problem_in_a_file_names_the_file_and_the_path(policy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["subject_types"] = ["legal_person", "natural_person"]

    path = _write(policy, "test.yaml", _changed(change))
    with pytest.raises(EvaluationModelError, match=r"test\.yaml 无效：subject_types\.1：自然人"):
        load_spec(path)


def test_two_files_with_one_model_code_are_refused(policy: Path) -> None:
    _write(policy, "a.yaml", cases.MODEL)
    _write(policy, "b.yaml", cases.MODEL)
    with pytest.raises(EvaluationModelError, match="TEST") as caught:
        load_specs(models_directory(policy))
    assert caught.value.reason == "evaluation.duplicate_model"
