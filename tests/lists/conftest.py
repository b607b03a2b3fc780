"""Fixtures for the lists tests: the Tianjin policy loaded, deciding departments with staff,
subjects to list, and the notices and decisions the procedure takes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.catalog.conftest import edit_yaml, policy_dir  # noqa: F401 - shared fixtures
from xinyong.accounts.models import Organisation
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_staff_user
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.core.identifiers import make_uscc
from xinyong.core.permissions import Viewer
from xinyong.lists.services import Decision, Notice
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.services import SubjectIdentifiers, link

D = datetime.date.fromisoformat


@dataclass(frozen=True)
class Staff:
    market: Viewer  # 市场监管委 operator: decides 市场监督管理严重违法失信名单
    market_submitter: Viewer  # same department, no acting role
    tax: Viewer  # 税务局 operator: decides 纳税信用A级 and 重大税收违法失信主体
    emergency: Viewer  # 应急局 operator: decides 安全生产严重失信主体名单
    market_org: Organisation


def company(n: int, kind: str = SubjectKind.LEGAL_PERSON) -> Subject:
    """A subject to list: a company found by its code (as the pipeline would find it), or a
    person without any identifier."""
    if kind == SubjectKind.NATURAL_PERSON:
        return Subject.objects.create(kind=kind, name="王五")
    code = make_uscc("9", "1", "120101", f"{n:08d}")
    found = link(SubjectIdentifiers(uscc=code), name=f"天津市名单测试{n}有限公司", source="test")
    assert found.subject is not None
    return found.subject


def notice(served_on: str = "2026-09-30", **changes: Any) -> Notice:
    values: dict[str, Any] = {
        "grounds": "提交虚假材料取得许可，情节严重",
        "basis": "《市场监督管理严重违法失信名单管理办法》第二条",
        "served_on": D(served_on),
        "notice_no": "津市监告〔2026〕1号",
    }
    values.update(changes)
    return Notice(**values)


def decision(
    decided_on: str = "2026-10-14", doc_no: str = "津市监列〔2026〕1号", **changes: Any
) -> Decision:
    values: dict[str, Any] = {
        "doc_no": doc_no,
        "decision_date": D(decided_on),
        "facts": "当事人提交虚假材料取得食品经营许可",
        "reasons": "属于严重违法失信行为",
        "basis": "《市场监督管理严重违法失信名单管理办法》第九条",
        "remedies": "如不服本决定，可自收到之日起六十日内申请行政复议，或六个月内提起行政诉讼",
    }
    values.update(changes)
    return Decision(**values)


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    settings.XINYONG_VAR_DIR = path
    return path


@pytest.fixture
def policy(db: None, var_dir: Path) -> None:
    load_policy(default_policy_dir())


def _department(sector: str) -> Organisation:
    return Organisation.objects.filter(kind="department", sector=sector).order_by("pk")[0]


@pytest.fixture
def staff(policy: None) -> Staff:
    market = _department("market_regulation")

    def member(org: Organisation, name: str, roles: list[str]) -> Viewer:
        user = create_staff_user(organisation=org, username=name, roles=roles)
        return viewer_for_user(user)

    return Staff(
        market=member(market, "market_op", ["operator"]),
        market_submitter=member(market, "market_sub", ["submitter"]),
        tax=member(_department("tax"), "tax_op", ["operator"]),
        emergency=member(_department("emergency_management"), "safety_op", ["reviewer"]),
        market_org=market,
    )


def measure_codes(rules: list[Any]) -> list[str]:
    return [rule.code for rule in rules]
