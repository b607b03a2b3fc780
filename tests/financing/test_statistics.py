"""The figures: requests and amounts asked, grants (one per bank a request went to), loans
reported and their amounts — in total, by bank and by month; a bank sees its own only, and
the public page names no subject."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.utils import timezone

from tests.financing.conftest import World, landed_company, owner, publish, review
from tests.records.test_public_fixtures import market
from xinyong.accounts.models import Organisation
from xinyong.financing import services
from xinyong.financing.models import ReviewStatus

__all__ = ["market"]  # fixtures used by name


def _traffic(world: World, market: Organisation) -> None:
    """Three requests: 200 to both banks (first lends 150), 100 to the first (declined), 50
    to the second (accepted), the last from another company."""
    today = timezone.localdate()
    both = publish(world.member, [world.first, world.second], amount="200")
    lone = publish(world.member, [world.first], amount="100")
    other = owner(landed_company(market, 2, "津市监罚〔2026〕821号"))
    small = publish(other, [world.second], amount="50")
    clerk = world.first.clerk
    services.decide(clerk, review(both, world.first), ReviewStatus.ACCEPTED)
    services.decide(
        clerk,
        review(both, world.first),
        ReviewStatus.GRANTED,
        loan_amount="150",
        loan_rate="3.9",
        loan_term_months=12,
        loan_date=today,
    )
    services.decide(clerk, review(lone, world.first), ReviewStatus.DECLINED, note="经营年限不足")
    services.decide(world.second.clerk, review(small, world.second), ReviewStatus.ACCEPTED)


def test_the_credit_office_sees_every_bank(world: World, market: Organisation) -> None:
    _traffic(world, market)

    stats = services.statistics(world.credit)

    total = stats.total
    assert (total.requests, total.asked, total.grants) == (3, Decimal("350.00"), 4)
    assert (total.accepted, total.declined, total.loans, total.lent) == (
        2,
        1,
        1,
        Decimal("150.00"),
    )
    rows = {row.label: row for row in stats.by_bank}
    first, second = rows["天津第一测试银行"], rows["天津第二测试银行"]
    assert (first.grants, first.asked, first.accepted, first.declined) == (
        2,
        Decimal("300.00"),
        1,
        1,
    )
    assert (first.loans, first.lent) == (1, Decimal("150.00"))
    assert (second.grants, second.asked, second.accepted, second.loans) == (
        2,
        Decimal("250.00"),
        1,
        0,
    )
    month = timezone.localdate().strftime("%Y-%m")
    assert [(m.label, m.requests, m.asked, m.grants, m.loans, m.lent) for m in stats.by_month] == [
        (month, 3, Decimal("350.00"), 4, 1, Decimal("150.00"))
    ]


def test_a_bank_sees_its_own_figures_only(world: World, market: Organisation) -> None:
    _traffic(world, market)

    stats = services.statistics(world.second.clerk)

    assert [row.label for row in stats.by_bank] == ["天津第二测试银行"]
    assert (stats.total.requests, stats.total.asked, stats.total.grants) == (
        2,
        Decimal("250.00"),
        2,
    )
    assert (stats.total.loans, stats.total.lent) == (0, Decimal("0.00"))
    assert services.statistics(world.department).total.requests == 0


def test_a_period_before_any_request_counts_nothing(world: World, market: Organisation) -> None:
    _traffic(world, market)
    day = timezone.localdate()

    stats = services.statistics(world.credit, until=day.replace(year=day.year - 1))

    assert (stats.total.requests, stats.total.grants, stats.by_bank) == (0, 0, [])


def test_the_public_page_shows_the_aggregates_and_no_subject(
    world: World, market: Organisation
) -> None:
    _traffic(world, market)

    page = Client().get("/financing/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "天津第一测试银行" in text and "350.00" in text and "150.00" in text
    assert "公示测试1有限公司" not in text and world.company.uscc not in text
    assert "补充流动资金" not in text
    assert Client().get("/en/financing/").status_code == 200
