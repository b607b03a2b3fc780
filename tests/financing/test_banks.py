"""A bank's side: it sees only the requests addressed to it, opens the authorised profile
(each opening one entry in the subject's access log), and records decisions, of which the
subject is told; another bank, an auditor, a withdrawn request or a revoked consent is
refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.financing.conftest import PENALTY_DOC, World, publish, review
from xinyong.consents import services as consents
from xinyong.core.models import AuditEntry
from xinyong.financing import services
from xinyong.financing.models import BankReview, FinancingRequest, ReviewDecision, ReviewStatus
from xinyong.rights.models import Notification
from xinyong.subjects.models import AccessKind, SubjectAccess


def test_a_bank_sees_only_the_requests_addressed_to_it(world: World) -> None:
    to_first = publish(world.member, [world.first])
    to_both = publish(world.member, [world.first, world.second], purpose="购置设备")

    first_queue = services.bank_queue(world.first.clerk)
    second_queue = services.bank_queue(world.second.clerk)

    assert {r.request_id for r in first_queue} == {to_first.pk, to_both.pk}
    assert [r.request_id for r in second_queue] == [to_both.pk]
    assert all(r.organisation_id == world.second.organisation.pk for r in second_queue)
    assert services.review_for(world.second.clerk, to_first.public_id) is None
    assert services.review_for(world.third.clerk, to_both.public_id) is None
    assert not FinancingRequest.objects.restrict(world.third.clerk).exists()
    assert list(BankReview.objects.restrict(world.second.auditor)) == list(second_queue)
    assert services.bank_queue(world.department).count() == 0
    assert BankReview.objects.restrict(world.credit).count() == 3


def test_opening_the_profile_lands_in_the_subjects_access_log(world: World) -> None:
    request = publish(world.member, [world.first])
    mine = review(request, world.first)

    view = services.read_profile(world.first.clerk, mine)

    groups = {group.code: group for _disclosure, group in view.groups}
    assert set(groups) == set(request.item_codes)
    assert [r.doc_no for r in groups["XZCF"].records] == [PENALTY_DOC]
    access = SubjectAccess.objects.get(subject=world.company)
    assert access.kind == AccessKind.AUTHORISED
    assert access.organisation_id == world.first.organisation.pk
    assert access.reference == request.number
    assert mine.consent.number in access.legal_basis
    services.read_profile(world.first.clerk, mine)
    assert SubjectAccess.objects.filter(subject=world.company).count() == 2


@pytest.mark.parametrize("who", ["second_clerk", "first_auditor", "credit", "department"])
def test_only_the_addressed_banks_deciding_staff_read_or_decide(world: World, who: str) -> None:
    viewer = {
        "second_clerk": world.second.clerk,
        "first_auditor": world.first.auditor,
        "credit": world.credit,
        "department": world.department,
    }[who]
    mine = review(publish(world.member, [world.first, world.second]), world.first)

    with pytest.raises(services.FinancingError) as read:
        services.read_profile(viewer, mine)
    with pytest.raises(services.FinancingError) as decided:
        services.decide(viewer, mine, ReviewStatus.ACCEPTED)

    assert read.value.reason == decided.value.reason == "financing.not_your_bank"
    assert not SubjectAccess.objects.exists() and not ReviewDecision.objects.exists()


def test_a_withdrawn_request_or_revoked_consent_is_not_read(world: World) -> None:
    request = publish(world.member, [world.first, world.second])
    consents.revoke(world.member, review(request, world.first).consent.public_id)

    with pytest.raises(services.FinancingError) as revoked:
        services.read_profile(world.first.clerk, review(request, world.first))
    assert revoked.value.reason == "consent.revoked"

    services.withdraw(world.member, request.public_id)
    second = review(request, world.second)
    with pytest.raises(services.FinancingError) as withdrawn:
        services.read_profile(world.second.clerk, second)
    with pytest.raises(services.FinancingError) as late:
        services.decide(world.second.clerk, second, ReviewStatus.ACCEPTED)
    assert withdrawn.value.reason == late.value.reason == "financing.withdrawn"
    assert not SubjectAccess.objects.exists()


def test_decisions_are_recorded_audited_and_sent_to_the_subject(world: World) -> None:
    request = publish(world.member, [world.first])
    mine = review(request, world.first)
    today = timezone.localdate()

    services.decide(world.first.clerk, mine, ReviewStatus.ACCEPTED, note="客户经理将联系")
    loan = services.decide(
        world.first.clerk,
        mine,
        ReviewStatus.GRANTED,
        loan_amount="180",
        loan_rate="3.65",
        loan_term_months="12",
        loan_date=today,
    )

    mine.refresh_from_db()
    assert mine.status == ReviewStatus.GRANTED and mine.is_final
    assert (loan.loan_amount, loan.loan_rate, loan.loan_term_months, loan.loan_date) == (
        Decimal("180.00"),
        Decimal("3.65"),
        12,
        today,
    )
    assert loan.decided_by_id == world.first.clerk.user_id
    entries = AuditEntry.objects.filter(action="financing.decide").order_by("seq")
    logged = [(e.organisation_id, e.after or {}) for e in entries]
    assert [after["decision"] for _org, after in logged] == ["accepted", "granted"]
    assert logged[1] == (
        world.first.organisation.pk,
        {
            **logged[1][1],
            "loan": {
                "amount": "180.00",
                "rate": "3.65",
                "term_months": 12,
                "date": today.isoformat(),
            },
        },
    )
    titles = list(
        Notification.objects.filter(subject=world.company, title__contains=request.number)
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert titles[-2:] == [
        f"融资需求 {request.number}：天津第一测试银行 已受理",
        f"融资需求 {request.number}：天津第一测试银行 已放款",
    ]
    with pytest.raises(services.FinancingError) as closed:
        services.decide(world.first.clerk, mine, ReviewStatus.DECLINED, note="晚了")
    assert closed.value.reason == "financing.status"


LOAN = {
    "loan_amount": "100",
    "loan_rate": "4.2",
    "loan_term_months": 12,
    "loan_date": None,  # today, set in the test
}


@pytest.mark.parametrize(
    ("status", "values", "reason"),
    [
        (ReviewStatus.GRANTED, LOAN, "financing.status"),  # not accepted yet
        (ReviewStatus.MORE_INFO, {"note": "营业执照"}, "financing.status"),
        ("approved", {}, "financing.status"),
        (ReviewStatus.DECLINED, {"note": " "}, "financing.missing"),
    ],
)
def test_a_decision_out_of_turn_or_without_its_reason_is_refused(
    world: World, status: str, values: dict[str, Any], reason: str
) -> None:
    mine = review(publish(world.member, [world.first]), world.first)
    if "loan_date" in values:
        values = {**values, "loan_date": timezone.localdate()}

    with pytest.raises(services.FinancingError) as refused:
        services.decide(world.first.clerk, mine, status, **values)

    assert refused.value.reason == reason
    assert not ReviewDecision.objects.exists()
    assert BankReview.objects.get().status == ReviewStatus.PENDING


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"loan_amount": None}, "financing.loan_amount"),
        ({"loan_amount": "-5"}, "financing.loan_amount"),
        ({"loan_rate": "0"}, "financing.loan_rate"),
        ({"loan_rate": "36"}, "financing.loan_rate"),
        ({"loan_term_months": 0}, "financing.loan_term"),
        ({"loan_date": None}, "financing.loan_date"),
        ({"loan_date": "tomorrow"}, "financing.loan_date"),
        ({"loan_date": "before"}, "financing.loan_date"),
    ],
)
def test_a_loan_without_sound_terms_is_refused(
    world: World, change: dict[str, Any], reason: str
) -> None:
    mine = review(publish(world.member, [world.first]), world.first)
    services.decide(world.first.clerk, mine, ReviewStatus.ACCEPTED)
    today = timezone.localdate()
    values = {**LOAN, "loan_date": today, **change}
    if values["loan_date"] == "tomorrow":
        values["loan_date"] = today + timedelta(days=1)
    elif values["loan_date"] == "before":
        values["loan_date"] = today - timedelta(days=1)

    with pytest.raises(services.FinancingError) as refused:
        services.decide(world.first.clerk, mine, ReviewStatus.GRANTED, **values)

    assert refused.value.reason == reason
    assert BankReview.objects.get().status == ReviewStatus.ACCEPTED
    assert ReviewDecision.objects.count() == 1
