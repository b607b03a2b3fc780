"""Fixtures of the repairs tests: the Tianjin policy, staff of the credit office and of the
deciding departments, records landed through the real pipeline, account members, and proof
files as a browser uploads them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.lists.conftest import Staff, policy, staff, var_dir
from tests.records.test_public_fixtures import company, days_ago, land, penalty, wage_arrears
from xinyong.accounts.models import Organisation
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_staff_user
from xinyong.core.permissions import Viewer
from xinyong.lists.models import ListEntry
from xinyong.records import events
from xinyong.records.models import Record
from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.subjects.models import Subject

__all__ = ["days_ago", "policy", "staff", "var_dir"]  # fixtures used by name

D = datetime.date.fromisoformat
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Office:
    credit: Viewer  # 市信用办 operator: checks and forwards
    market: Viewer  # 市市场监管委 operator: decides its own findings
    tax: Viewer  # 市税务局 operator: another department
    hrss: Viewer  # 市人社局 operator
    market_org: Organisation
    hrss_org: Organisation


def proof(name: str = "缴款凭证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _viewer(organisation: Organisation, username: str, role: str = "operator") -> Viewer:
    return viewer_for_user(
        create_staff_user(organisation=organisation, username=username, roles=[role])
    )


@pytest.fixture
def office(staff: Staff) -> Office:
    credit = Organisation.objects.filter(kind="credit_office").order_by("pk")[0]
    hrss = Organisation.objects.filter(sector="human_resources_social_security")[0]
    return Office(
        credit=_viewer(credit, "credit_op"),
        market=staff.market,
        tax=staff.tax,
        hrss=_viewer(hrss, "hrss_op"),
        market_org=staff.market_org,
        hrss_org=hrss,
    )


def member_of(subject: Subject) -> SubjectMember:
    member, _created = SubjectMember.objects.get_or_create(subject=subject, role=MemberRole.OWNER)
    return member


def listing_row(market: Organisation, n: int, listed_on: datetime.date) -> dict[str, Any]:
    """A 市场监督管理严重违法失信名单 decision about company `n` (lands as a list entry)."""
    return {
        **company(n, name=f"天津市修复测试{n}有限公司"),
        "listing_doc_no": f"津市监列〔2025〕{n}号",
        "listing_reason": "提交虚假材料取得许可",
        "listing_basis": "《市场监督管理严重违法失信名单管理办法》第九条",
        "listing_date": listed_on.isoformat(),
        "listing_authority": market.name,
        "listing_authority_uscc": market.uscc,
        "source_unit": market.name,
        "source_unit_uscc": market.uscc,
    }


def land_listing(market: Organisation, n: int, listed_on: datetime.date) -> Record:
    land(market, "YZSX_SCJG", [listing_row(market, n, listed_on)])
    events.process_pending()
    record = Record.objects.get(doc_no=f"津市监列〔2025〕{n}号")
    assert ListEntry.objects.filter(record=record).exists()
    return record


def land_penalty(
    market: Organisation, n: int, *, decided: datetime.date, types: str = "罚款"
) -> Record:
    doc = f"津市监罚〔2026〕{n}号"
    land(
        market,
        "XZCF",
        [penalty(doc, company(n, name=f"天津市修复测试{n}有限公司"), decided=decided, types=types)],
    )
    return Record.objects.get(doc_no=doc)


def land_wage_arrears(hrss: Organisation, n: int) -> Record:
    doc = f"津人社处〔2026〕{n}号"
    land(hrss, "TQNMGGZ", [wage_arrears(doc, company(n, name=f"天津市修复测试{n}有限公司"), hrss)])
    return Record.objects.get(doc_no=doc)


@pytest.fixture
def listed(office: Office) -> Record:
    """A company on the market serious-illegal list since 400 days ago (repairable: the
    shortest period of a serious finding is one year)."""
    return land_listing(office.market_org, 11, days_ago(400))


@pytest.fixture
def fined(office: Office) -> Record:
    """A general penalty (a fine) of 120 days ago: repairable after three months."""
    return land_penalty(office.market_org, 12, decided=days_ago(120))
