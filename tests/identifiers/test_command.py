"""`xinyong id check`: table and JSON output, masking, exit status."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError

from xinyong.core.management.commands import id as id_command
from xinyong.core.models import IrregularCode

pytestmark = pytest.mark.django_db

USCC = "91350100M000100Y43"
CITIZEN_ID = "11010519491231002X"


def _run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("id", "check", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_table_for_valid_codes_exits_0() -> None:
    status, out = _run("９１３５０１００Ｍ０００１００Ｙ４３", "12345678-8", "110105491231002")
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == 4 and "类型" in lines[0] and "原因" in lines[0]
    assert USCC in lines[1] and "统一社会信用代码" in lines[1] and "是" in lines[1]
    assert "123456788" in lines[2] and "组织机构代码" in lines[2]
    assert CITIZEN_ID in lines[3] and "citizen_id.converted" in lines[3]


def test_an_invalid_code_exits_1_and_says_why() -> None:
    status, out = _run(USCC, "91350100M000100Y44", "hello")
    assert status == 1
    assert "uscc.check" in out and "统一社会信用代码校验码不正确" in out
    assert "code.unknown_kind" in out and "未知" in out


def test_json_output() -> None:
    status, out = _run("--json", USCC, "12345678-9")
    assert status == 1
    rows = json.loads(out)
    assert rows == [
        {"kind": "uscc", "valid": True, "normalised": USCC, "reason": "", "message": ""},
        {
            "kind": "org_code",
            "valid": False,
            "normalised": "123456789",
            "reason": "org_code.check",
            "message": "组织机构代码校验码不正确",
        },
    ]


def test_citizen_ids_in_clear_only_without_mask() -> None:
    assert CITIZEN_ID in _run(CITIZEN_ID)[1]
    status, out = _run("--mask", "--json", CITIZEN_ID, USCC)
    assert status == 0 and CITIZEN_ID not in out
    rows = json.loads(out)
    assert [r["normalised"] for r in rows] == ["110105********002X", USCC]


def test_kind_skips_detection() -> None:
    status, out = _run("--json", "--kind", "business_reg", "123456789")
    assert status == 1
    assert json.loads(out)[0]["reason"] == "business_reg.length"


def test_allowlisted_codes_pass() -> None:
    IrregularCode.objects.create(code="91120116681867885M", reason="原样", admitted_by="operator")
    status, out = _run("--json", "91120116681867885M")
    assert status == 0 and json.loads(out)[0]["reason"] == "uscc.allowlisted"


def test_without_a_database_the_allowlist_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable() -> frozenset[str]:
        raise DatabaseError("no such table: core_irregularcode")

    monkeypatch.setattr(id_command, "allowlisted_codes", unavailable)
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("id", "check", "91120116681867885M", stdout=StringIO(), stderr=err)
    assert exit_.value.code == 1 and "白名单不可用" in err.getvalue()


def test_help_documents_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        call_command("id", "check", "--help")
    help_text = capsys.readouterr().out
    assert "Exit status: 0 if every code is valid" in help_text and "--mask" in help_text
