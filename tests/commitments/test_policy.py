"""The commitment policy: the Tianjin file as shipped, its fit with the catalogue, and the
refusals of a broken file (naming the path inside it)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.catalog.conftest import Editor
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import item_definition
from xinyong.commitments.policy import CommitmentPolicyError, commitment_policy
from xinyong.commitments.services import render_text
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db


def test_the_tianjin_policy_has_the_four_types() -> None:
    policy = commitment_policy()
    assert [t.name for t in policy.types] == ["审批替代型", "信用修复型", "行业自律型", "主动型"]
    assert {t.code for t in policy.types_for("account")} == {"approval", "industry", "voluntary"}
    assert {t.code for t in policy.types_for("office")} == {
        "approval",
        "repair",
        "industry",
        "voluntary",
    }
    approval = policy.type_of("approval")
    assert approval is not None and approval.public and approval.title == "告知承诺书"
    assert "国办发〔2020〕42号" in approval.basis_text()
    assert all(t.note.startswith("待核") for t in policy.types)  # unverified wording is marked
    assert policy.breach.item == "WBXYCN"


def test_types_map_to_the_catalogue_and_render(policy: None, firm: Subject) -> None:
    values = {f.key: f for f in item_definition("XYCN").fields}["commitment_type"].values
    unit = Organisation.objects.get(kind="credit_office")
    for ctype in commitment_policy().types:
        assert ctype.catalog_value in values
        text = render_text(ctype, firm, unit, "依法诚信经营", datetime.date(2026, 5, 6))
        assert firm.name in text and firm.uscc in text and unit.name in text
        assert "依法诚信经营" in text and "2026年5月6日" in text and "{" not in text


def test_the_breach_item_is_negative_public_with_its_basis(policy: None) -> None:
    item = item_definition(commitment_policy().breach.item)
    assert item.polarity == "negative" and item.disclosure == "public"
    titles = " ".join(b.title for b in item.legal_basis)
    assert "国办发〔2019〕35号" in titles and "天津市社会信用条例" in titles
    assert item.publication.severities == ["general"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["types"][0].update(template="{subject_name}{licence_no}"), "types.0"),
        (lambda d: d["types"][1].update(code="approval"), "types repeat a code"),
        (lambda d: d["types"][2].update(channels=["desk"]), "types.2.channels.0"),
        (lambda d: d["types"][3].pop("legal_basis"), "types.3.legal_basis"),
        (lambda d: d.update(breach={"item": "not a code"}), "breach.item"),
    ],
)
def test_a_broken_file_is_refused_with_where(
    own_policy: Path, edit_yaml: Editor, change: Any, where: str
) -> None:
    edit_yaml("commitments.yaml", change)
    with pytest.raises(CommitmentPolicyError) as caught:
        commitment_policy()
    assert "commitments.yaml" in caught.value.message and where in caught.value.message


def test_a_missing_file_is_refused(own_policy: Path) -> None:
    (own_policy / "commitments.yaml").unlink()
    with pytest.raises(CommitmentPolicyError, match="缺少政策文件"):
        commitment_policy()
