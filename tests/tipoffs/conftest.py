"""Fixtures for the tip-off tests: the Tianjin policy, staff of the credit office, of the
handling department (market regulation) and of another department (tax), a company the
platform holds (landed through the real pipeline), and helpers to file and fill forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, market, penalty, policy, var_dir
from xinyong.accounts.models import Organisation, User
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_staff_user
from xinyong.core.models import AuditEntry
from xinyong.core.permissions import Viewer
from xinyong.subjects.models import Subject
from xinyong.tipoffs.challenge import SESSION_KEY
from xinyong.tipoffs.services import Filed, Report, file_tipoff

__all__ = ["market", "policy", "var_dir"]  # fixtures used by name

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FACTS = "该公司在网店首页宣称产品获得国家专利，经查询并无相关专利。"
CONTACT = {
    "contact_name": "赵六一",
    "contact_mobile": "13912345678",
    "contact_email": "zl@example.org",
}
"""An informant's details: none of these strings may show up outside the handling department."""


@dataclass(frozen=True)
class Staff:
    credit: Viewer  # 信用办 operator: routes
    credit_auditor: Viewer  # 信用办 auditor: oversees, does not route
    market: Viewer  # 市场监管委 reviewer: handles what is routed to it
    market_auditor: Viewer  # same department, no handling role
    tax: Viewer  # 税务局 operator: another department

    @property
    def market_org(self) -> Organisation:
        return organisation_of(self.market)

    @property
    def tax_org(self) -> Organisation:
        return organisation_of(self.tax)


def organisation_of(viewer: Viewer) -> Organisation:
    assert viewer.organisation_id is not None
    return Organisation.objects.get(pk=viewer.organisation_id)


def audited(action: str) -> dict[str, Any]:
    """What the one audit entry of `action` says after the step."""
    after = AuditEntry.objects.get(action=action).after
    assert isinstance(after, dict)
    return after


def _department(sector: str) -> Organisation:
    return Organisation.objects.filter(kind="department", sector=sector).order_by("pk")[0]


def _member(org: Organisation, name: str, role: str) -> Viewer:
    user = create_staff_user(organisation=org, username=name, roles=[role], password="pw-tip-2026")
    return viewer_for_user(user)


@pytest.fixture
def staff(policy: None) -> Staff:
    credit = Organisation.objects.filter(kind="credit_office").order_by("pk")[0]
    return Staff(
        credit=_member(credit, "credit_operator", "operator"),
        credit_auditor=_member(credit, "credit_auditor", "auditor"),
        market=_member(_department("market_regulation"), "market_reviewer", "reviewer"),
        market_auditor=_member(_department("market_regulation"), "market_auditor", "auditor"),
        tax=_member(_department("tax"), "tax_operator", "operator"),
    )


@pytest.fixture
def held_company(market: Organisation) -> Subject:
    """Company 1, which the platform holds (a published penalty of market regulation)."""
    land(market, "XZCF", [penalty("津市监罚〔2026〕301号", company(1, "天津市海河贸易有限公司"))])
    return Subject.objects.get(uscc=uscc(1))


def report(**changes: Any) -> Report:
    """A report about company 1 (anonymous unless contact details are given)."""
    values: dict[str, Any] = {
        "category": "false_advertising",
        "reported_kind": "organisation",
        "reported_name": "天津市海河贸易有限公司",
        "reported_code": uscc(1),
        "facts": FACTS,
    }
    values |= changes
    if any(key.startswith("contact_") for key in changes):
        values.setdefault("anonymous", False)
    return Report(**values)


def file_with_contact(**changes: Any) -> Filed:
    return file_tipoff(report(**CONTACT, **changes))


def pdf_upload(name: str = "证据.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def staff_client(viewer: Viewer) -> Client:
    assert viewer.user_id is not None
    client = Client()
    client.force_login(User.objects.get(pk=viewer.user_id))
    return client


def challenge_answer(client: Client, page: str) -> dict[str, str]:
    """The hidden question id on a report form page and the answer the session holds."""
    found = re.search(r'name="challenge" value="([0-9a-f]+)"', page)
    assert found is not None, "no challenge on the page"
    question = found.group(1)
    answer = client.session[SESSION_KEY][question]["answer"]
    return {"challenge": question, "answer": str(answer)}


def form_data(**changes: Any) -> dict[str, Any]:
    """The public form's fields for an anonymous report about company 1."""
    data: dict[str, Any] = {
        "category": "false_advertising",
        "reported_kind": "organisation",
        "reported_name": "天津市海河贸易有限公司",
        "reported_code": uscc(1),
        "facts": FACTS,
        "anonymous": "on",
    }
    data |= changes
    return {key: value for key, value in data.items() if value is not None}
