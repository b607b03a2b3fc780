"""Fixtures for the financing tests: the Tianjin policy, company 1's penalty landed through
the real pipeline, two banks (and an agency, which is not a bank) with staff, credit office
and department staff, and helpers to publish a request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, market, penalty, policy, var_dir
from xinyong.accounts.models import Organisation
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_organisation, create_staff_user
from xinyong.core.permissions import Viewer
from xinyong.financing import services
from xinyong.financing.models import BankReview, FinancingRequest
from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.subjects.models import Subject

__all__ = ["market", "policy", "var_dir"]  # fixtures used by name

PENALTY_DOC = "津市监罚〔2026〕801号"


@dataclass(frozen=True)
class Bank:
    organisation: Organisation
    clerk: Viewer  # an operator: reads profiles and decides
    auditor: Viewer  # sees the queue, decides nothing


@dataclass(frozen=True)
class World:
    first: Bank
    second: Bank
    third: Bank
    agency: Organisation
    credit: Viewer  # 信用办 operator: oversees the figures
    department: Viewer  # 市场监管 reviewer: no business here
    company: Subject
    member: SubjectMember


def owner(subject: Subject) -> SubjectMember:
    """The subject's own account member (as its first sign-in creates it)."""
    member, _created = SubjectMember.objects.get_or_create(subject=subject, role=MemberRole.OWNER)
    return member


def _staff(org: Organisation, name: str, role: str) -> Viewer:
    return viewer_for_user(create_staff_user(organisation=org, username=name, roles=[role]))


def make_bank(n: int, name: str) -> Bank:
    organisation = create_organisation(uscc=uscc(n), name=name, kind="bank")
    return Bank(
        organisation,
        clerk=_staff(organisation, f"bank{n}_clerk", "operator"),
        auditor=_staff(organisation, f"bank{n}_auditor", "auditor"),
    )


def landed_company(market: Organisation, n: int, doc: str) -> Subject:
    """Company `n` with one published penalty."""
    land(market, "XZCF", [penalty(doc, company(n))])
    return Subject.objects.get(uscc=uscc(n))


@pytest.fixture
def world(policy: None, market: Organisation) -> World:
    credit = Organisation.objects.filter(kind="credit_office").order_by("pk")[0]
    subject = landed_company(market, 1, PENALTY_DOC)
    return World(
        first=make_bank(901, "天津第一测试银行"),
        second=make_bank(902, "天津第二测试银行"),
        third=make_bank(903, "天津第三测试银行"),
        agency=create_organisation(uscc=uscc(904), name="天津测试征信有限公司", kind="agency"),
        credit=_staff(credit, "credit_operator", "operator"),
        department=_staff(market, "market_reviewer", "reviewer"),
        company=subject,
        member=owner(subject),
    )


def publish(
    member: SubjectMember,
    banks: Sequence[Bank],
    *,
    amount: str = "200",
    term: int = 12,
    purpose: str = "补充流动资金",
) -> FinancingRequest:
    return services.publish(
        member,
        amount=amount,
        term_months=term,
        purpose=purpose,
        bank_ids=[bank.organisation.pk for bank in banks],
    )


def review(request: FinancingRequest, bank: Bank) -> BankReview:
    return BankReview.objects.select_related("request", "consent").get(
        request=request, organisation=bank.organisation
    )
