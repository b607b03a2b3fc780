"""Records landed through the real pipeline for the public-surface tests (records, portal).

No tests here: builders of API rows keyed by catalogue field keys, and `land()`, which
submits and processes them as a department would. Dates are relative to today, so the
public rule is exercised as it will run: a general penalty is published for a year, one of
two years ago has ended, a warning alone is never published.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.records.pipeline.helpers import citizen_id, uscc
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.records import services
from xinyong.records.models import Submission

MARKET = "天津市市场监督管理委员会"
MARKET_USCC = "11120000MB0011113Y"
BASIS = "《中华人民共和国广告法》第五十五条"


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _source(authority: str, authority_uscc: str) -> dict[str, Any]:
    return {
        "authority": authority,
        "authority_uscc": authority_uscc,
        "source_unit": authority,
        "source_unit_uscc": authority_uscc,
    }


def company(n: int, name: str | None = None) -> dict[str, Any]:
    """The subject block of legal person `n`."""
    return {
        "subject_name": name or f"天津市公示测试{n}有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": uscc(n),
        "legal_rep": "张三",
        "legal_rep_id_type": "身份证",
        "legal_rep_id_no": citizen_id(n, born="19700101"),
    }


def person(n: int, name: str = "李四光") -> dict[str, Any]:
    """The subject block of natural person `n`."""
    return {
        "subject_name": name,
        "subject_category": "自然人",
        "id_type": "身份证",
        "id_no": citizen_id(n, born="19850101"),
    }


def penalty(
    doc: str,
    subject: dict[str, Any],
    *,
    decided: date | None = None,
    types: str = "罚款",
    facts: str = "经查，当事人发布虚假广告。",
    basis: str = BASIS,
) -> dict[str, Any]:
    """A 行政处罚 row from market regulation (decided 30 days ago unless told)."""
    day = decided or days_ago(30)
    return {
        **subject,
        "doc_no": doc,
        "violation_type": "虚假宣传",
        "facts": facts,
        "basis": basis,
        "penalty_types": types,
        "penalty_content": "罚款人民币15000元" if "罚款" in types else "警告",
        "fine_amount": "1.5" if "罚款" in types else "",
        "decision_date": day.isoformat(),
        "penalty_valid_until": (day + timedelta(days=365)).isoformat(),
        **_source(MARKET, MARKET_USCC),
    }


def licence(
    doc: str, subject: dict[str, Any], *, decided: date | None = None, valid_to: date | None = None
) -> dict[str, Any]:
    """A 行政许可 row from market regulation, valid for five years unless told."""
    day = decided or days_ago(10)
    return {
        **subject,
        "doc_name": "食品经营许可决定书",
        "doc_no": doc,
        "licence_category": "普通",
        "content": "预包装食品销售",
        "decision_date": day.isoformat(),
        "valid_from": day.isoformat(),
        "valid_to": (valid_to or day + timedelta(days=5 * 365)).isoformat(),
        "status": "有效",
        **_source(MARKET, MARKET_USCC),
    }


def wage_arrears(doc: str, subject: dict[str, Any], authority: Organisation) -> dict[str, Any]:
    """A 拖欠农民工工资 row: a catalogue item shared between departments only (政务共享)."""
    return {
        **subject,
        "doc_no": doc,
        "arrears_amount": "12.5",
        "workers_affected": "8",
        "decision_date": days_ago(20).isoformat(),
        "settled": "未清偿",
        **_source(authority.name, authority.uscc),
    }


def land(organisation: Organisation, item_code: str, rows: list[dict[str, Any]]) -> Submission:
    """Submit `rows` as `organisation` through the API path and run the pipeline."""
    made = services.submit_records(organisation=organisation, item_code=item_code, records=rows)
    done = services.process(made)
    assert (done.status, done.rejected, done.accepted) == ("done", 0, len(rows)), list(
        done.rejected_rows.values_list("reasons", flat=True)
    )
    return done


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    settings.XINYONG_VAR_DIR = path
    return path


@pytest.fixture
def policy(db: None, var_dir: Path) -> None:
    load_policy(default_policy_dir())


@pytest.fixture
def market(policy: None) -> Organisation:
    return Organisation.objects.get(uscc=MARKET_USCC)


@pytest.fixture
def hrss(policy: None) -> Organisation:
    return Organisation.objects.get(kind="department", sector="human_resources_social_security")
