"""Fixtures of the commitment tests: the Tianjin policy, subjects the platform holds (a
company and a person, linked as the pipeline links them), staff of accepting units and of
the credit office, and helpers that sign and register commitments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.catalog.conftest import edit_yaml, policy_dir
from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import policy, var_dir
from xinyong.accounts.models import Organisation
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_staff_user
from xinyong.commitments import policy as commitment_policy_module
from xinyong.commitments import services
from xinyong.commitments.models import Commitment
from xinyong.core.permissions import Viewer
from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.subjects.models import Subject
from xinyong.subjects.services import SubjectIdentifiers, link

__all__ = ["edit_yaml", "policy", "policy_dir", "var_dir"]  # fixtures used by name

FIRM_NAME = "天津市承诺测试有限公司"
PERSON_NAME = "赵承诺"
PERSON_ID = citizen_id(7, born="19800101")


@dataclass(frozen=True)
class Staff:
    market: Viewer  # 市市场监管委 reviewer: accepts and acts on its commitments
    market_submitter: Viewer  # same department, no acting role
    tax: Viewer  # 市税务局 operator: another accepting unit
    credit: Viewer  # 市信用办 operator: oversees every unit
    court: Viewer  # a court's operator: not an accepting unit
    market_org: Organisation
    tax_org: Organisation


def _department(sector: str) -> Organisation:
    return Organisation.objects.filter(kind="department", sector=sector).order_by("pk")[0]


def _viewer(organisation: Organisation, username: str, role: str) -> Viewer:
    return viewer_for_user(
        create_staff_user(organisation=organisation, username=username, roles=[role])
    )


@pytest.fixture
def staff(policy: None) -> Staff:
    market, tax = _department("market_regulation"), _department("tax")
    credit = Organisation.objects.get(kind="credit_office")
    court = Organisation.objects.filter(kind="court").order_by("pk")[0]
    return Staff(
        market=_viewer(market, "market_reviewer", "reviewer"),
        market_submitter=_viewer(market, "market_submitter", "submitter"),
        tax=_viewer(tax, "tax_operator", "operator"),
        credit=_viewer(credit, "credit_operator", "operator"),
        court=_viewer(court, "court_operator", "operator"),
        market_org=market,
        tax_org=tax,
    )


@pytest.fixture
def firm(policy: None) -> Subject:
    """A company the platform holds (linked as any record's subject is)."""
    found = link(SubjectIdentifiers(uscc=uscc(1)), name=FIRM_NAME, source="test").subject
    assert found is not None
    return found


@pytest.fixture
def person(policy: None) -> Subject:
    """A natural person the platform holds (ID number encrypted and hashed by the linkage)."""
    found = link(SubjectIdentifiers(citizen_id=PERSON_ID), name=PERSON_NAME, source="test").subject
    assert found is not None
    return found


def owner(subject: Subject) -> SubjectMember:
    member, _created = SubjectMember.objects.get_or_create(subject=subject, role=MemberRole.OWNER)
    return member


def sign(
    subject: Subject,
    organisation: Organisation,
    *,
    type_code: str = "approval",
    matter: str = "食品经营许可（告知承诺制）",
    legal_rep: str = "王建国",
) -> Commitment:
    """Sign a commitment as `subject`'s owner, as the account pages do: draft, then sign
    with the hash of the text shown."""
    member = owner(subject)
    shown = services.draft(
        member, type_code=type_code, organisation_id=organisation.pk, matter=matter
    )
    return services.sign(
        member,
        type_code=type_code,
        organisation_id=organisation.pk,
        matter=matter,
        legal_rep=legal_rep,
        agreed=True,
        text_sha256=shown.sha256,
    )


def register(viewer: Viewer, subject: Subject, **overrides: Any) -> Commitment:
    """Register a commitment for an organisation subject, as a department does."""
    values: dict[str, Any] = {
        "code": subject.uscc,
        "name": subject.name,
        "type_code": "approval",
        "matter": "食品生产许可（告知承诺制）",
        "reference": "JSP202600001",
        "legal_rep": "王建国",
        "checked": True,
    }
    values.update(overrides)
    return services.register(viewer, **values)


@pytest.fixture
def own_policy(policy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the commitment services on a private copy of the policy folder, which a test
    changes with `edit_yaml("commitments.yaml", change)`."""
    monkeypatch.setattr(commitment_policy_module, "default_policy_dir", lambda: policy_dir)
    return policy_dir
