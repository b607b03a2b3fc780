"""The back-office pages: the credit office's queue and routing form (suggested departments
first), a department's queue, notes, closing form (which says a tip-off creates no record and
links to the submission page) and reward, the files, and the credit office's statistics."""

from __future__ import annotations

import datetime

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.test import Client

from tests.tipoffs.conftest import Staff, pdf_upload, report, staff_client
from xinyong.accounts.models import Organisation
from xinyong.records.models import Record
from xinyong.tipoffs.models import TipOff
from xinyong.tipoffs.services import add_note, close, file_tipoff, record_reward, route, statistics

pytestmark = pytest.mark.django_db


def _html(response: HttpResponseBase, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def _url(tipoff: TipOff, step: str = "") -> str:
    return f"/office/tipoffs/{tipoff.public_id}/" + (f"{step}/" if step else "")


def test_a_tipoff_goes_from_the_credit_office_to_the_department_and_back_closed(
    staff: Staff,
) -> None:
    tipoff = file_tipoff(report(), [pdf_upload("网店截图.pdf")]).tipoff
    records = Record.objects.count()
    credit = staff_client(staff.credit)
    queue = _html(credit.get("/office/tipoffs/"))
    assert tipoff.number in queue and "已受理" in queue
    detail = _html(credit.get(_url(tipoff)))
    assert "建议承办部门" in detail and "市市场监管委" in detail and "网店截图.pdf" in detail
    download = credit.get(_url(tipoff, "attachments/1"))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    assert credit.get(_url(tipoff, "attachments/2")).status_code == 404

    bad = _html(credit.post(_url(tipoff, "route"), {"department": staff.market_org.pk}), 400)
    assert "转办说明" in bad and TipOff.objects.get().state == "received"
    routed = credit.post(
        _url(tipoff, "route"), {"department": staff.market_org.pk, "note": "请核查"}, follow=True
    )
    assert "已转办" in _html(routed) and TipOff.objects.get().department == staff.market_org

    market = staff_client(staff.market)
    assert tipoff.number in _html(market.get("/office/tipoffs/"))
    handling = _html(market.get(_url(tipoff)))
    assert "办结举报不会产生信用记录" in handling and "/office/submissions/new/" in handling
    assert "转办" in handling and 'action="' + _url(tipoff, "route") not in handling
    noted = market.post(_url(tipoff, "notes"), {"text": "已调取网店页面存证"}, follow=True)
    assert "已调取网店页面存证" in _html(noted) and "调查中" in _html(noted)
    closed = market.post(
        _url(tipoff, "close"),
        {"outcome": "substantiated", "summary": "经查属实，已立案查处"},
        follow=True,
    )
    page = _html(closed)
    assert "已办结" in page and "查证属实" in page and "记录举报奖励" in page
    rewarded = market.post(
        _url(tipoff, "reward"),
        {
            "amount": "800",
            "decided_on": datetime.date.today().isoformat(),
            "decided_by": "市市场监管委",
        },
        follow=True,
    )
    shown = _html(rewarded)
    assert "800.00 元" in shown and f'action="{_url(tipoff, "reward")}"' not in shown
    assert Record.objects.count() == records


def test_refusals_are_shown_on_the_page(staff: Staff) -> None:
    tipoff = route(staff.credit, file_tipoff(report()).tipoff, staff.market_org, "请核查")
    credit = staff_client(staff.credit)
    refused = _html(
        credit.post(_url(tipoff, "close"), {"outcome": "substantiated", "summary": "属实"}), 400
    )
    assert "只有承办部门" in refused and TipOff.objects.get().state == "routed"
    market = staff_client(staff.market)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    close(staff.market, tipoff, "substantiated", "属实")
    late = _html(
        market.post(
            _url(tipoff, "reward"), {"amount": "1", "decided_on": future, "decided_by": "委"}
        ),
        400,
    )
    assert "不晚于今天" in late and TipOff.objects.get().reward_amount is None


def test_other_departments_and_the_public_find_nothing(staff: Staff, client: Client) -> None:
    tipoff = route(
        staff.credit, file_tipoff(report(), [pdf_upload()]).tipoff, staff.market_org, "请核查"
    )
    tax = staff_client(staff.tax)
    assert tipoff.number not in _html(tax.get("/office/tipoffs/"))
    for path in (_url(tipoff), _url(tipoff, "attachments/1")):
        assert tax.get(path).status_code == 404
    assert (
        tax.post(_url(tipoff, "close"), {"outcome": "substantiated", "summary": "x"}).status_code
        == 404
    )
    anonymous = client.get(_url(tipoff))
    assert anonymous.status_code == 302 and "/office/login/" in anonymous["Location"]
    assert TipOff.objects.get().state == "routed"


def test_statistics_by_category_department_state_and_median_days(staff: Staff) -> None:
    hrss = Organisation.objects.get(kind="department", sector="human_resources_social_security")
    days = (2, 4, 10)
    for n, wait in enumerate(days):
        tipoff = route(staff.credit, file_tipoff(report()).tipoff, staff.market_org, "请核查")
        if n == 0:
            add_note(staff.market, tipoff, "核查中")
        tipoff = close(staff.market, tipoff, "substantiated" if n else "not_substantiated", "办结")
        assert tipoff.closed_on is not None
        filed = tipoff.closed_on - datetime.timedelta(days=wait)
        TipOff.objects.filter(pk=tipoff.pk).update(filed_on=filed)
    record_reward(
        staff.market,
        TipOff.objects.filter(outcome="substantiated").order_by("pk")[0],
        amount="100",
        decided_on=datetime.date.today(),
        decided_by="委",
    )
    route(staff.credit, file_tipoff(report(category="wage_arrears")).tipoff, hrss, "请核查")
    file_tipoff(report(category="wage_arrears"))

    figures = statistics(staff.credit)

    assert figures is not None and statistics(staff.market) is None
    assert (figures.total, figures.unrouted, figures.closed, figures.substantiated) == (5, 1, 3, 2)
    assert figures.by_category == [("虚假宣传", 3), ("拖欠工资", 2)]
    assert dict(figures.by_state) == {"已受理": 1, "已转办": 1, "调查中": 0, "已办结": 3}
    assert figures.median_days == 4.0
    rows = {r.department: r for r in figures.by_department}
    market = rows["天津市市场监督管理委员会"]
    assert (market.routed, market.open, market.closed, market.substantiated, market.rewarded) == (
        3, 0, 3, 2, 1,
    )  # fmt: skip
    assert market.median_days == 4.0 and rows["天津市人力资源和社会保障局"].median_days is None
    page = _html(staff_client(staff.credit).get("/office/tipoffs/statistics/"))
    assert "拖欠工资" in page and "4.0" in page
    since = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    later = _html(staff_client(staff.credit).get("/office/tipoffs/statistics/", {"since": since}))
    assert "统计期间内没有举报" in later
    assert staff_client(staff.market).get("/office/tipoffs/statistics/").status_code == 403
