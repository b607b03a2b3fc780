"""Reading under a consent, at the service level: which consent a read relies on (or why
none), exactly the consented items' current records, and one access-log entry per read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.consents.conftest import (
    ARREARS_DOC,
    AUTHORISED_ITEM,
    PENALTY_DOC,
    Grantee,
    in_days,
    owner,
)
from xinyong.accounts.services import update_organisation
from xinyong.consents.models import Consent
from xinyong.consents.services import (
    ConsentError,
    active_consent,
    authorised_view,
    consent_for_read,
    grant,
    revoke,
)
from xinyong.core.audit import entries_for
from xinyong.core.models import AuditEntry
from xinyong.records.models import Record
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess


def _refusal(subject: Subject | None, grantee: Grantee, consent_id: str = "") -> str:
    with pytest.raises(ConsentError) as refused:
        consent_for_read(subject, grantee.organisation, consent_id=consent_id)
    return refused.value.code


def test_no_consent_and_unknown_subject_are_the_same_refusal(firm: Subject, bank: Grantee) -> None:
    assert _refusal(firm, bank) == "consent.none"
    assert _refusal(None, bank) == "consent.none"


def test_a_read_relies_on_the_newest_consent_in_force(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    newer = grant(
        owner(firm),
        organisation=bank.organisation,
        item_codes=["XZXK"],
        purpose="续贷",
        valid_until=in_days(10),
        reference="financing:RZ1",
    )
    assert consent_for_read(firm, bank.organisation) == newer
    assert consent_for_read(firm, bank.organisation, consent_id=consent.public_id) == consent
    assert active_consent(firm, bank.organisation, reference="financing:RZ1") == newer
    assert active_consent(firm, bank.organisation, reference="") == consent
    revoke(owner(firm), newer.public_id)
    assert consent_for_read(firm, bank.organisation) == consent


def test_revoked_and_expired_consents_are_refused_with_their_reason(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    later = consent.valid_until + timedelta(days=1)
    with pytest.raises(ConsentError) as refused:
        consent_for_read(firm, bank.organisation, today=later)
    assert refused.value.code == "consent.expired"
    assert active_consent(firm, bank.organisation, today=later) is None
    assert active_consent(firm, bank.organisation, today=consent.valid_until) == consent
    revoke(owner(firm), consent.public_id)
    assert _refusal(firm, bank) == "consent.revoked"
    assert _refusal(firm, bank, consent_id=consent.public_id) == "consent.revoked"


def test_another_organisation_has_no_consent(
    firm: Subject, consent: Consent, other_bank: Grantee
) -> None:
    assert _refusal(firm, other_bank) == "consent.none"
    assert _refusal(firm, other_bank, consent_id=consent.public_id) == "consent.none"


def test_an_inactive_organisation_may_not_read(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    update_organisation(bank.organisation, is_active=False)
    assert _refusal(firm, bank) == "consent.organisation_inactive"
    assert active_consent(firm, bank.organisation) is None
    with pytest.raises(ConsentError):
        authorised_view(consent, purpose="审查")
    assert not SubjectAccess.objects.exists()


def test_a_read_serves_exactly_the_consented_items_and_is_logged(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    view = authorised_view(consent, purpose="贷前审查", reference="DK-2026-9")
    shown = {group.code: group for _disclosure, group in view.groups}
    assert set(shown) == {"XZCF", AUTHORISED_ITEM}  # the licence was not granted
    assert [r.doc_no for r in shown["XZCF"].records] == [PENALTY_DOC]
    assert [r.doc_no for r in shown[AUTHORISED_ITEM].records] == [ARREARS_DOC]
    assert dict((g.code, d) for d, g in view.groups)[AUTHORISED_ITEM] == "authorised"
    assert view.records_total == 2
    [access] = SubjectAccess.objects.filter(subject=firm)
    assert access == view.access
    assert (access.kind, access.organisation_id) == (AccessKind.AUTHORISED, bank.organisation.pk)
    assert access.purpose == "贷前审查" and access.reference == "DK-2026-9"
    assert access.legal_basis == f"信用主体授权（授权书 {consent.number}）"
    reads = [
        e for e in entries_for("consents.consent", consent.public_id) if e.action != "consent.grant"
    ]
    assert [e.action for e in reads] == ["consent.read"]


def test_naming_an_item_outside_the_grant_is_refused_and_writes_nothing(
    firm: Subject, consent: Consent
) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ConsentError) as refused:
        authorised_view(consent, purpose="审查", items=["XZCF", "XZXK"])
    assert refused.value.code == "consent.item_not_granted"
    assert not SubjectAccess.objects.exists() and AuditEntry.objects.count() == before
    view = authorised_view(consent, purpose="审查", items=[AUTHORISED_ITEM])
    assert [g.code for _d, g in view.groups] == [AUTHORISED_ITEM]


def test_a_read_needs_a_purpose(consent: Consent) -> None:
    with pytest.raises(ConsentError) as refused:
        authorised_view(consent, purpose=" ")
    assert refused.value.code == "consent.purpose.missing"
    assert not SubjectAccess.objects.exists()


def test_a_revoked_consent_serves_nothing_even_when_held_by_the_caller(
    firm: Subject, consent: Consent
) -> None:
    revoke(owner(firm), consent.public_id)
    with pytest.raises(ConsentError) as refused:
        authorised_view(consent, purpose="审查")  # the caller's copy still looks active
    assert refused.value.code == "consent.revoked"
    assert not SubjectAccess.objects.exists()


def test_withdrawn_and_repaired_records_are_not_served(firm: Subject, consent: Consent) -> None:
    Record.objects.filter(doc_no=PENALTY_DOC).update(repaired_on=in_days(0))
    Record.objects.filter(doc_no=ARREARS_DOC).update(state="withdrawn")
    view = authorised_view(consent, purpose="审查")
    assert view.records_total == 0
