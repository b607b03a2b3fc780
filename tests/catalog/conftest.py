"""Fixtures for policy tests: a private copy of the Tianjin policy to edit, and counts of
every table a load may write."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import (
    CatalogItem,
    Deadline,
    PolicyLoad,
    PolicySetting,
    PolicyVersion,
    PublicationRuleSet,
)
from xinyong.catalog.services import default_policy_dir
from xinyong.core.models import AuditEntry, District

TABLES = (
    District,
    Organisation,
    CatalogItem,
    PublicationRuleSet,
    Deadline,
    PolicySetting,
    PolicyVersion,
    PolicyLoad,
    AuditEntry,
)


def table_counts() -> dict[str, int]:
    """Rows in every table a policy load writes (the audit log included)."""
    return {model.__name__: model._default_manager.count() for model in TABLES}


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    """A copy of the packaged Tianjin policy that a test may change."""
    target = tmp_path / "policy"
    shutil.copytree(default_policy_dir(), target)
    return target


Editor = Callable[[str, Callable[[Any], None]], None]


@pytest.fixture
def edit_yaml(policy_dir: Path) -> Editor:
    """`edit_yaml("catalog.yaml", change)`: parse the file, let `change` mutate the data,
    write it back (comments are lost; the content is what counts)."""

    def edit(name: str, change: Callable[[Any], None]) -> None:
        path = policy_dir / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    return edit
