"""Fixtures for the consent tests: the Tianjin policy with 拖欠农民工工资 made a 授权查询 item
(the packaged 授权查询 items are neutral; this gives a negative record of that class),
company 1's records landed through the real pipeline (a penalty, a licence, a wage-arrears
finding), a bank, an agency, a second bank and their tokens, and the company's own account
member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.catalog.conftest import Editor, edit_yaml, policy_dir
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import (
    company,
    land,
    licence,
    penalty,
    var_dir,
    wage_arrears,
)
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_organisation, create_token
from xinyong.catalog.services import load_policy
from xinyong.consents.models import Consent
from xinyong.consents.services import grant
from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.subjects.models import Subject

__all__ = ["edit_yaml", "policy_dir", "var_dir"]  # fixtures used by name

AUTHORISED_ITEM = "TQNMGGZ"
PENALTY_DOC = "津市监罚〔2026〕701号"
LICENCE_DOC = "津市监许〔2026〕702号"
ARREARS_DOC = "津人社处〔2026〕703号"
SCOPE = "records:read_authorised"


@dataclass(frozen=True)
class Grantee:
    organisation: Organisation
    token: str


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def owner(subject: Subject) -> SubjectMember:
    """The subject's own account member (as its first sign-in creates it)."""
    member, _created = SubjectMember.objects.get_or_create(subject=subject, role=MemberRole.OWNER)
    return member


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def make_grantee(n: int, kind: str, name: str, scopes: tuple[str, ...] = (SCOPE,)) -> Grantee:
    organisation = create_organisation(uscc=uscc(n), name=name, kind=kind)
    issued = create_token(organisation=organisation, scopes=scopes, name="test")
    return Grantee(organisation, issued.secret)


@pytest.fixture
def policy(db: None, var_dir: Path, policy_dir: Path, edit_yaml: Editor) -> None:
    """The Tianjin policy, with the wage-arrears item moved to the 授权查询 class."""

    def authorise(data: dict[str, Any]) -> None:
        item = next(i for i in data["items"] if i["code"] == AUTHORISED_ITEM)
        item["disclosure"] = "authorised"

    edit_yaml("catalog.yaml", authorise)
    load_policy(policy_dir)


@pytest.fixture
def firm(policy: None) -> Subject:
    """Company 1, with a public penalty and licence and an authorised-class wage finding."""
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    hrss = Organisation.objects.get(kind="department", sector="human_resources_social_security")
    subject = company(1, "天津市授权测试有限公司")
    land(market, "XZCF", [penalty(PENALTY_DOC, subject)])
    land(market, "XZXK", [licence(LICENCE_DOC, subject)])
    land(hrss, AUTHORISED_ITEM, [wage_arrears(ARREARS_DOC, subject, hrss)])
    return Subject.objects.get(uscc=uscc(1))


@pytest.fixture
def bank(policy: None) -> Grantee:
    return make_grantee(901, "bank", "天津测试银行股份有限公司")


@pytest.fixture
def other_bank(policy: None) -> Grantee:
    return make_grantee(902, "bank", "天津另一家银行股份有限公司")


@pytest.fixture
def agency(policy: None) -> Grantee:
    return make_grantee(903, "agency", "天津测试征信有限公司")


@pytest.fixture
def consent(firm: Subject, bank: Grantee) -> Consent:
    """Company 1 lets the bank read its penalties and wage arrears for 30 days."""
    return grant(
        owner(firm),
        organisation=bank.organisation,
        item_codes=["XZCF", AUTHORISED_ITEM],
        purpose="流动资金贷款审查",
        valid_until=in_days(30),
    )
