"""Fixtures for the error file, API and back-office tests: the Tianjin policy, two
departments and the credit office, their tokens and staff, and synthetic department files."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker

from xinyong.accounts.models import Organisation, User
from xinyong.accounts.services import create_staff_user, create_token
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.synth import Options, generate

PASSWORD = "报送-测试-口令-2026"
SYNTH_BAD_REASONS_ALWAYS_BAD = {"invalid_check_char", "missing_required_field"}


@pytest.fixture
def policy(db: None) -> None:
    load_policy(default_policy_dir())


@pytest.fixture
def department(policy: None) -> Organisation:
    """The municipal market regulation department: a source of 行政处罚."""
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


@pytest.fixture
def credit_office(policy: None) -> Organisation:
    return Organisation.objects.filter(kind="credit_office").order_by("pk")[0]


TokenFactory = Callable[..., str]


@pytest.fixture
def token_for(policy: None) -> TokenFactory:
    """`token_for(org, "records:submit", ...)` → the secret of a new token."""

    def make(organisation: Organisation, *scopes: str) -> str:
        return create_token(organisation=organisation, scopes=scopes or ("records:submit",)).secret

    return make


@pytest.fixture
def submitter(department: Organisation) -> User:
    return create_staff_user(
        organisation=department, username="zhang.san", roles=["submitter"], password=PASSWORD
    )


@dataclass(frozen=True)
class Synth:
    """A small synthetic penalty file set and what its manifest says about it."""

    folder: Path
    manifest: dict[str, Any]

    def file(self, name: str) -> Path:
        return self.folder / name

    def entry(self, name: str) -> dict[str, Any]:
        return next(f for f in self.manifest["files"] if f["path"] == name)

    def surely_bad(self, name: str) -> set[int]:
        """Rows bad whatever today is (a "future" decision date may have become past)."""
        return {
            bad["row"]
            for bad in self.entry(name)["bad_rows"]
            if bad["reason"] in SYNTH_BAD_REASONS_ALWAYS_BAD
        }

    def records(self) -> list[dict[str, Any]]:
        text = self.file("xzcf_v2.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    folder = tmp_path_factory.mktemp("synth")
    options = Options(licences=0, v1_penalties=0, penalties=24, bad_rate=0.25)
    manifest = generate(folder, 40, seed=3, formats=["csv", "jsonl", "xlsx"], options=options)
    return Synth(folder, manifest)


def run_worker() -> None:
    """Run every queued task to the end, as `xinyong worker` does, in this process.

    The worker recycles database connections between tasks; inside a test's transaction that
    would close the connection the test runs in (PostgreSQL), so recycling is switched off.
    """
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("worker", "--batch", "--interval", "0")
