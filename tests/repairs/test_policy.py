"""repairs.yaml is read as a whole: the packaged file is valid, and a broken one is an error
that says where, never a silent default."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xinyong.policy import default_policy_dir
from xinyong.repairs import policy
from xinyong.repairs.policy import RepairPolicyError, repair_policy


def test_the_packaged_policy_is_valid_and_complete() -> None:
    found = repair_policy()
    assert found.commitment.title == "信用修复承诺书"
    assert set(found.requirements.by_severity) == {"minor", "general", "serious"}
    assert found.needed_for("serious")[: len(found.requirements.common)] == tuple(
        found.requirements.common
    )
    assert found.needed_for("")[-1] == found.requirements.other[-1]
    assert found.not_repairable_reason("SXBZX") and not found.not_repairable_reason("XZCF")
    assert "XZCF" in found.notice.items
    assert "不收取任何费用" in found.notice.free


@pytest.fixture
def policy_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "policy"
    target.mkdir()
    source = default_policy_dir() / policy.FILE_NAME
    (target / policy.FILE_NAME).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(policy, "default_policy_dir", lambda: target)
    return target / policy.FILE_NAME


def test_an_unknown_template_field_is_refused_with_its_place(policy_copy: Path) -> None:
    data = yaml.safe_load(policy_copy.read_text(encoding="utf-8"))
    data["commitment"]["template"] += "{legal_rep}"
    policy_copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RepairPolicyError) as refused:
        repair_policy()
    assert refused.value.reason == "repairs.policy"
    assert "commitment" in refused.value.message and "legal_rep" in refused.value.message


def test_a_missing_file_is_an_error(policy_copy: Path) -> None:
    policy_copy.unlink()
    with pytest.raises(RepairPolicyError, match=r"repairs\.policy"):
        repair_policy()
