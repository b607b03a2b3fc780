"""`xinyong demo --prepare-only`: data, accounts per role, and a second run that reuses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from xinyong.accounts.models import Role, User
from xinyong.agencies import demo as agencies_demo
from xinyong.catalog.models import CatalogItem
from xinyong.consents import demo as consents_demo
from xinyong.core import audit
from xinyong.demo.services import CHECKER_ENTRY, account_example
from xinyong.lists.models import ListEntry
from xinyong.records.models import Record
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(tmp_path: Path, settings: SettingsWrapper) -> Path:
    settings.XINYONG_VAR_DIR = tmp_path
    return tmp_path


def test_prepare_twice_reuses_everything(var_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", "--prepare-only")
    first = capsys.readouterr().out
    assert CatalogItem.objects.filter(code="XZCF").exists()
    subjects = Subject.objects.count()
    assert subjects == 400 + len(agencies_demo.AGENCIES)  # the synthetic ones and the agencies
    # What registration data would say, for evaluation: persons have neither.
    assert Subject.objects.exclude(industry="").count() > 300
    assert Subject.objects.exclude(size="").count() > 250
    assert not Subject.objects.filter(kind="natural_person").exclude(industry="", size="")
    assert Record.objects.filter(item__code="XZCF", amount__gt=0).count() > 100
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    assert {r for u in users.values() for r in u.role_codes()} == set(Role.values)
    passwords = json.loads((var_dir / "demo-accounts.json").read_text())
    assert (var_dir / "demo-accounts.json").stat().st_mode & 0o077 == 0
    token = passwords.pop(CHECKER_ENTRY)
    bank_token = passwords.pop(consents_demo.TOKEN_ENTRY)
    assert bank_token in first
    assert token in first and "list entries: 10 created" in first
    for username, password in passwords.items():
        assert password in first
        assert Client().login(username=username, password=password)

    # The demo token checks a listed demo company through the API.
    listed = ListEntry.objects.filter(list_type__code="market_serious_illegal").first()
    assert listed is not None
    answer = Client().post(
        "/api/v1/checks",
        {"subject": listed.subject.uscc, "scenario": "public_bidding", "matter": "演示"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200 and answer.json()["result"] == "hits"

    # The demo bank reads what the example company granted it, 授权查询 items included.
    example = account_example()
    assert example is not None
    read = Client().get(
        f"/api/v1/authorised/{example.uscc}",
        headers={"Authorization": f"Bearer {bank_token}"},
    )
    assert read.status_code == 200, read.content.decode()
    totals = {group["code"]: group["total"] for group in read.json()["items"]}
    assert totals["NSXYPJ"] == totals["SBJF"] == 1

    call_command("demo", "--prepare-only")
    second = capsys.readouterr().out
    assert "subjects: 0 created" in second and "new 0, changed 0" in second
    assert "list entries: 0 created" in second and token in second
    assert Subject.objects.count() == subjects
    assert json.loads((var_dir / "demo-accounts.json").read_text()) == {
        **passwords,
        CHECKER_ENTRY: token,
        consents_demo.TOKEN_ENTRY: bank_token,
    }
    assert audit.verify()[1] is None
