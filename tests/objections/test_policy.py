"""The catalogue says, per item, whether a record under objection is marked or withheld."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.catalog.conftest import Editor
from xinyong.catalog.services import PolicyError, item_definition, load_policy

pytestmark = pytest.mark.django_db


def test_items_mark_by_default_and_the_tianjin_catalogue_withholds_revoked_licences(
    policy: None,
) -> None:
    assert item_definition("XZCF").objection == "mark"
    assert item_definition("ZYZG_DX").objection == "withhold"


def test_an_unknown_objection_display_is_refused(
    var_dir: Path, policy_dir: Path, edit_yaml: Editor
) -> None:
    def hide(data: dict[str, Any]) -> None:
        data["items"][0]["objection"] = "hide"

    edit_yaml("catalog.yaml", hide)
    with pytest.raises(PolicyError) as refused:
        load_policy(policy_dir)

    assert "items[0].objection" in str(refused.value.issues[0])
