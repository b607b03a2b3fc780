"""Demo tip-offs about three demo companies, at three steps of their handling: one awaiting
the credit office's routing, one routed to the labour department, and one investigated and
closed as substantiated by market regulation with a reward — so the public status page, the
credit office's queue and statistics and a department's queue all have something to show.

Idempotent: nothing is made once any tip-off exists. Uses the demo accounts (`demo_operator`
of the credit office, `demo_reviewer` of market regulation); without them the tip-offs are
filed but not handled. The receipt codes are not kept: a demo visitor files a tip-off of its
own to follow one.
"""

from __future__ import annotations

from django.utils import timezone

from xinyong.accounts.models import Organisation, OrganisationKind, User
from xinyong.accounts.permissions import viewer_for_user
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.tipoffs.models import Outcome, ReportedKind, TipOff
from xinyong.tipoffs.services import Report, add_note, close, file_tipoff, record_reward, route


def _report(subject: Subject, category: str, facts: str, **contact: str) -> Report:
    return Report(
        category=category,
        reported_kind=ReportedKind.ORGANISATION,
        reported_name=subject.name,
        reported_code=subject.uscc,
        facts=facts,
        anonymous=not contact,
        **contact,
    )


def seed() -> None:
    """File and handle the demo tip-offs (see the module doc)."""
    if TipOff.objects.exists():
        return
    companies = list(
        Subject.objects.filter(kind=SubjectKind.LEGAL_PERSON).exclude(uscc="").order_by("pk")[:3]
    )
    if len(companies) < 3:
        return
    advertising = file_tipoff(
        _report(
            companies[0],
            "false_advertising",
            "该公司在其网店首页宣称产品“获国家专利、治愈率99%”，经查询并无相关专利，宣传内容与事实不符。",
        )
    ).tipoff
    wages = file_tipoff(
        _report(
            companies[1],
            "wage_arrears",
            "该公司自今年三月起拖欠车间二十余名工人工资，多次讨要未果。",
            contact_name="王先生",
            contact_email="informant@example.com",
        )
    ).tipoff
    file_tipoff(
        _report(
            companies[2],
            "product_quality",
            "在该公司门店购买的电热水壶使用一周后底座漏电，包装上的质量认证标志疑似伪造。",
        )
    )
    operator = User.objects.filter(username="demo_operator").first()
    reviewer = User.objects.select_related("organisation").filter(username="demo_reviewer").first()
    labour = Organisation.objects.filter(
        kind=OrganisationKind.DEPARTMENT, sector="human_resources_social_security", is_active=True
    ).first()
    if operator is None or reviewer is None or reviewer.organisation is None or labour is None:
        return
    credit_office, market = viewer_for_user(operator), viewer_for_user(reviewer)
    route(credit_office, wages, labour, "涉及拖欠劳动者工资，请人社部门核查处理。")
    advertising = route(
        credit_office, advertising, reviewer.organisation, "涉嫌虚假宣传，请市场监管部门核查。"
    )
    add_note(market, advertising, "已调取网店页面存证，向当事人送达询问通知书。")
    advertising = close(
        market,
        advertising,
        Outcome.SUBSTANTIATED,
        "经查，当事人发布虚假广告属实，已依法立案查处并责令改正。",
    )
    record_reward(
        market,
        advertising,
        amount="500",
        decided_on=timezone.localdate(),
        decided_by="天津市市场监督管理委员会",
    )
