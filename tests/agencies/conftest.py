"""Fixtures of the agency tests: the credit office and a department with staff (made through
the account services, no policy needed), and the details of the agencies filed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_organisation, create_staff_user
from xinyong.agencies.models import AgencyFiling, AgencyStatus
from xinyong.agencies.services import AgencyDetails, file_agency
from xinyong.core.identifiers import make_uscc
from xinyong.core.permissions import Viewer

CREDIT_OFFICE = "天津市社会信用体系建设领导小组办公室"
AGENCY = make_uscc("9", "1", "120101", "MA0AG001")
OTHER_AGENCY = make_uscc("9", "1", "120102", "MA0AG002")
THIRD_AGENCY = make_uscc("9", "1", "120104", "MA0AG003")
PASSWORD = "后台-备案-口令-2026"


def details(**changes: Any) -> AgencyDetails:
    """The details of a credit-reporting agency, with `changes`."""
    base = AgencyDetails(
        name="天津诚信征信服务有限公司",
        authority=CREDIT_OFFICE,
        address="天津市和平区南京路 189 号",
        legal_representative="赵明远",
        scopes=["credit_reporting", "credit_investigation"],
        contact_phone="022-23301188",
    )
    return replace(base, **changes)


@dataclass(frozen=True)
class Staff:
    operator: Viewer  # 信用办 operator: files, changes and cancels
    auditor: Viewer  # 信用办 auditor: reads only
    clerk: Viewer  # a department's operator: no business here
    credit_office: Organisation
    department: Organisation


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    settings.XINYONG_VAR_DIR = path
    return path


def _viewer(organisation: Organisation, username: str, role: str) -> Viewer:
    user = create_staff_user(
        organisation=organisation, username=username, roles=[role], password=PASSWORD
    )
    return viewer_for_user(user)


@pytest.fixture
def staff(db: None, var_dir: Path) -> Staff:
    credit = create_organisation(
        uscc=make_uscc("1", "1", "120000", "MB0C0001"),
        name=CREDIT_OFFICE,
        short_name="市信用办",
        kind=OrganisationKind.CREDIT_OFFICE,
    )
    department = create_organisation(
        uscc=make_uscc("1", "1", "120000", "MB0D0002"),
        name="天津市市场监督管理委员会",
        short_name="市市场监管委",
        kind=OrganisationKind.DEPARTMENT,
    )
    return Staff(
        operator=_viewer(credit, "credit_operator", "operator"),
        auditor=_viewer(credit, "credit_auditor", "auditor"),
        clerk=_viewer(department, "market_clerk", "operator"),
        credit_office=credit,
        department=department,
    )


@pytest.fixture
def filing(staff: Staff) -> AgencyFiling:
    """A filed credit-reporting agency."""
    filed = file_agency(staff.operator, uscc=AGENCY, details=details())
    assert filed.status == AgencyStatus.FILED
    return filed
