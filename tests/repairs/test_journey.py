"""A repair from application to approval, through the services: after the decision the
record is on no public or shared surface, its list entry is removed, checks stop hitting,
re-evaluation is queued, the subject is told and the decision document can be read."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.checks.conftest import checker
from tests.repairs.conftest import Office, land_wage_arrears, member_of, proof
from xinyong.accounts.models import Organisation
from xinyong.checks.services import Checker, CheckRequest, run_check
from xinyong.core.audit import entries_for, verify
from xinyong.lists.models import EntryState, ListEntry, RemovalKind
from xinyong.records.models import EventKind, Record, RecordEvent
from xinyong.records.public import public_record_counts, public_records, shared_groups
from xinyong.repairs import services
from xinyong.repairs.models import RepairApplication, RepairState, RepairStep, StepKind
from xinyong.rights.models import Notification
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db

__all__ = ["checker"]

PERFORMANCE = "已于2025年11月缴清罚款，完成整改并通过复查。"


def check(checker: Organisation, record: Record) -> str:
    request = CheckRequest(record.subject.uscc, "government_procurement", "津财采〔2026〕9号", None)
    return str(
        run_check(Checker.of(checker), request, actor_label="test").receipt["payload"]["result"]
    )


def shared_ids(subject: Subject) -> list[int]:
    return [r.record_id for _class, group in shared_groups(subject) for r in group.records]


def apply_for(record: Record) -> RepairApplication:
    return services.apply(
        member_of(record.subject),
        record.pk,
        performance=PERFORMANCE,
        signer_name="张三",
        signed=True,
        files=[proof()],
    )


def test_an_approved_repair_ends_publication_sharing_listing_and_checks(
    office: Office, listed: Record, checker: Organisation
) -> None:
    subject = listed.subject
    assert public_records().filter(pk=listed.pk).exists()
    assert public_record_counts([subject.pk]) == {subject.pk: 1}
    assert check(checker, listed) == "hits"

    application = apply_for(listed)
    assert application.state == RepairState.SUBMITTED
    assert application.department == office.market_org
    assert (
        subject.name in application.commitment_text and listed.doc_no in application.commitment_text
    )
    assert len(application.commitment_sha256) == 64 and application.signer_masked == "张*"
    assert application.attachments.count() == 1

    application = services.forward(office.credit, application)
    assert application.state == RepairState.FORWARDED and application.acceptance_due
    application = services.accept(office.market, application)
    assert application.state == RepairState.ACCEPTED and application.decision_due
    application = services.approve(
        office.market,
        application,
        decision_no="津市监信修〔2026〕1号",
        opinion="已履行义务，整改到位。",
    )

    assert application.state == RepairState.APPROVED
    listed.refresh_from_db()
    assert listed.repaired_on == application.closed_on
    # Gone from every public surface and from the government-shared read.
    assert not public_records().filter(pk=listed.pk).exists()
    assert public_record_counts([subject.pk]) == {subject.pk: 0}
    entry = ListEntry.objects.get(record=listed)
    assert (entry.state, entry.removal_kind) == (EntryState.REMOVED, RemovalKind.REPAIR)
    assert entry.removal_reference == "津市监信修〔2026〕1号"
    assert check(checker, listed) == "no_hits"
    # Re-evaluation (and peer feeds) are queued by the event the repair wrote.
    assert RecordEvent.objects.filter(record=listed, kind=EventKind.RECORD_REPAIRED).count() == 1
    # The subject was told at each step, the last one linking to the application.
    last = Notification.objects.filter(subject=subject).order_by("-pk").first()
    assert last is not None and "准予" in last.title and application.public_id in last.link
    # The decision document is kept, checked by its hash, and names the subject and number.
    content = services.decision_pdf(application)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "信用修复决定书" in text and subject.name in text
    assert "津市监信修〔2026〕1号" in text
    # Every step is kept and audited, and the chain holds.
    kinds = list(RepairStep.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == [StepKind.SUBMIT, StepKind.FORWARD, StepKind.ACCEPT, StepKind.APPROVE]
    actions = [e.action for e in entries_for("repairs.application", application.public_id)]
    assert actions == ["repair.submit", "repair.forward", "repair.accept", "repair.approve"]
    assert verify()[1] is None
    # No second repair of the same record.
    assert services.repair_options(subject, [listed.pk]) == {}


def test_a_repair_stops_sharing_a_government_record(office: Office) -> None:
    record = land_wage_arrears(office.hrss_org, 21)
    subject = record.subject
    assert shared_ids(subject) == [record.pk]
    application = services.forward(office.credit, apply_for(record))
    application = services.accept(office.hrss, application)
    services.approve(
        office.hrss, application, decision_no="津人社信修〔2026〕1号", opinion="已清偿。"
    )
    assert shared_ids(subject) == []


def test_a_refused_part_of_an_approval_leaves_nothing_done(office: Office, listed: Record) -> None:
    application = services.accept(office.market, services.forward(office.credit, apply_for(listed)))
    # The record is withdrawn meanwhile: the repair cannot mark it, so nothing else happens.
    Record.objects.filter(pk=listed.pk).update(state="withdrawn")
    with pytest.raises(services.RepairError) as refused:
        services.approve(
            office.market, application, decision_no="津市监信修〔2026〕2号", opinion="整改到位"
        )
    assert refused.value.reason == "records.not_active"
    application.refresh_from_db()
    assert application.state == RepairState.ACCEPTED and application.decision_pdf_sha256 == ""
    assert ListEntry.objects.get(record=listed).state != EntryState.REMOVED
    assert not RecordEvent.objects.filter(record=listed, kind=EventKind.RECORD_REPAIRED).exists()
