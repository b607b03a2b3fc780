"""Publishing and withdrawing a financing request: a consent for each chosen bank and for no
other, over the policy's profile items the subject may grant, until the request's end; bad
input refused with nothing written; withdrawal revokes the consents at once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.catalog.conftest import Editor, edit_yaml, policy_dir
from tests.financing.conftest import World, landed_company, owner, publish, review
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, market, penalty, person
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import update_organisation
from xinyong.catalog.services import load_policy
from xinyong.consents import services as consents
from xinyong.consents.models import Consent
from xinyong.core.models import AuditEntry
from xinyong.financing import services
from xinyong.financing.models import FinancingRequest, RequestState
from xinyong.financing.policy import financing_policy
from xinyong.rights.models import Notification
from xinyong.subjects.models import Subject, SubjectKind

__all__ = ["edit_yaml", "market", "policy_dir"]  # fixtures used by name

PUBLIC_PROFILE = [
    "XZXK", "XZCF", "JYYC", "YZSX_SCJG", "YZSX_SW", "YZSX_AQSC", "YZSX_LDBZ", "SXBZX",
    "NSXY_A", "NSXYPJ", "SBJF", "SXJL", "XYCN", "WBXYCN",
]  # fmt: skip
"""The profile of a company under the packaged catalogue (NSXYPJ and SBJF are 授权查询):
TQNMGGZ and SHBXQJ are 政务共享, so not granted."""


def test_publishing_grants_the_chosen_banks_and_no_other(world: World) -> None:
    request = publish(world.member, [world.first, world.second], amount="250.5", term=18)

    assert request.number.startswith(f"RZ{timezone.localdate().year}")
    assert (request.amount, request.term_months) == (Decimal("250.50"), 18)
    assert request.item_codes == PUBLIC_PROFILE
    granted = Consent.objects.filter(subject=world.company).order_by("organisation_id")
    assert [c.organisation_id for c in granted] == [
        world.first.organisation.pk,
        world.second.organisation.pk,
    ]
    end = timezone.localdate() + timedelta(days=financing_policy().open_days)
    for consent in granted:
        assert consent.reference == f"financing:{request.number}"
        assert consent.item_codes == PUBLIC_PROFILE
        assert (consent.valid_until, consent.revoked_at) == (end, None)
    assert consents.active_consent(world.company, world.third.organisation) is None
    entry = AuditEntry.objects.get(action="financing.publish")
    assert entry.after is not None
    assert entry.after["banks"] == [world.first.organisation.pk, world.second.organisation.pk]
    assert entry.after["subject"] == world.company.public_id
    assert "补充流动资金" not in str(entry.after)  # no free text in the log
    assert Notification.objects.filter(subject=world.company, title__contains=request.number)


def test_an_authorised_item_joins_the_profile_once_the_catalogue_opens_it(
    world: World, policy_dir: Path, edit_yaml: Editor
) -> None:
    def authorise(data: dict[str, Any]) -> None:
        next(i for i in data["items"] if i["code"] == "TQNMGGZ")["disclosure"] = "authorised"

    edit_yaml("catalog.yaml", authorise)
    load_policy(policy_dir)

    request = publish(world.member, [world.first])

    # In the profile's order; SHBXQJ stays 政务共享.
    assert request.item_codes == [*PUBLIC_PROFILE, "TQNMGGZ"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"amount": "0"}, "financing.amount"),
        ({"amount": "100000.01"}, "financing.amount"),
        ({"amount": "12.345"}, "financing.amount"),
        ({"amount": "很多"}, "financing.amount"),
        ({"term_months": 0}, "financing.term"),
        ({"term_months": "十二"}, "financing.term"),
        ({"purpose": "   "}, "financing.missing"),
        ({"purpose": "用" * 201}, "financing.too_long"),
        ({"bank_ids": []}, "financing.no_bank"),
        ({"bank_ids": ["x"]}, "financing.bank"),
        ({"bank_ids": [10**9]}, "financing.bank"),
        ({"bank_ids": "agency"}, "financing.bank"),
        ({"bank_ids": "inactive"}, "financing.bank"),
        ({"bank_ids": "six"}, "financing.too_many_banks"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    world: World, change: dict[str, Any], reason: str
) -> None:
    values: dict[str, Any] = {
        "amount": "100",
        "term_months": 12,
        "purpose": "采购原材料",
        "bank_ids": [world.first.organisation.pk],
    }
    values.update(change)
    if values["bank_ids"] == "agency":
        values["bank_ids"] = [world.agency.pk]
    elif values["bank_ids"] == "inactive":
        update_organisation(world.second.organisation, is_active=False)
        values["bank_ids"] = [world.second.organisation.pk]
    elif values["bank_ids"] == "six":
        values["bank_ids"] = [world.first.organisation.pk + n for n in range(6)]
    audit_before = AuditEntry.objects.count()

    with pytest.raises(services.FinancingError) as refused:
        services.publish(world.member, **values)

    assert refused.value.reason == reason
    assert not FinancingRequest.objects.exists() and not Consent.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_person_may_not_publish(world: World, market: Organisation) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕811号", person(7))])
    someone = owner(Subject.objects.get(kind=SubjectKind.NATURAL_PERSON))

    assert not services.may_publish(someone)
    with pytest.raises(services.FinancingError) as refused:
        publish(someone, [world.first])
    assert refused.value.reason == "financing.subject_kind"
    assert not Consent.objects.exists()


def test_an_individual_business_may_publish(world: World, market: Organisation) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕812号", _individual_business(8))])
    shop = owner(Subject.objects.get(kind=SubjectKind.INDIVIDUAL_BUSINESS))

    request = publish(shop, [world.first])

    assert request.subject.kind == SubjectKind.INDIVIDUAL_BUSINESS
    assert review(request, world.first).consent.subject_id == shop.subject_id


def _individual_business(n: int) -> dict[str, Any]:
    return {
        **company(n, "天津市测试小吃店"),
        "subject_category": "个体工商户",
        "uscc": uscc(n, "92"),
    }


def test_withdrawal_revokes_every_consent_at_once(world: World) -> None:
    request = publish(world.member, [world.first, world.second])

    withdrawn = services.withdraw(world.member, request.public_id)

    assert withdrawn.state == RequestState.WITHDRAWN and withdrawn.withdrawn_by == world.member
    revoked = Consent.objects.filter(reference=request.reference)
    assert revoked.count() == 2 and all(c.revoked_at is not None for c in revoked)
    assert consents.active_consent(world.company, world.first.organisation) is None
    logged = AuditEntry.objects.get(action="financing.withdraw").after
    assert logged is not None
    assert sorted(logged["revoked_consents"]) == sorted(revoked.values_list("public_id", flat=True))
    with pytest.raises(services.FinancingError) as again:
        services.withdraw(world.member, request.public_id)
    assert again.value.reason == "financing.withdrawn"


def test_withdrawal_skips_a_consent_the_subject_revoked_itself(world: World) -> None:
    request = publish(world.member, [world.first, world.second])
    consents.revoke(world.member, review(request, world.first).consent.public_id)

    services.withdraw(world.member, request.public_id)

    assert not Consent.objects.filter(revoked_at__isnull=True).exists()


def test_another_subject_cannot_withdraw(world: World, market: Organisation) -> None:
    request = publish(world.member, [world.first])
    stranger = owner(landed_company(market, 2, "津市监罚〔2026〕813号"))

    with pytest.raises(services.FinancingError) as refused:
        services.withdraw(stranger, request.public_id)

    assert refused.value.reason == "financing.not_found"
    assert Consent.objects.get().revoked_at is None
