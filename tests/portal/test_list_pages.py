"""Lists on the portal through the test client: a subject's memberships and badges, search
badges, the list publicity pages; removed, expired and unpublished entries on none of them;
queries per page; hostile text; English."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.lists.public_fixtures import (
    FACTS,
    HIDDEN_DOCS,
    MARKET_BASIS,
    MARKET_LIST,
    MARKET_LIST_NAME,
    TAX_A,
    Listings,
    company,
    listed,
    punish,
)
from tests.records.test_public_fixtures import policy, var_dir

__all__ = ["listed", "policy", "var_dir"]  # fixtures used by name

PUNISHED = "失信惩戒对象"
REWARDED = "守信激励对象"


def page_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


# -- the subject page ------------------------------------------------------------------------------


def test_a_listed_subject_shows_its_memberships_and_badges(
    listed: Listings, client: Client
) -> None:
    page = page_of(client, f"/subjects/{listed.both.uscc}/")
    head = section(page, 'class="subject-head"', "</header>")
    assert PUNISHED in head and REWARDED in head
    lists = section(page, 'id="lists"', "</section>")
    assert lists.index(MARKET_LIST_NAME) < lists.index("纳税信用A级纳税人")  # punishment first
    assert f'href="/publicity/lists/{MARKET_LIST}/"' in lists
    assert ">失信</span>" in lists and ">守信</span>" in lists
    for shown in (
        "天津市市场监督管理委员会",
        "津市监列〔2026〕1号",
        FACTS,
        MARKET_BASIS,
        "《市场监督管理严重违法失信名单管理办法》第九条",
        "国家税务总局天津市税务局",
        "津税信〔2026〕1号",
    ):
        assert shown in lists, shown
    entry = lists[: lists.index("纳税信用A级纳税人")]
    assert re.search(r"列入日期</dt><dd[^>]*>\d{4}-\d\d-\d\d</dd>", entry)
    assert re.search(r"期满日期</dt><dd[^>]*>\d{4}-\d\d-\d\d</dd>", entry)


@pytest.mark.parametrize("which", ["removed", "expired", "unpublished"])
def test_a_hidden_entry_is_not_on_its_subject_page(
    listed: Listings, client: Client, which: str
) -> None:
    subject = getattr(listed, which)
    page = page_of(client, f"/subjects/{subject.uscc}/")
    assert 'class="tag negative"' not in section(page, 'class="subject-head"', "</header>")
    lists = section(page, 'id="lists"', "</section>")
    assert "<article" not in lists
    assert "该主体目前不在任何公布期内的失信惩戒名单或守信激励名单上。" in lists
    assert not any(doc in page for doc in HIDDEN_DOCS)


def test_a_listed_person_is_masked(listed: Listings, client: Client) -> None:
    page = page_of(client, f"/subjects/id/{listed.person.public_id}/")
    assert "王**隐匿收入" in page and "王小五" not in page and "重大税收违法失信主体" in page


def test_the_subject_page_costs_one_query_for_its_lists(listed: Listings, client: Client) -> None:
    with CaptureQueriesContext(connection) as none:
        page_of(client, f"/subjects/{listed.removed.uscc}/")
    with CaptureQueriesContext(connection) as two:
        page_of(client, f"/subjects/{listed.both.uscc}/")
    assert len(none) == len(two)


def test_hostile_text_in_a_decision_renders_inert(listed: Listings, client: Client) -> None:
    subject = company(8)
    punish(listed.market, subject, "津市监列〔2026〕8号", facts='<img src=x onerror="alert(1)">')
    for url in (f"/subjects/{subject.uscc}/", f"/publicity/lists/{MARKET_LIST}/"):
        page = page_of(client, url)
        assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


# -- search ----------------------------------------------------------------------------------------


def test_search_results_carry_list_badges_for_public_entries_only(
    listed: Listings, client: Client
) -> None:
    page = page_of(client, "/search/?q=名单公示")
    rows = re.findall(
        r'<tr>\s*<td data-label="名称">\s*<a class="subject-link"[^>]*>([^<]+)</a>(.*?)</tr>',
        page,
        re.S,
    )
    by_name = dict(rows)
    assert len(by_name) == 5
    badges = {name: (PUNISHED in row, REWARDED in row) for name, row in by_name.items()}
    assert badges == {
        listed.both.name: (True, True),
        listed.recent.name: (True, False),
        listed.removed.name: (False, False),
        listed.expired.name: (False, False),
        listed.unpublished.name: (False, False),
    }


def test_search_badges_cost_one_query_per_page(listed: Listings, client: Client) -> None:
    for query in ("名单公示", listed.both.uscc):  # five results, then one
        with CaptureQueriesContext(connection) as queries:
            page_of(client, f"/search/?q={query}")
        on_lists = [q for q in queries.captured_queries if "lists_listentry" in q["sql"]]
        assert len(on_lists) == 1, query


# -- list publicity -------------------------------------------------------------------------------


def test_the_list_index_names_each_list_type_with_basis_deciders_and_count(
    listed: Listings, client: Client
) -> None:
    page = page_of(client, "/publicity/lists/")
    main = main_of(page)
    assert 'href="/publicity/lists/" aria-current="page"' in page  # in the navigation
    market = section(main, f'id="list-{MARKET_LIST}-title"', "</article>")
    assert MARKET_LIST_NAME in market and MARKET_BASIS in market and "市市场监管委" in market
    assert re.search(r'class="count-link">\s*2 条', market)
    assert main.index("失信惩戒名单") < main.index(f'id="list-{TAX_A}-title"')
    tax_a = section(main, f'id="list-{TAX_A}-title"', "</article>")
    assert re.search(r'class="count-link">\s*1 条', tax_a)
    court = section(main, 'id="list-court_dishonest_debtor-title"', "</article>")
    assert re.search(r'class="count-link">\s*0 条', court) and "市高级法院" in court


def test_a_list_page_shows_its_public_entries_newest_first(
    listed: Listings, client: Client
) -> None:
    page = page_of(client, f"/publicity/lists/{MARKET_LIST}/")
    main = main_of(page)
    assert f"<h1>{MARKET_LIST_NAME}</h1>" in main and MARKET_BASIS in main
    docs = re.findall(r'<td class="doc"[^>]*>([^<]+)</td>', main)
    assert docs == ["津市监列〔2026〕2号", "津市监列〔2026〕1号"]
    assert not any(doc in main for doc in HIDDEN_DOCS)
    assert f'href="/subjects/{listed.recent.uscc}/"' in main and FACTS in main
    assert "共 2 条" in main and 'aria-current="page">名单公示' in page


def test_a_list_page_filters_by_district_and_pages_keep_the_filter(
    listed: Listings, client: Client
) -> None:
    main = main_of(page_of(client, f"/publicity/lists/{MARKET_LIST}/?district=120116"))
    assert re.findall(r'<td class="doc"[^>]*>([^<]+)</td>', main) == ["津市监列〔2026〕2号"]
    for n in range(10, 31):
        punish(listed.market, company(n), f"津市监列〔2026〕{n}号")
    main = main_of(page_of(client, f"/publicity/lists/{MARKET_LIST}/?district=120101"))
    assert "共 22 条" in main and 'href="?district=120101&amp;page=2"' in main
    second = main_of(page_of(client, f"/publicity/lists/{MARKET_LIST}/?district=120101&page=2"))
    assert len(re.findall(r'<td class="doc"', second)) == 2
    bad = main_of(page_of(client, f"/publicity/lists/{MARKET_LIST}/?district=999999"))
    assert 'class="error"' in bad and "共 23 条" in bad  # unfiltered, and says why


def test_a_list_page_costs_the_same_queries_for_few_or_many_rows(
    listed: Listings, client: Client
) -> None:
    with CaptureQueriesContext(connection) as few:
        page_of(client, f"/publicity/lists/{MARKET_LIST}/")
    for n in range(10, 20):
        punish(listed.market, company(n), f"津市监列〔2026〕{n}号")
    with CaptureQueriesContext(connection) as many:
        page_of(client, f"/publicity/lists/{MARKET_LIST}/")
    assert len(few) == len(many) <= 8


def test_an_unknown_list_is_a_proper_404_page(listed: Listings, client: Client) -> None:
    response = client.get("/publicity/lists/no_such_list/")
    assert response.status_code == 404
    assert "未找到该名单" in main_of(response.content.decode())


def test_the_list_pages_in_english(listed: Listings, client: Client) -> None:
    for url in ("/en/publicity/lists/", f"/en/publicity/lists/{MARKET_LIST}/"):
        page = page_of(client, url)
        assert 'lang="en"' in page and ">Penalties</a>" in page
    page = page_of(client, f"/en/publicity/lists/{MARKET_LIST}/")
    assert "Decision number" in page and 'href="/en/subjects/' in page
