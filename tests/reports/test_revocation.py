"""Revocation: a record a report rests on corrected or withdrawn after issue revokes the
report, with its reason; a repair does not; a correction already made when the report was
issued does not either."""

from __future__ import annotations

from tests.records.test_public_fixtures import company, land, penalty
from tests.reports.helpers import (
    DOC,
    correct_penalty,
    firm,
    market,
    policy,
    public_report,
    the_record,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.core.models import AuditEntry
from xinyong.records import events
from xinyong.records.due_process import withdraw
from xinyong.reports.models import Report
from xinyong.reports.services.verification import State, verify_code
from xinyong.subjects.models import Subject

__all__ = ["firm", "market", "policy", "var_dir"]  # fixtures used by name


def test_a_record_corrected_after_issue_revokes_the_report(
    firm: Subject, market: Organisation
) -> None:
    report = public_report(firm)
    correct_penalty(market)
    report.refresh_from_db()
    assert report.revoked_at is not None and report.revocation_reason == "所依据的记录已更正"
    result = verify_code(report.code)
    assert result.state == State.REVOKED and result.genuine and result.exit_code == 1
    assert result.reason == "所依据的记录已更正" and "撤销" in result.message
    assert AuditEntry.objects.filter(action="report.revoke", object_id=report.number).exists()


def test_a_withdrawn_record_revokes_the_report(firm: Subject, market: Organisation) -> None:
    report = public_report(firm)
    withdraw(the_record(), reference="异议核实后撤销", organisation_id=market.pk)
    events.process_pending()
    report.refresh_from_db()
    assert report.revocation_reason == "所依据的记录已撤销"
    assert verify_code(report.code).state == State.REVOKED


def test_a_report_issued_after_the_correction_stays_current(
    firm: Subject, market: Organisation
) -> None:
    """The correction's event is still pending when the report is issued: the report already
    shows the corrected record, so the event must not revoke it."""
    land(market, "XZCF", [penalty(DOC, company(1), facts="经复核，当事人发布虚假广告两次。")])
    report = public_report(firm)
    assert events.process_pending() >= 1
    assert Report.objects.get(pk=report.pk).revoked_at is None
    assert verify_code(report.code).state == State.CURRENT


def test_other_reports_are_not_touched(firm: Subject, market: Organisation) -> None:
    kept = public_report(firm)
    withdraw(the_record(), reference="撤销", organisation_id=market.pk)
    events.process_pending()
    later = public_report(firm)
    assert later.record_links.count() == 0
    assert Report.objects.get(pk=kept.pk).revoked_at is not None
    assert Report.objects.get(pk=later.pk).revoked_at is None
