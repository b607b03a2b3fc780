"""Granting and revoking: what may be granted, to whom, for how long; bad input changes
nothing; every grant and revocation is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.consents.conftest import AUTHORISED_ITEM, Grantee, in_days, owner
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, penalty
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import update_organisation
from xinyong.consents.models import Consent, ConsentState
from xinyong.consents.services import (
    ConsentError,
    grant,
    grantable_items,
    grantable_organisations,
    one_year_after,
    revoke,
)
from xinyong.core.audit import entries_for
from xinyong.core.models import AuditEntry
from xinyong.subjects.models import Subject


def test_a_company_may_grant_public_and_authorised_items_of_its_kind_only(firm: Subject) -> None:
    codes = {item.code for item in grantable_items(firm)}
    assert {"XZCF", "XZXK", AUTHORISED_ITEM} <= codes
    assert "SHBXQJ" not in codes  # 政务共享: for government only
    assert "ZYZG_DX" not in codes  # a natural person's item


def test_only_active_agencies_and_banks_may_be_authorised(
    bank: Grantee, agency: Grantee, other_bank: Grantee
) -> None:
    update_organisation(other_bank.organisation, is_active=False)
    found = grantable_organisations()
    assert {o.pk for o in found} == {bank.organisation.pk, agency.organisation.pk}


def test_a_grant_runs_from_today_and_is_audited(firm: Subject, bank: Grantee) -> None:
    consent = grant(
        owner(firm),
        organisation=bank.organisation,
        item_codes=[" XZCF ", AUTHORISED_ITEM, "XZCF"],
        purpose="流动资金贷款审查，法定代表人 120101197001010019",
        valid_until=in_days(60),
        reference="loan-17",
    )
    assert consent.item_codes == ["XZCF", AUTHORISED_ITEM]
    assert consent.valid_from == in_days(0) and consent.valid_until == in_days(60)
    assert consent.state() == ConsentState.ACTIVE
    assert "120101197001010019" not in consent.purpose  # ID numbers in free text are masked
    assert consent.number.startswith(f"SQ{in_days(0).year}")
    [entry] = entries_for("consents.consent", consent.public_id)
    assert entry.action == "consent.grant" and entry.organisation_id == bank.organisation.pk
    after = entry.after or {}
    assert (after["subject"], after["items"]) == (firm.public_id, consent.item_codes)


def test_the_longest_grant_is_a_year(firm: Subject, bank: Grantee) -> None:
    latest = one_year_after(in_days(0))
    consent = grant(
        owner(firm),
        organisation=bank.organisation,
        item_codes=["XZXK"],
        purpose="授信",
        valid_until=latest,
    )
    assert consent.valid_until == latest


def test_one_year_after_a_leap_day_is_the_last_of_february() -> None:
    assert one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)
    assert one_year_after(date(2026, 11, 27)) == date(2027, 11, 27)


BAD_GRANTS: list[tuple[str, dict[str, Any]]] = [
    ("consent.items", {"item_codes": []}),
    ("consent.items", {"item_codes": ["SHBXQJ"]}),
    ("consent.items", {"item_codes": ["XZCF", "NO_SUCH"]}),
    ("consent.purpose.missing", {"purpose": "  "}),
    ("consent.purpose.too_long", {"purpose": "用" * 201}),
    ("consent.reference.too_long", {"reference": "r" * 65}),
    ("consent.period", {"valid_until": in_days(-1)}),
    ("consent.period", {"valid_until": one_year_after(in_days(1))}),
]


@pytest.mark.parametrize(("reason", "change"), BAD_GRANTS)
def test_bad_input_is_refused_and_changes_nothing(
    firm: Subject, bank: Grantee, reason: str, change: dict[str, Any]
) -> None:
    member = owner(firm)
    before = (Consent.objects.count(), AuditEntry.objects.count())
    arguments: dict[str, Any] = {
        "organisation": bank.organisation,
        "item_codes": ["XZCF"],
        "purpose": "授信审查",
        "valid_until": in_days(30),
        **change,
    }
    with pytest.raises(ConsentError) as refused:
        grant(member, **arguments)
    assert refused.value.code == reason
    assert (Consent.objects.count(), AuditEntry.objects.count()) == before


def test_only_agencies_and_banks_that_are_active_may_be_granted(
    firm: Subject, bank: Grantee
) -> None:
    member = owner(firm)
    department = Organisation.objects.filter(kind="department").order_by("pk")[0]
    with pytest.raises(ConsentError) as refused:
        grant(member, organisation=department, item_codes=["XZCF"], purpose="x",
              valid_until=in_days(5))  # fmt: skip
    assert refused.value.code == "consent.organisation_kind"
    update_organisation(bank.organisation, is_active=False)
    with pytest.raises(ConsentError) as refused:
        grant(member, organisation=bank.organisation, item_codes=["XZCF"], purpose="x",
              valid_until=in_days(5))  # fmt: skip
    assert refused.value.code == "consent.organisation_inactive"
    assert not Consent.objects.exists()


def test_a_stopped_staff_member_cannot_grant(firm: Subject, bank: Grantee) -> None:
    member = owner(firm)
    member.is_active = False
    with pytest.raises(ConsentError) as refused:
        grant(member, organisation=bank.organisation, item_codes=["XZCF"], purpose="x",
              valid_until=in_days(5))  # fmt: skip
    assert refused.value.code == "consent.member"


def test_revocation_is_immediate_audited_and_final(firm: Subject, consent: Consent) -> None:
    member = owner(firm)
    revoked = revoke(member, consent.public_id)
    assert revoked.revoked_at is not None and revoked.revoked_by == member
    assert revoked.state() == ConsentState.REVOKED
    actions = [e.action for e in entries_for("consents.consent", consent.public_id)]
    assert actions == ["consent.grant", "consent.revoke"]
    with pytest.raises(ConsentError) as refused:
        revoke(member, consent.public_id)
    assert refused.value.code == "consent.revoked"
    assert len(entries_for("consents.consent", consent.public_id)) == 2


def test_a_subject_cannot_revoke_another_subjects_consent(consent: Consent) -> None:
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    land(market, "XZCF", [penalty("津市监罚〔2026〕799号", company(2))])
    other = Subject.objects.get(uscc=uscc(2))
    with pytest.raises(ConsentError) as refused:
        revoke(owner(other), consent.public_id)
    assert refused.value.code == "consent.none"
    consent.refresh_from_db()
    assert consent.revoked_at is None
