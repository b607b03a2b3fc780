"""The tip-off policy file: valid as shipped, every category routed to sectors that exist,
and a broken file refused with the place of the error named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xinyong.catalog.services import default_policy_dir
from xinyong.tipoffs import policy
from xinyong.tipoffs.policy import TipOffPolicyError, tipoff_policy


def test_the_shipped_policy_names_sectors_that_exist() -> None:
    loaded = tipoff_policy()
    departments = yaml.safe_load((default_policy_dir() / "departments.yaml").read_text("utf-8"))
    sectors = {o["sector"] for o in departments["organisations"]}
    assert {"虚假宣传", "产品质量", "拖欠工资", "偷逃税款", "合同欺诈"} <= {
        c.name for c in loaded.categories
    }
    for category in loaded.categories:
        assert set(category.sectors) <= sectors, category.code
    assert loaded.category("tax_evasion") is not None and loaded.category("nope") is None


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("legal_basis: [{title: 条例}]\ncategories: []\n", "categories"),
        (
            "legal_basis: [{title: 条例}]\ncategories:\n"
            "  - {code: a_b, name: 甲}\n  - {code: a_b, name: 乙}\n",
            "repeated",
        ),
        ("legal_basis: [{title: 条例}]\ncategories:\n  - {code: Bad, name: 甲}\n", "code"),
        ("categories: [\n", "无法读取"),
    ],
)
def test_a_broken_file_is_refused_with_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str
) -> None:
    (tmp_path / policy.FILE_NAME).write_text(text, encoding="utf-8")
    monkeypatch.setattr(policy, "default_policy_dir", lambda: tmp_path)
    with pytest.raises(TipOffPolicyError) as refused:
        tipoff_policy()
    assert where in refused.value.message and policy.FILE_NAME in refused.value.message


def test_a_missing_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(policy, "default_policy_dir", lambda: tmp_path)
    with pytest.raises(TipOffPolicyError):
        tipoff_policy()
