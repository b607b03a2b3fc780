"""Fixtures for the objection tests: the Tianjin policy, records landed through the real
pipeline (companies' penalties from market regulation, one under a catalogue that withholds
records under objection), staff of the source and other departments and of the credit office,
and subjects' account members."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.catalog.conftest import edit_yaml, policy_dir
from tests.records.test_public_fixtures import (
    company,
    days_ago,
    land,
    market,
    penalty,
    policy,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_staff_user
from xinyong.catalog.services import load_policy
from xinyong.core.permissions import Viewer
from xinyong.records.models import Record
from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.subjects.models import Subject

__all__ = ["company", "days_ago", "edit_yaml", "land", "market", "penalty", "policy",
           "policy_dir", "var_dir"]  # fixtures used by name, helpers for the tests  # fmt: skip

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Staff:
    market: Viewer  # 市场监管委 reviewer: answers objections to its records
    market_submitter: Viewer  # same department, no answering role
    tax: Viewer  # 税务局 operator: another department
    credit: Viewer  # 信用办 operator: oversees every department


def _department(sector: str) -> Organisation:
    return Organisation.objects.filter(kind="department", sector=sector).order_by("pk")[0]


def _member(org: Organisation, name: str, role: str) -> Viewer:
    return viewer_for_user(create_staff_user(organisation=org, username=name, roles=[role]))


@pytest.fixture
def staff(policy: None) -> Staff:
    credit = Organisation.objects.filter(kind="credit_office").order_by("pk")[0]
    return Staff(
        market=_member(_department("market_regulation"), "market_reviewer", "reviewer"),
        market_submitter=_member(_department("market_regulation"), "market_sub", "submitter"),
        tax=_member(_department("tax"), "tax_operator", "operator"),
        credit=_member(credit, "credit_operator", "operator"),
    )


@pytest.fixture
def penalty_record(market: Organisation) -> Record:
    """A published general penalty about company 1 (marked, not withheld, under objection)."""
    land(market, "XZCF", [penalty("津市监罚〔2026〕101号", company(1))])
    return Record.objects.get(doc_no="津市监罚〔2026〕101号")


@pytest.fixture
def other_record(market: Organisation) -> Record:
    """A penalty about company 2."""
    land(market, "XZCF", [penalty("津市监罚〔2026〕202号", company(2))])
    return Record.objects.get(doc_no="津市监罚〔2026〕202号")


@pytest.fixture
def withheld_record(
    market: Organisation, policy_dir: Path, edit_yaml: Callable[..., None]
) -> Record:
    """A penalty about company 5 under a catalogue whose 行政处罚 item withholds records
    under objection (the Tianjin catalogue marks them)."""

    def withhold(data: dict[str, Any]) -> None:
        item = next(i for i in data["items"] if i["code"] == "XZCF")
        item["objection"] = "withhold"

    edit_yaml("catalog.yaml", withhold)
    load_policy(policy_dir)
    land(market, "XZCF", [penalty("津市监罚〔2026〕505号", company(5))])
    return Record.objects.get(doc_no="津市监罚〔2026〕505号")


def owner(subject: Subject) -> SubjectMember:
    member, _created = SubjectMember.objects.get_or_create(subject=subject, role=MemberRole.OWNER)
    return member


def pdf_upload(name: str = "证明.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")
