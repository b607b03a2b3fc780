"""`xinyong token …` and `xinyong org list`."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.accounts.conftest import org, uscc
from xinyong.accounts.models import ApiToken, OrganisationKind
from xinyong.accounts.services import (
    authenticate_token,
    create_staff_user,
    update_organisation,
)
from xinyong.core.models import AuditEntry, District

pytestmark = pytest.mark.django_db


def _create(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    call_command("token", "create", *args)
    captured = capsys.readouterr()
    return captured.out.strip(), captured.err


def test_token_create_prints_the_secret_once(capsys: pytest.CaptureFixture[str]) -> None:
    org(3, OrganisationKind.BANK)
    secret, err = _create(
        capsys,
        "--org",
        uscc(3).lower(),
        "--scope",
        "records:read",
        "lists:check",
        "--scope",
        "reports:create",
        "--name",
        "信易贷",
        "--expires-days",
        "90",
    )
    assert "\n" not in secret
    assert "只显示这一次" in err and secret not in err
    principal = authenticate_token(secret)
    assert principal is not None
    assert principal.scopes == {"records:read", "lists:check", "reports:create"}
    token = ApiToken.objects.get()
    assert token.name == "信易贷" and token.expires_at is not None
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.actor_label == "job:token create" and entry.job_id


def test_token_list_never_shows_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    org(2)
    org(3, OrganisationKind.BANK)
    dept_secret, _ = _create(capsys, "--org", uscc(2), "--scope", "records:submit")
    bank_secret, _ = _create(capsys, "--org", uscc(3), "--scope", "lists:check")
    call_command("token", "list")
    out = capsys.readouterr().out
    assert dept_secret[:11] in out and bank_secret[:11] in out
    assert dept_secret not in out and bank_secret not in out
    call_command("token", "list", "--org", uscc(3), "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [row["prefix"] for row in rows] == [bank_secret[:11]]
    assert rows[0]["state"] == "active" and rows[0]["scopes"] == ["lists:check"]
    assert "digest" not in rows[0]


def test_token_revoke(capsys: pytest.CaptureFixture[str]) -> None:
    org(2)
    secret, _ = _create(capsys, "--org", uscc(2), "--scope", "records:submit")
    call_command("token", "revoke", secret[:11])
    assert secret[:11] in capsys.readouterr().out
    assert authenticate_token(secret) is None
    call_command("token", "list", "--json")
    assert json.loads(capsys.readouterr().out)[0]["state"] == "revoked"
    with pytest.raises(CommandError, match="token_revoked"):
        call_command("token", "revoke", secret[:11])
    with pytest.raises(CommandError, match="unknown_token"):
        call_command("token", "revoke", "xy_ffffffff")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--org", uscc(2), "--scope", "records:submit", "records:erase"], "unknown_scope"),
        (["--org", uscc(8), "--scope", "records:submit"], "unknown_organisation"),
        (["--org", "91120000MA05K7XX0X", "--scope", "records:submit"], "invalid_uscc"),
        (["--org", uscc(2), "--scope", "records:submit", "--expires-days", "0"], "invalid_expiry"),
    ],
)
def test_token_create_rejects_bad_input_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], args: list[str], reason: str
) -> None:
    org(2)
    count = AuditEntry.objects.count()
    with pytest.raises(CommandError, match=reason):
        call_command("token", "create", *args)
    assert ApiToken.objects.count() == 0
    assert AuditEntry.objects.count() == count
    assert "xy_" not in capsys.readouterr().out


def test_org_list(capsys: pytest.CaptureFixture[str]) -> None:
    District.objects.create(code="120101", name="和平区")
    credit_office = org(1, OrganisationKind.CREDIT_OFFICE, "天津市信用办")
    dept = org(2, OrganisationKind.DEPARTMENT, "天津市税务局")
    update_organisation(credit_office, district="120101")
    for name in ("a", "b"):
        create_staff_user(organisation=dept, username=name)
    call_command("org", "list", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "uscc": uscc(1),
            "name": "天津市信用办",
            "kind": "credit_office",
            "district": "120101",
            "staff_count": 0,
        },
        {
            "uscc": uscc(2),
            "name": "天津市税务局",
            "kind": "department",
            "district": None,
            "staff_count": 2,
        },
    ]
    call_command("org", "list", "--kind", "department")
    out = capsys.readouterr().out
    assert "天津市税务局" in out and "天津市信用办" not in out
    assert out.splitlines()[1].split("\t") == [uscc(2), "department", "-", "2", "天津市税务局"]


def test_org_list_rejects_an_unknown_kind() -> None:
    with pytest.raises(CommandError, match="church"):
        call_command("org", "list", "--kind", "church")
