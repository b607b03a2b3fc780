"""Issuing a report: number and code, the stored PDF and its hash, the signed manifest, the
records it rests on, the access log for organisations, and nothing left behind on failure."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import land, penalty, person
from tests.reports.helpers import (
    DOC,
    NAME,
    OFFICE_USCC,
    firm,
    market,
    policy,
    public_report,
    the_record,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_organisation
from xinyong.core import signing
from xinyong.core.models import AuditEntry
from xinyong.reports.models import Report, ReportRecord
from xinyong.reports.services.issuing import issue_report, new_code, normalise_code, open_pdf
from xinyong.reports.services.scope import ReportRefused, Requester
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess

__all__ = ["firm", "market", "policy", "var_dir"]  # fixtures used by name


def test_a_public_report_is_stored_hashed_and_signed(firm: Subject, var_dir: Path) -> None:
    report = public_report(firm)
    assert re.fullmatch(r"XY\d{8}\d{6}", report.number)
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}", report.code)
    data = open_pdf(report)
    assert data.startswith(b"%PDF") and (var_dir / report.stored_path).is_file()
    assert report.stored_path.startswith("reports/")
    assert hashlib.sha256(data).hexdigest() == report.sha256 and len(data) == report.size
    checked = signing.verify(report.manifest, signing.published_keys())
    assert checked.valid, checked.message
    payload = report.manifest["payload"]
    assert payload["number"] == report.number and payload["code"] == report.code
    assert payload["sha256"] == report.sha256 and payload["type"] == "public"
    assert payload["subject"] == {"name": NAME, "uscc": firm.uscc, "public_id": firm.public_id}
    assert payload["fingerprint"] == report.fingerprint
    assert report.cut_off == report.issued_at and report.audience == "public"


def test_the_report_rests_on_the_records_it_lists(firm: Subject) -> None:
    report = public_report(firm)
    links = list(ReportRecord.objects.filter(report=report).values_list("record_id", flat=True))
    assert links == [the_record().pk]


def test_the_public_leaves_no_access_entry_but_an_audit_entry(firm: Subject) -> None:
    report = public_report(firm)
    assert not SubjectAccess.objects.exists()
    entry = AuditEntry.objects.get(action="report.issue")
    assert entry.object_id == report.number
    assert entry.after is not None and entry.after["records"] == 1


def test_an_organisation_report_goes_into_the_subjects_access_log(firm: Subject) -> None:
    office = Organisation.objects.get(uscc=OFFICE_USCC)
    requester = Requester.for_organisation(office, "operator1")
    report = issue_report(firm, "procurement", requester, purpose="某某工程政府采购项目")
    access = SubjectAccess.objects.get()
    assert (access.subject, access.kind, access.organisation) == (firm, AccessKind.REPORT, office)
    assert access.reference == report.number and access.purpose == "某某工程政府采购项目"
    assert access.legal_basis
    assert (report.audience, report.organisation, report.requested_by) == (
        "government",
        office,
        "operator1",
    )


def test_a_refused_report_writes_nothing(firm: Subject, var_dir: Path) -> None:
    bank = create_organisation(uscc=uscc(901, "91"), name="天津测试银行", kind="bank")
    with pytest.raises(ReportRefused) as refused:
        issue_report(firm, "financing", Requester.for_organisation(bank), purpose="贷款审查")
    assert refused.value.reason == "report.consent"
    assert not Report.objects.exists() and not SubjectAccess.objects.exists()
    assert not (var_dir / "reports").exists()


def test_the_file_is_removed_when_the_transaction_fails(
    firm: Subject, var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[Path] = []

    def broken(*args: Any, **kwargs: Any) -> None:
        written.extend(p for p in (var_dir / "reports").rglob("*.pdf"))
        raise RuntimeError("access log unavailable")

    monkeypatch.setattr("xinyong.reports.services.issuing.record_access", broken)
    office = Organisation.objects.get(uscc=OFFICE_USCC)
    with pytest.raises(RuntimeError):
        issue_report(firm, "bidding", Requester.for_organisation(office), purpose="某标段")
    assert len(written) == 1 and not written[0].exists()
    assert not Report.objects.exists() and not AuditEntry.objects.filter(action="report.issue")


def test_a_persons_own_report_masks_the_name_in_the_manifest(market: Organisation) -> None:
    land(market, "XZCF", [penalty(DOC, person(7, name="欧阳明华"))])
    subject = Subject.objects.get(kind="natural_person")
    report = issue_report(subject, "full", Requester.for_subject("self"))
    assert report.manifest["payload"]["subject"]["name"] == "欧阳**"
    assert citizen_id(7, born="19850101") not in str(report.manifest)


def test_codes_are_random_and_read_back_any_way_they_are_typed() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    code = "K7Q2-9XHM-4TPA-WD30"
    assert normalise_code("k7q29xhm 4tpa wd3o") == code
    assert normalise_code(" K7Q2-9XHM-4TPA-WD30 ") == code
    assert normalise_code("K7Q2-9XHM-4TPA-WD3") is None
    assert normalise_code("K7Q2-9XHM-4TPA-WD3U") is None
    assert normalise_code("") is None
