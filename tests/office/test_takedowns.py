"""The takedown report in the back office: the credit office's overseers read it and download
it as CSV; nobody else does. Persons are masked on it as on the public pages."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.lists.conftest import Staff, decision, notice
from tests.lists.conftest import company as list_company
from tests.office.conftest import SignIn, credit_office, department
from tests.records.pipeline.helpers import citizen_id
from tests.records.test_public_fixtures import MARKET_USCC, company, days_ago, land, penalty, person
from xinyong.accounts.models import Organisation
from xinyong.lists.services import decide, expire_entries, notify
from xinyong.records.expiry import end_publications

pytestmark = pytest.mark.django_db
URL = reverse("office:takedowns")


@pytest.fixture
def ended(staff: Staff) -> None:
    """A company's and a person's penalties whose last day was 3 days ago, one still
    published, and a list entry that ran out 3 days ago: all ended by the jobs."""
    market = Organisation.objects.get(uscc=MARKET_USCC)
    land(
        market,
        "XZCF",
        [
            penalty("津市监罚〔撤下〕1号", company(1), decided=days_ago(368)),
            penalty("津市监罚〔撤下〕2号", person(2, name="李四光"), decided=days_ago(368)),
            penalty("津市监罚〔公示中〕3号", company(3), decided=days_ago(30)),
        ],
    )
    decided = days_ago(3).replace(year=days_ago(3).year - 3)
    entry = notify(
        staff.market,
        subject=list_company(9),
        list_type="market_serious_illegal",
        notice=notice(str(decided - datetime.timedelta(days=14))),
    )
    decide(staff.market, entry, decision(str(decided), doc_no="津市监列〔撤下〕9号"))
    assert end_publications().ended == 2
    assert len(expire_entries().removed) == 1


@pytest.fixture
def overseer(sign_in: SignIn) -> Client:
    return sign_in(credit_office(), "takedown_auditor", "auditor")


def period(day: datetime.date, **extra: str) -> dict[str, str]:
    return {"day_from": day.isoformat(), "day_to": day.isoformat(), **extra}


def test_the_credit_office_reads_what_ended_each_day(overseer: Client, ended: None) -> None:
    response = overseer.get(URL, period(days_ago(2)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "到期撤下报告" in page and 'aria-current="page">到期撤下</a>' in page
    assert "津市监罚〔撤下〕1号" in page and "津市监罚〔撤下〕2号" in page
    assert "李**" in page and "李四光" not in page and citizen_id(2, born="19850101") not in page
    assert "津市监罚〔公示中〕3号" not in page and "津市监列〔撤下〕9号" not in page
    counts = [(d.day, d.records, d.list_entries) for d in response.context["days"]]
    assert counts == [(days_ago(2), 2, 0)]
    page = overseer.get(URL, period(days_ago(3))).content.decode()
    assert "津市监列〔撤下〕9号" in page and "名单期满移出" in page
    assert "津市监罚〔撤下〕1号" not in page


def test_the_default_period_is_the_last_seven_days(overseer: Client, ended: None) -> None:
    response = overseer.get(URL)
    assert response.status_code == 200
    assert response.context["day_from"] == days_ago(6)
    assert response.context["day_to"] == days_ago(0)
    counts = [(d.day, d.records, d.list_entries) for d in response.context["days"]]
    assert counts == [(days_ago(3), 0, 1), (days_ago(2), 2, 0)]


def test_the_csv_holds_every_row(overseer: Client, ended: None) -> None:
    response = overseer.get(URL, {"day_from": days_ago(6).isoformat(), "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["撤下日期", "类别", "目录项或名单"]
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [
        (days_ago(3).isoformat(), "名单期满移出", "津市监列〔撤下〕9号"),
        (days_ago(2).isoformat(), "信用记录公示期满", "津市监罚〔撤下〕1号"),
        (days_ago(2).isoformat(), "信用记录公示期满", "津市监罚〔撤下〕2号"),
    ]
    assert "李**" in text and "李四光" not in text


def test_a_bad_period_is_refused(overseer: Client) -> None:
    response = overseer.get(
        URL, {"day_from": days_ago(1).isoformat(), "day_to": days_ago(2).isoformat()}
    )
    assert response.status_code == 400
    assert "起始日期不能晚于截止日期" in response.content.decode()
    response = overseer.get(URL, {"day_from": "2026-13-40"})
    assert response.status_code == 400


def test_only_the_credit_office_overseers_may_read_it(sign_in: SignIn, ended: None) -> None:
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and reverse("office:login") in anonymous["Location"]
    for client in (
        sign_in(department("market_regulation"), "takedown_market", "operator", "admin"),
        sign_in(credit_office(), "takedown_submitter", "submitter"),
    ):
        response = client.get(URL, period(days_ago(2)))
        assert response.status_code == 403
        assert "津市监罚〔撤下〕1号" not in response.content.decode()
        assert client.get(URL, period(days_ago(2), format="csv")).status_code == 403
    page = sign_in(department("tax"), "takedown_tax", "operator").get(reverse("office:lists"))
    assert URL not in page.content.decode()  # no link for a department
