"""Commitment performance per accepting unit: the credit office sees every unit, a unit its
own; the figures and the breach rate follow the commitments' states."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.commitments.conftest import Staff, register, sign
from xinyong.accounts.models import User
from xinyong.commitments import services
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(staff: Staff, firm: Subject) -> None:
    """Market regulation: 4 commitments (1 in force, 2 kept, 1 broken); tax: 1 withdrawn."""
    made = [sign(firm, staff.market_org, matter=f"第{n}项许可") for n in range(4)]
    services.fulfil(staff.market, made[0])
    services.fulfil(staff.market, made[1])
    services.breach(staff.market, made[2], doc_no="津市监诺认〔2026〕1号", facts="未按承诺补交材料")
    taxed = register(staff.tax, firm, type_code="voluntary", matter="依法诚信纳税")
    services.withdraw(staff.tax, taxed, reason="登记错误")


def test_the_credit_office_sees_every_unit(staff: Staff, figures: None) -> None:
    rows = {row.organisation: row for row in services.performance(staff.credit)}
    market, tax = rows[staff.market_org.name], rows[staff.tax_org.name]
    assert (market.registered, market.in_force, market.fulfilled, market.breached) == (4, 1, 2, 1)
    assert market.withdrawn == 0 and market.breach_rate == pytest.approx(1 / 3)
    assert (tax.registered, tax.withdrawn, tax.breach_rate) == (1, 1, None)
    total = services.overall(list(rows.values()), "合计")
    assert (total.registered, total.breached, total.decided) == (5, 1, 3)


def test_a_unit_sees_its_own_and_a_period_narrows(staff: Staff, figures: None) -> None:
    assert [row.organisation for row in services.performance(staff.market)] == [
        staff.market_org.name
    ]
    assert services.performance(staff.court) == []
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert services.performance(staff.credit, since=tomorrow) == []


def test_the_page_shows_the_table(client: Client, staff: Staff, figures: None) -> None:
    client.force_login(User.objects.get(username="credit_operator"))
    page = client.get("/office/commitments/stats/").content.decode()
    assert staff.market_org.name in page and staff.tax_org.name in page and "33.3%" in page
    client.force_login(User.objects.get(username="tax_operator"))
    page = client.get("/office/commitments/stats/").content.decode()
    assert staff.tax_org.name in page and staff.market_org.name not in page
