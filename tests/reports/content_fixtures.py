"""Subjects with records landed through the real pipeline, for the report scope and content
tests. No tests here: builders and fixtures, reusing the records and lists test builders.

`busy` is a company with records of every disclosure class, some of them withdrawn, repaired,
ended or withheld, a list entry and grades; `quiet` is a company with nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.lists.public_fixtures import punish, staff_of
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import (
    company,
    days_ago,
    land,
    licence,
    penalty,
    wage_arrears,
)
from xinyong.accounts.models import Organisation
from xinyong.consents.models import Consent
from xinyong.evaluation.services.runs import evaluate_subjects
from xinyong.evaluation.services.versions import publish
from xinyong.records.models import ObjectionMark, Record, RecordState
from xinyong.subjects.models import Subject

BUSY, QUIET = 41, 42
TAX_USCC = "11120000MB001148XP"

HIDDEN = {
    "withdrawn": "津市监罚〔2026〕901号",
    "repaired": "津市监罚〔2026〕902号",
    "ended": "津市监罚〔2023〕903号",
    "withheld": "津市监罚〔2026〕904号",
    "repaired_shared": "津人社处〔2026〕905号",
}


def tax_grade(subject: dict[str, Any], year: int, grade: str = "B") -> dict[str, Any]:
    """A 纳税信用评价结果 row (授权查询) from the tax bureau."""
    return {
        "taxpayer_name": subject["subject_name"],
        "uscc": subject["uscc"],
        "evaluation_year": str(year),
        "grade": grade,
        "evaluated_on": days_ago(40).isoformat(),
        "source_unit": "国家税务总局天津市税务局",
        "source_unit_uscc": TAX_USCC,
    }


def penalties(n: int, first: int, who: dict[str, Any]) -> list[dict[str, Any]]:
    """`n` current general penalties (published for a year) numbered from `first`."""
    return [
        penalty(f"津市监罚〔2026〕{k}号", who, decided=days_ago(20 + k % 200))
        for k in range(first, first + n)
    ]


def set_record(doc_no: str, **values: Any) -> None:
    assert Record.objects.filter(doc_no=doc_no).update(**values) == 1


@dataclass(frozen=True)
class Orgs:
    market: Organisation
    hrss: Organisation
    tax: Organisation
    bank: Organisation


@pytest.fixture
def orgs(market: Organisation, hrss: Organisation) -> Orgs:
    bank = Organisation.objects.create(
        uscc=uscc(951, "91"), name="天津报告测试银行股份有限公司", kind="bank"
    )
    return Orgs(market, hrss, Organisation.objects.get(uscc=TAX_USCC), bank)


@pytest.fixture
def busy(orgs: Orgs) -> Subject:
    """A company with 12 current public penalties, 3 licences, a wage-arrears record (政务共
    享), a tax grade (授权查询), one record of each hidden kind, a market list entry and its
    grades under both packaged models."""
    who = company(BUSY, "天津市报告测试建材有限公司")
    land(orgs.market, "XZCF", penalties(12, 1, who))
    land(orgs.market, "XZXK", [licence(f"津市监许〔2026〕{k}号", who) for k in range(1, 4)])
    land(
        orgs.market,
        "XZCF",
        [
            penalty(HIDDEN["withdrawn"], who),
            penalty(HIDDEN["repaired"], who),
            penalty(HIDDEN["ended"], who, decided=days_ago(2 * 365)),
            penalty(HIDDEN["withheld"], who),
        ],
    )
    land(orgs.hrss, "TQNMGGZ", [wage_arrears("津人社处〔2026〕1号", who, orgs.hrss)])
    land(orgs.hrss, "TQNMGGZ", [wage_arrears(HIDDEN["repaired_shared"], who, orgs.hrss)])
    land(orgs.tax, "NSXYPJ", [tax_grade(who, 2025)])
    set_record(HIDDEN["withdrawn"], state=RecordState.WITHDRAWN)
    set_record(HIDDEN["repaired"], repaired_on=days_ago(1))
    set_record(HIDDEN["repaired_shared"], repaired_on=days_ago(1))
    set_record(HIDDEN["withheld"], objection_mark=ObjectionMark.WITHHELD)
    subject = Subject.objects.get(uscc=uscc(BUSY))
    punish(staff_of("market_regulation", "report_lister"), subject, "津市监列〔2026〕41号")
    for code in ("TJGGXY", "NSXYDJ"):
        publish(code)
    evaluate_subjects([subject.pk])
    return subject


@pytest.fixture
def quiet(orgs: Orgs) -> Subject:
    """A company the platform knows with no record, list entry or grade."""
    land(orgs.market, "XZXK", [licence("津市监许〔2026〕999号", company(QUIET))])
    set_record("津市监许〔2026〕999号", state=RecordState.WITHDRAWN)
    return Subject.objects.get(uscc=uscc(QUIET))


def consent(subject: Subject, bank: Organisation, items: list[str], *, days: int = 30) -> Consent:
    """The subject's grant of `items` to `bank`, in force for `days` from today (a negative
    `days`: one that ended that many days ago)."""
    today = timezone.localdate()
    end = today + timedelta(days=days)
    return Consent.objects.create(
        subject=subject,
        organisation=bank,
        item_codes=items,
        purpose="流动资金贷款审查",
        valid_from=min(today, end - timedelta(days=30)),
        valid_until=end,
        granted_at=timezone.now(),
    )
