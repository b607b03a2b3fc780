"""List entries made through the lists services for the public-surface tests (lists, portal,
API): some public, some removed, expired or never published.

No tests here. `listings()` needs the policy loaded; the `listed` fixture asks for it by the
name `policy`, which every module that uses it has (its own, or imported from
`tests.records.test_public_fixtures`). Dates are relative to today, so the public rule is
exercised as it will run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from xinyong.accounts.models import Organisation
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_staff_user
from xinyong.core.identifiers import make_uscc
from xinyong.core.permissions import Viewer
from xinyong.lists.models import ListEntry
from xinyong.lists.services import (
    Decision,
    Notice,
    decide,
    list_directly,
    notify,
    publish,
    record_statement,
    remove_by_outcome,
)
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.services import SubjectIdentifiers, link

MARKET_LIST = "market_serious_illegal"
MARKET_LIST_NAME = "市场监督管理严重违法失信名单"
MARKET_BASIS = "《市场监督管理严重违法失信名单管理办法（国家市场监督管理总局令第44号）》"
TAX_A = "tax_credit_a"
TAX_MAJOR = "tax_major_violation"
FACTS = "当事人提交虚假材料取得食品经营许可"
PERSON_NAME = "王小五"


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def uscc(n: int, district: str = "120101") -> str:
    """Company `n`'s code; its organisation code part is kept clear of the other builders'."""
    return make_uscc("9", "1", district, f"{7000 + n:08d}")


def company(n: int, district: str = "120101") -> Subject:
    """A company found by its code, as the pipeline would find it, registered in `district`."""
    found = link(
        SubjectIdentifiers(uscc=uscc(n, district)), name=f"天津市名单公示{n}有限公司", source="test"
    )
    assert found.subject is not None
    return found.subject


def staff_of(sector: str, username: str) -> Viewer:
    """An operator of the department of `sector` that decides its lists."""
    organisation = Organisation.objects.filter(kind="department", sector=sector).order_by("pk")[0]
    user = create_staff_user(organisation=organisation, username=username, roles=["operator"])
    return viewer_for_user(user)


def _decision(doc_no: str, decided: date, facts: str) -> Decision:
    return Decision(
        doc_no=doc_no,
        decision_date=decided,
        facts=facts,
        reasons="属于严重违法失信行为",
        basis="《市场监督管理严重违法失信名单管理办法》第九条",
        remedies="如不服本决定，可自收到之日起六十日内申请行政复议，或六个月内提起行政诉讼",
    )


def punish(
    viewer: Viewer,
    subject: Subject,
    doc_no: str,
    *,
    decided: date | None = None,
    published: bool = True,
    list_type: str = MARKET_LIST,
    facts: str = FACTS,
) -> ListEntry:
    """A punishment listing through the whole procedure: notice, statement, decision and
    (unless told) publication on the day of the decision (30 days ago unless told)."""
    day = decided or days_ago(30)
    served = day - timedelta(days=10)
    notice = Notice(
        grounds="提交虚假材料，情节严重",
        basis="《市场监督管理严重违法失信名单管理办法》第二条",
        served_on=served,
        notice_no=f"告-{doc_no}",
    )
    entry = notify(viewer, subject=subject, list_type=list_type, notice=notice)
    entry = record_statement(
        viewer, entry, statement="无异议", received_on=served + timedelta(days=1)
    )
    entry = decide(viewer, entry, _decision(doc_no, day, facts))
    return publish(viewer, entry, published_on=day) if published else entry


def reward(viewer: Viewer, subject: Subject, doc_no: str, *, decided: date) -> ListEntry:
    """A published tax A-grade listing (an incentive list: decided directly)."""
    decision = Decision(
        doc_no=doc_no,
        decision_date=decided,
        facts="年度纳税信用评价为A级",
        reasons="年度评价指标得分90分以上",
        basis="《纳税信用管理办法（试行）》",
        remedies="对评价结果有异议的，可向主管税务机关申请复评",
    )
    entry = list_directly(viewer, subject=subject, list_type=TAX_A, decision=decision)
    return publish(viewer, entry, published_on=decided)


@dataclass(frozen=True)
class Listings:
    """Who is on which list, and who must not be seen on any."""

    market: Viewer
    both: Subject  # public on the market list (30 days ago) and the tax A-grade list
    recent: Subject  # public on the market list (10 days ago), registered in 滨海新区
    person: Subject  # public on the major tax violation list
    removed: Subject  # listed and published, then removed by a credit repair
    expired: Subject  # published, past its end date (the daily expiry has not run)
    unpublished: Subject  # decided, not published

    @property
    def hidden(self) -> tuple[Subject, ...]:
        return (self.removed, self.expired, self.unpublished)


HIDDEN_DOCS = ("津市监列〔2026〕3号", "津市监列〔2023〕4号", "津市监列〔2026〕5号")
"""The decision numbers of the removed, expired and unpublished entries."""


def listings() -> Listings:
    """Make the entries `Listings` describes (the policy loaded)."""
    market = staff_of("market_regulation", "market_lister")
    tax = staff_of("tax", "tax_lister")
    both, recent = company(1), company(2, "120116")
    punish(market, both, "津市监列〔2026〕1号")
    reward(tax, both, "津税信〔2026〕1号", decided=days_ago(60))
    punish(market, recent, "津市监列〔2026〕2号", decided=days_ago(10))
    person = Subject.objects.create(kind=SubjectKind.NATURAL_PERSON, name=PERSON_NAME)
    punish(
        tax,
        person,
        "津税稽列〔2026〕1号",
        list_type=TAX_MAJOR,
        decided=days_ago(20),
        facts=f"{PERSON_NAME}隐匿收入，偷税数额较大",
    )
    removed = company(3)
    entry = punish(market, removed, HIDDEN_DOCS[0], decided=days_ago(50))
    remove_by_outcome(
        market, entry, outcome="repair", reference="津市监修〔2026〕1号", decided_on=days_ago(5)
    )
    expired = company(4)
    punish(market, expired, HIDDEN_DOCS[1], decided=days_ago(3 * 366 + 30))
    unpublished = company(5)
    punish(market, unpublished, HIDDEN_DOCS[2], published=False)
    return Listings(market, both, recent, person, removed, expired, unpublished)


@pytest.fixture
def listed(policy: None) -> Listings:
    return listings()
