"""Demo list entries: a few demo companies taken through the listing procedure by the market
regulator (notice, statement, decision, publication) and a few put on the tax A-grade
incentive list, so the check API, the back office and the portal have something to show.

Idempotent: entries are made only for demo subjects not yet on any list.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from xinyong.accounts.models import User
from xinyong.accounts.permissions import viewer_for_user
from xinyong.lists.models import ListEntry
from xinyong.lists.services import (
    Decision,
    Notice,
    decide,
    list_directly,
    notify,
    publish,
    record_statement,
)
from xinyong.subjects.models import Subject, SubjectKind

SERIOUS = 6
INCENTIVE = 4


def _decision(n: int, prefix: str, day: date) -> Decision:
    return Decision(
        doc_no=f"{prefix}〔2026〕{n}号",
        decision_date=day,
        facts="提交虚假材料取得许可，经查证属实",
        reasons="属于《市场监督管理严重违法失信名单管理办法》规定的严重违法失信行为",
        basis="《市场监督管理严重违法失信名单管理办法》第九条",
        remedies="如不服本决定，可自收到之日起六十日内申请行政复议，或六个月内提起行政诉讼",
    )


def ensure_list_entries(market_username: str, tax_username: str) -> int:
    """List demo companies (see the module doc); returns how many entries were made."""
    if ListEntry.objects.exists():
        return 0
    companies = list(
        Subject.objects.filter(kind=SubjectKind.LEGAL_PERSON).exclude(uscc="").order_by("pk")
    )
    market = viewer_for_user(User.objects.get(username=market_username))
    tax = viewer_for_user(User.objects.get(username=tax_username))
    today = timezone.localdate()
    made = 0
    for n, subject in enumerate(companies[:SERIOUS], 1):
        served = today - timedelta(days=30 + n)
        entry = notify(
            market,
            subject=subject,
            list_type="market_serious_illegal",
            notice=Notice(
                grounds="提交虚假材料取得食品经营许可，情节严重",
                basis="《市场监督管理严重违法失信名单管理办法》第二条",
                served_on=served,
                notice_no=f"津市监告〔2026〕{n}号",
            ),
        )
        entry = record_statement(
            market, entry, statement="对认定事实无异议", received_on=served + timedelta(days=1)
        )
        entry = decide(market, entry, _decision(n, "津市监列", served + timedelta(days=14)))
        publish(market, entry, published_on=served + timedelta(days=15))
        made += 1
    for n, subject in enumerate(companies[SERIOUS : SERIOUS + INCENTIVE], 1):
        entry = list_directly(
            tax,
            subject=subject,
            list_type="tax_credit_a",
            decision=Decision(
                doc_no=f"津税信〔2026〕{n}号",
                decision_date=today - timedelta(days=60),
                facts="2025年度纳税信用评价为A级",
                reasons="年度评价指标得分90分以上",
                basis="《纳税信用管理办法（试行）》",
                remedies="对评价结果有异议的，可向主管税务机关申请复评",
            ),
        )
        publish(tax, entry, published_on=today - timedelta(days=59))
        made += 1
    return made
