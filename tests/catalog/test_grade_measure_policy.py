"""Measures that follow an evaluation grade (measures.yaml `grade: {model, grades}`): the
model must be one of the policy's `evaluation/` files and have the grades named; a measure
follows lists or a grade, never both or neither; punishing the best grade or rewarding the
worst is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.catalog.conftest import Editor
from xinyong.catalog.services import PolicyError
from xinyong.catalog.services.files import read_policy


def _measure(data: Any, code: str) -> Any:
    return next(m for m in data["measures"] if m["code"] == code)


def _index(data: Any, code: str) -> int:
    return next(i for i, m in enumerate(data["measures"]) if m["code"] == code)


CASES: dict[str, tuple[Callable[[Any], None], str, str]] = {
    "unknown model": (
        lambda d: _measure(d, "G02")["grade"].update(model="NOSUCH"),
        "grade.model",
        "ref.unknown_model",
    ),
    "grade the model lacks": (
        lambda d: _measure(d, "G02")["grade"].update(grades=["M"]),
        "grade.grades[0]",
        "ref.unknown_grade",
    ),
    "punishing the best grade": (
        lambda d: _measure(d, "G02")["grade"].update(grades=["D", "A"]),
        "grade.grades[1]",
        "measure.kind_mismatch",
    ),
    "rewarding the worst grade": (
        lambda d: _measure(d, "G01")["grade"].update(grades=["A", "D"]),
        "grade.grades[1]",
        "measure.kind_mismatch",
    ),
    "lists and a grade": (
        lambda d: _measure(d, "G02").update(list_types=["market_serious_illegal"]),
        "",
        "measure.trigger",
    ),
    "neither lists nor a grade": (
        lambda d: _measure(d, "G02").pop("grade"),
        "",
        "measure.trigger",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_grade_measure_is_rejected(case: str, policy_dir: Path, edit_yaml: Editor) -> None:
    change, where, reason = CASES[case]
    code = "G01" if "worst" in case else "G02"
    index: list[int] = []

    def edit(data: Any) -> None:
        index.append(_index(data, code))
        change(data)

    edit_yaml("measures.yaml", edit)
    with pytest.raises(PolicyError) as raised:
        read_policy(policy_dir)
    path = f"measures[{index[0]}]" + (f".{where}" if where else "")
    found = {(i.file, i.path, i.reason) for i in raised.value.issues}
    assert ("measures.yaml", path, reason) in found, found


def test_grade_measures_of_the_tianjin_policy_read(policy_dir: Path) -> None:
    measures = read_policy(policy_dir).measures.measures
    graded = {m.code: (m.grade.model, m.grade.grades) for m in measures if m.grade}
    assert graded == {
        "G01": ("NSXYDJ", ["A"]),
        "G02": ("TJGGXY", ["D"]),
        "G03": ("TJGGXY", ["A"]),
    }


def test_a_policy_without_evaluation_models_cannot_name_one(policy_dir: Path) -> None:
    for path in (policy_dir / "evaluation").glob("*.yaml"):
        path.unlink()
    with pytest.raises(PolicyError) as raised:
        read_policy(policy_dir)
    assert {i.reason for i in raised.value.issues} == {"ref.unknown_model"}
