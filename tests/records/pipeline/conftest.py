"""Fixtures for the pipeline tests: the Tianjin policy loaded, and a submitting department."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir, load_policy


@pytest.fixture
def policy(db: None) -> None:
    load_policy(default_policy_dir())


@pytest.fixture
def department(policy: None) -> Organisation:
    """The municipal market regulation department (sector market_regulation)."""
    return Organisation.objects.filter(kind="department", sector="market_regulation").order_by(
        "pk"
    )[0]


@pytest.fixture
def other_department(policy: None) -> Organisation:
    return (
        Organisation.objects.filter(kind="department")
        .exclude(sector="market_regulation")
        .order_by("pk")[0]
    )


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test stores its uploads and error files in a directory of its own."""
    path = tmp_path / "var"
    path.mkdir()
    settings.XINYONG_VAR_DIR = path
    return path
