"""`xinyong report SUBJECT --type … --out …` and `xinyong report verify FILE.pdf [--json]`:
files written, exit codes 0 / 1 / 2, JSON output, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.reports.helpers import (
    NAME,
    OFFICE_USCC,
    add_penalty,
    altered,
    correct_penalty,
    firm,
    market,
    policy,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.reports.models import Report
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess

__all__ = ["firm", "market", "policy", "var_dir"]  # fixtures used by name


def issue(subject: Subject, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "report.pdf"
    call_command("report", subject.uscc, "--out", str(out), *args)
    return out


def verify(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        call_command("report", "verify", str(path), *args)
    return int(done.value.code or 0), capsys.readouterr().out


def test_issue_writes_the_pdf_and_verify_says_current(
    firm: Subject, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = issue(firm, tmp_path, "--type", "public")
    report = Report.objects.get()
    assert out.read_bytes().startswith(b"%PDF") and report.number in capsys.readouterr().out
    assert report.audience == "public" and not SubjectAccess.objects.exists()
    status, text = verify(out, capsys)
    assert status == 0
    assert report.number in text and NAME in text and "现行有效" in text


def test_a_government_type_is_issued_for_the_credit_office(firm: Subject, tmp_path: Path) -> None:
    issue(firm, tmp_path, "--type", "bidding", "--purpose", "某标段招标", "--print")
    report = Report.objects.get()
    office = Organisation.objects.get(uscc=OFFICE_USCC)
    assert (report.audience, report.organisation, report.monochrome) == ("government", office, True)
    access = SubjectAccess.objects.get()
    assert access.kind == AccessKind.REPORT and access.organisation == office


def test_verify_json_and_exit_codes(
    firm: Subject, market: Organisation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = issue(firm, tmp_path, "--type", "public")
    capsys.readouterr()
    status, text = verify(out, capsys, "--json")
    assert status == 0 and json.loads(text)["state"] == "current"
    add_penalty(market)
    status, text = verify(out, capsys, "--json")
    assert status == 1 and json.loads(text)["state"] == "superseded"
    correct_penalty(market)
    status, text = verify(out, capsys)
    assert status == 1 and "已撤销" in text and "所依据的记录已更正" in text
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(altered(out.read_bytes()))
    status, text = verify(forged, capsys)
    assert status == 2 and "已被改动" in text
    stranger = tmp_path / "stranger.pdf"
    stranger.write_bytes(b"%PDF-1.7\n%%EOF\n")
    status, text = verify(stranger, capsys, "--json")
    assert status == 2 and json.loads(text)["state"] == "unknown"


def test_an_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        call_command("report", "verify", str(tmp_path / "missing.pdf"))
    assert done.value.code == 2 and "missing.pdf" in capsys.readouterr().err


def test_refusals_are_command_errors(firm: Subject, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"report\.type_unknown"):
        issue(firm, tmp_path, "--type", "nonesuch")
    with pytest.raises(CommandError, match=r"report\.purpose_required"):
        issue(firm, tmp_path, "--type", "procurement")
    with pytest.raises(CommandError, match="没有找到该主体"):
        call_command("report", "91120000000000000X", "--type", "public", "--out", "x.pdf")
    assert not Report.objects.exists()
