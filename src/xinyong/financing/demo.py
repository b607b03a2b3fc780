"""Demo data of financing matchmaking: the demo company (the one the demo signs in as)
publishes a request to the demo bank, which accepts it; a second company's request has been
granted a loan, so the statistics pages show figures.

Run after the agencies' demo seed (which creates the bank and its `demo_bank` operator).
Idempotent: a company that already has a request is left alone; without a bank or a
company nothing is made.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from xinyong.accounts.models import Organisation, OrganisationKind, User
from xinyong.accounts.permissions import viewer_for_user
from xinyong.demo.services import account_example
from xinyong.financing import services
from xinyong.financing.models import BankReview, FinancingRequest, ReviewStatus
from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.subjects.models import Subject, SubjectKind

BANK_USER = "demo_bank"


def _owner(subject: Subject) -> SubjectMember:
    """The company's own account member, as its first sign-in would create it."""
    member, _created = SubjectMember.objects.get_or_create(subject=subject, role=MemberRole.OWNER)
    return member


def _second_company(first: Subject) -> Subject | None:
    companies = Subject.objects.filter(kind=SubjectKind.LEGAL_PERSON, uscc__gt="").exclude(
        pk=first.pk
    )
    return companies.order_by("uscc").first()


def _publish(company: Subject, bank: Organisation, amount: str, purpose: str) -> BankReview:
    request = services.publish(
        _owner(company),
        amount=Decimal(amount),
        term_months=12,
        purpose=purpose,
        bank_ids=[bank.pk],
    )
    return BankReview.objects.select_related("request").get(request=request)


def seed() -> None:
    """The demo requests, and the bank's decisions when its operator exists."""
    bank = (
        Organisation.objects.filter(kind=OrganisationKind.BANK, is_active=True)
        .order_by("pk")
        .first()
    )
    company = account_example()
    if bank is None or company is None:
        return
    clerk = User.objects.filter(username=BANK_USER, organisation=bank).first()
    viewer = viewer_for_user(clerk) if clerk is not None else None
    if not FinancingRequest.objects.filter(subject=company).exists():
        review = _publish(company, bank, "300", "采购原材料，补充流动资金（演示）")
        if viewer is not None:
            services.decide(
                viewer, review, ReviewStatus.ACCEPTED, note="已受理，客户经理将联系贵司"
            )
    second = _second_company(company)
    if second is None or FinancingRequest.objects.filter(subject=second).exists():
        return
    review = _publish(second, bank, "120", "购置生产设备（演示）")
    if viewer is not None:
        services.decide(viewer, review, ReviewStatus.ACCEPTED)
        services.decide(
            viewer,
            review,
            ReviewStatus.GRANTED,
            loan_amount="100",
            loan_rate="3.85",
            loan_term_months=12,
            loan_date=timezone.localdate(),
        )
