"""The 行政处罚 / 行政许可 publicity lists and the catalogue page, through the test client."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import (
    BASIS,
    company,
    days_ago,
    land,
    licence,
    market,
    penalty,
    person,
    policy,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.records.models import Record
from xinyong.subjects.models import Subject

if TYPE_CHECKING:
    from pytest_django.fixtures import DjangoAssertNumQueries

__all__ = ["market", "policy", "var_dir"]  # fixtures used by name


def page_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def doc_numbers(page: str) -> list[str]:
    return re.findall(r'<td class="doc"[^>]*>([^<]+)</td>', page)


@pytest.fixture
def penalties(market: Organisation) -> None:
    land(
        market,
        "XZCF",
        [
            penalty("津市监罚〔2026〕1号", company(1), decided=days_ago(10)),
            penalty("津市监罚〔2026〕2号", person(2), decided=days_ago(20)),
            penalty("津市监罚〔2026〕3号", company(3), decided=days_ago(30)),
            penalty("津市监罚〔2024〕4号", company(4), decided=days_ago(800)),
            penalty("津市监罚〔2026〕5号", company(5), types="警告"),
            penalty("津市监罚〔2026〕6号", company(6)),
        ],
    )
    # No service withdraws records yet (the rights issue); set the state it will leave.
    Record.objects.filter(doc_no="津市监罚〔2026〕6号").update(state="withdrawn")


def test_the_penalty_list_shows_public_decisions_newest_first(
    penalties: None, client: Client
) -> None:
    page = page_of(client, "/publicity/penalties/")
    assert doc_numbers(page) == [
        "津市监罚〔2026〕1号",
        "津市监罚〔2026〕2号",
        "津市监罚〔2026〕3号",
    ]
    assert BASIS in page and "虚假宣传" in page and "天津市市场监督管理委员会" in page
    assert f'href="/subjects/{uscc(1)}/"' in page
    who = Subject.objects.get(kind="natural_person")
    assert f'href="/subjects/id/{who.public_id}/"' in page and "李**" in page
    number = citizen_id(2, born="19850101")
    assert "李四光" not in page and number not in page


def test_filters_narrow_the_list_and_pages_keep_them(
    penalties: None, market: Organisation, client: Client
) -> None:
    by_date = page_of(
        client,
        f"/publicity/penalties/?date_from={days_ago(25):%Y-%m-%d}&date_to={days_ago(5):%Y-%m-%d}",
    )
    assert doc_numbers(by_date) == ["津市监罚〔2026〕1号", "津市监罚〔2026〕2号"]
    by_department = page_of(client, f"/publicity/penalties/?department={market.uscc}")
    assert len(doc_numbers(by_department)) == 3
    other = Organisation.objects.get(kind="department", sector="tax")
    assert doc_numbers(page_of(client, f"/publicity/penalties/?department={other.uscc}")) == []
    # Companies are placed in the district of their USCC (和平区); the person in none.
    assert len(doc_numbers(page_of(client, "/publicity/penalties/?district=120101"))) == 2
    land(
        market,
        "XZCF",
        [
            penalty(f"津市监罚〔2026〕{n}号", company(n), decided=days_ago(40))
            for n in range(20, 45)
        ],
    )
    first = page_of(client, f"/publicity/penalties/?department={market.uscc}")
    assert f'href="?department={market.uscc}&amp;page=2"' in first
    second = page_of(client, f"/publicity/penalties/?department={market.uscc}&page=2")
    assert len(doc_numbers(second)) == 8 and 'rel="prev"' in second


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-13-01", "有效的日期"),
        ("date_from=1900-01-01", "请填写1990年以后"),
        (
            f"date_from={days_ago(1):%Y-%m-%d}&date_to={days_ago(9):%Y-%m-%d}",
            "起始日期晚于截止日期",
        ),
        ("department=not-a-department", "选择一个有效的选项"),
    ],
)
def test_bad_filters_say_why_and_show_the_unfiltered_list(
    penalties: None, client: Client, query: str, message: str
) -> None:
    page = page_of(client, f"/publicity/penalties/?{query}&page=x")
    assert message in page and len(doc_numbers(page)) == 3


def test_the_licence_list(market: Organisation, client: Client) -> None:
    land(
        market,
        "XZXK",
        [
            licence("津市监许〔2026〕1号", company(1)),
            licence(
                "津市监许〔2020〕2号", company(2), decided=days_ago(2000), valid_to=days_ago(3)
            ),
        ],
    )
    page = page_of(client, "/publicity/licences/")
    assert doc_numbers(page) == ["津市监许〔2026〕1号"]
    assert "食品经营许可决定书" in page and "预包装食品销售" in page
    assert f'href="/subjects/{uscc(1)}/"' in page


def test_list_queries_do_not_grow_with_rows(
    market: Organisation, client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕1号", company(1))])
    counted = []
    for more in (False, True):
        if more:
            land(
                market,
                "XZCF",
                [penalty(f"津市监罚〔2026〕{n}号", company(n)) for n in range(2, 20)],
            )
        with CaptureQueriesContext(connection) as queries:
            page_of(client, "/publicity/penalties/")
        counted.append(len(queries))
    assert counted[0] == counted[1]
    with django_assert_max_num_queries(6):
        page_of(client, "/publicity/licences/")


def section(page: str, code: str) -> str:
    start = page.index(f'id="catalogue-{code}"')
    return page[start : page.index("</section>", start)]


def test_the_catalogue_page_explains_each_rule(policy: None, client: Client) -> None:
    page = page_of(client, "/catalogue/")
    sections = re.findall(r'<section class="catalogue-item" id="catalogue-(\w+)"', page)
    assert sections[:2] == ["XZXK", "XZCF"] and "TQNMGGZ" in sections
    penalties = section(page, "XZCF")
    assert "轻微：不向社会公示" in penalties
    assert "一般：自决定之日起公示1年，期满自动停止公示；公示满3个月后可申请信用修复" in penalties
    assert "《中华人民共和国行政处罚法》第四十八条" in penalties
    assert "自决定之日起公示，至“有效期至”所载日期为止" in section(page, "XZXK")
    assert "自决定之日起公示1年" in section(page, "NSXY_A")
    wages = section(page, "TQNMGGZ")
    assert "政务共享：不向社会公开" in wages and "公示规则" not in wages


def test_the_catalogue_page_in_english(policy: None, client: Client) -> None:
    page = page_of(client, "/en/catalogue/")
    assert "Credit information catalogue" in page
    assert "Published for 1 year from the decision date, then no longer" in page
    assert "Shared between government departments only" in page
