"""reports.yaml is read as a whole: the packaged file is valid and offers the types the issue
asks for; a broken file, or an item code the catalogue lacks, is an error naming the path
inside it, both when the reports app reads it and in `xinyong policy check`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from xinyong.catalog.services import PolicyError, default_policy_dir, read_policy
from xinyong.reports.policy import FILE_NAME, ReportsPolicyError, reports_policy


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "policy"
    shutil.copytree(default_policy_dir(), target)
    return target


def edit(policy_dir: Path, change: Callable[[Any], None]) -> Path:
    path = policy_dir / FILE_NAME
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_the_packaged_types() -> None:
    policy = reports_policy()
    codes = [t.code for t in policy.types]
    assert codes == ["public", "full", "procurement", "bidding", "financing", "construction"]
    public = policy.get("public")
    assert public is not None and public.disclosures == ["public"]
    assert set(public.audiences) == {"public", "subject", "government", "authorised"}
    full = policy.get("full")
    assert full is not None and full.audiences == ["subject"] and full.evaluation == "reasons"
    for code in ("procurement", "bidding", "construction"):
        kind = policy.get(code)
        assert kind is not None and kind.purpose_required and "public" not in kind.audiences
    financing = policy.get("financing")
    assert financing is not None and set(financing.audiences) == {"subject", "authorised"}
    construction = policy.get("construction")
    assert construction is not None and "TQNMGGZ" in construction.items
    assert "NSXYPJ" not in construction.items  # 授权查询 is not among its classes
    assert policy.get("nonsense") is None


def test_an_unknown_item_code_is_refused_with_its_path(policy_dir: Path) -> None:
    path = edit(policy_dir, lambda d: d["types"][5]["items"].append("NO_SUCH_ITEM"))

    with pytest.raises(ReportsPolicyError) as refused:
        reports_policy(path)
    assert "types[5].items[8]" in refused.value.message
    assert "NO_SUCH_ITEM" in refused.value.message

    with pytest.raises(PolicyError) as checked:
        read_policy(policy_dir)
    (issue,) = checked.value.issues
    assert (issue.file, issue.path, issue.reason) == (
        "reports.yaml",
        "types[5].items[8]",
        "ref.unknown_item",
    )


def test_an_item_outside_the_types_classes_is_accepted(policy_dir: Path) -> None:
    """The catalogue may move an item between classes: a type naming it still loads, and
    its reports leave the item out while its class is not the type's (`scope._items`)."""
    path = edit(policy_dir, lambda d: d["types"][5]["items"].append("NSXYPJ"))  # 授权查询

    construction = reports_policy(path).types[5]
    assert "NSXYPJ" in construction.items and "authorised" not in construction.disclosures


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["types"][1].update(audiences=["everyone"]), "types.1.audiences.0"),
        (lambda d: d["types"][2].update(evaluation="scores"), "types.2.evaluation"),
        (lambda d: d["types"][3].pop("validity_days"), "types.3.validity_days"),
        (lambda d: d["types"][0].update(colour="red"), "types.0.colour"),
        (lambda d: d["types"][0].update(disclosures=["public", "government"]), "只能包含社会公开"),
        (lambda d: d["types"][4].update(code="public"), "报告类型代码重复：public"),
    ],
)
def test_a_broken_file_names_the_place(
    policy_dir: Path, change: Callable[[Any], None], where: str
) -> None:
    path = edit(policy_dir, change)

    with pytest.raises(ReportsPolicyError) as refused:
        reports_policy(path)
    assert refused.value.reason == "reports.policy"
    assert FILE_NAME in refused.value.message and where in refused.value.message

    with pytest.raises(PolicyError) as checked:
        read_policy(policy_dir)
    assert {issue.file for issue in checked.value.issues} == {FILE_NAME}


def test_a_missing_file_is_an_error_not_a_default(policy_dir: Path) -> None:
    (policy_dir / FILE_NAME).unlink()

    with pytest.raises(ReportsPolicyError) as refused:
        reports_policy(policy_dir / FILE_NAME)
    assert FILE_NAME in refused.value.message
