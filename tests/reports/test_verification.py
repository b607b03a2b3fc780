"""Verifying reports by code and by file: current, superseded, altered and unknown, and a
platform copy tampered with in the database that no longer verifies."""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone

from tests.reports.helpers import (
    add_penalty,
    altered,
    firm,
    market,
    policy,
    public_report,
    the_record,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.core.signing import rotate
from xinyong.records import events
from xinyong.records.due_process import mark_repaired
from xinyong.reports.models import Report
from xinyong.reports.services.issuing import open_pdf
from xinyong.reports.services.verification import State, verify_code, verify_file
from xinyong.subjects.models import Subject

__all__ = ["firm", "market", "policy", "var_dir"]  # fixtures used by name


def test_a_fresh_report_is_current_by_code_and_by_file(firm: Subject) -> None:
    report = public_report(firm)
    by_code = verify_code(report.code.lower().replace("-", ""))
    assert by_code.state == State.CURRENT and by_code.genuine and by_code.exit_code == 0
    assert by_code.report == report and by_code.key_id
    by_file = verify_file(open_pdf(report))
    assert by_file.state == State.CURRENT and by_file.report == report


def test_a_byte_changed_in_the_pdf_is_altered(firm: Subject) -> None:
    report = public_report(firm)
    result = verify_file(altered(open_pdf(report)))
    assert result.state == State.ALTERED and not result.genuine and result.exit_code == 2
    assert result.report == report and report.number in result.message


def test_a_file_that_is_not_ours_is_unknown(firm: Subject) -> None:
    public_report(firm)
    result = verify_file(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")
    assert result.state == State.UNKNOWN and result.report is None and result.exit_code == 2


def test_an_unknown_or_malformed_code_is_unknown(firm: Subject) -> None:
    public_report(firm)
    assert verify_code("AAAA-BBBB-CCCC-DDDD").state == State.UNKNOWN
    assert verify_code("not a code").state == State.UNKNOWN


def test_a_tampered_stored_manifest_is_not_genuine(firm: Subject) -> None:
    report = public_report(firm)
    manifest = report.manifest
    manifest["payload"]["cut_off"] = "2030-01-01T00:00:00Z"
    Report.objects.filter(pk=report.pk).update(manifest=manifest)
    result = verify_code(report.code)
    assert not result.genuine and result.reason == "signature.invalid"


def test_a_tampered_stored_hash_is_not_genuine(firm: Subject) -> None:
    """Someone replaces the stored file and its hash: the signed manifest still names the
    original hash, so neither the code nor the new file verifies."""
    report = public_report(firm)
    forged = altered(open_pdf(report))
    Report.objects.filter(pk=report.pk).update(sha256=hashlib.sha256(forged).hexdigest())
    assert verify_code(report.code).reason == "report.manifest_mismatch"
    assert not verify_file(forged).genuine


def test_a_report_whose_record_was_repaired_is_superseded(
    firm: Subject, market: Organisation
) -> None:
    report = public_report(firm)
    mark_repaired(
        the_record(), on=timezone.localdate(), reference="修复决定", organisation_id=market.pk
    )
    events.process_pending()
    result = verify_code(report.code)
    assert result.state == State.SUPERSEDED and result.genuine and result.exit_code == 1
    assert any("不再列入" in change for change in result.changes)
    assert Report.objects.get(pk=report.pk).revoked_at is None


def test_a_new_record_makes_the_report_superseded(firm: Subject, market: Organisation) -> None:
    report = public_report(firm)
    add_penalty(market)
    result = verify_code(report.code)
    assert result.state == State.SUPERSEDED
    assert "新增 1 条记录" in result.changes


def test_a_report_signed_before_a_key_rotation_still_verifies(firm: Subject) -> None:
    report = public_report(firm)
    rotate()
    result = verify_code(report.code)
    assert result.state == State.CURRENT, result.message


def test_the_answer_as_data_carries_the_signed_facts(firm: Subject) -> None:
    report = public_report(firm)
    data = verify_code(report.code).as_data()
    assert data["state"] == "current" and data["genuine"] is True
    facts = data["report"]
    assert facts["number"] == report.number and facts["sha256"] == report.sha256
    assert facts["subject_uscc"] == firm.uscc and facts["revoked_at"] is None
    cut_off = datetime.datetime.fromisoformat(facts["cut_off"].replace("Z", "+00:00"))
    assert abs(cut_off - report.cut_off) < datetime.timedelta(seconds=1)
