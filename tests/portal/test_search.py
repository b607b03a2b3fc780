"""The search page through the test client: posted queries, links to subject pages, public
record counts, persons and ID numbers, queries per page, XSS. Records come through the real
ingestion pipeline (`tests.records.test_public_fixtures`)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import (
    company,
    days_ago,
    land,
    market,
    penalty,
    person,
    policy,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.subjects.models import Subject

__all__ = ["market", "policy", "var_dir"]  # fixtures used by name

XSS_NAME = '<script>alert("x")</script>天津市恶意脚本有限公司'
PERSON_ID = citizen_id(9, born="19850101")


def page_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def result_links(page: str) -> list[str]:
    return re.findall(r'class="subject-link" href="([^"]+)"', page)


@pytest.fixture
def landed(market: Organisation) -> None:
    """Three companies (one with two public penalties, one whose only penalty has ended, one
    with a hostile name) and a person, all landed through the pipeline."""
    land(
        market,
        "XZCF",
        [
            penalty("津市监罚〔2026〕11号", company(1, "天津市华信物流有限公司")),
            penalty("津市监罚〔2026〕12号", company(1, "天津市华信物流有限公司")),
            penalty(
                "津市监罚〔2023〕13号",
                company(2, "天津市华信科技有限公司"),
                decided=days_ago(800),
            ),
            penalty("津市监罚〔2026〕14号", company(3, XSS_NAME)),
            penalty(
                "津市监罚〔2026〕15号",
                {**person(9, "王华信"), "id_no": PERSON_ID},
            ),
        ],
    )


def test_a_fragment_lists_companies_with_their_public_record_counts(
    landed: None, client: Client
) -> None:
    page = page_of(client, "/search/?q=华信")
    assert result_links(page) == [f"/subjects/{uscc(1)}/", f"/subjects/{uscc(2)}/"]
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    assert "天津市华信物流有限公司" in rows[0] and re.search(r'class="num">2<', rows[0])
    # The other company's only penalty ended its publication: it counts nothing.
    assert "天津市华信科技有限公司" in rows[1] and re.search(r'class="num">0<', rows[1])
    assert "找到 2 个主体" in page and "王" not in "".join(rows)  # the person is not listed


def test_a_result_opens_the_subject_page(landed: None, client: Client) -> None:
    link = result_links(page_of(client, "/search/?q=物流"))[0]
    subject_page = page_of(client, link)
    assert "天津市华信物流有限公司" in subject_page and "津市监罚〔2026〕11号" in subject_page


def test_a_posted_query_is_sent_on_to_a_bookmarkable_address(landed: None, client: Client) -> None:
    response = client.post("/search/", {"q": " 华信物流 ", "district": "120101"})
    assert response.status_code == 303
    assert unquote(response["Location"]) == "/search/?q=华信物流&district=120101"
    assert result_links(page_of(client, response["Location"])) == [f"/subjects/{uscc(1)}/"]


def test_a_uscc_finds_its_company(landed: None, client: Client) -> None:
    assert result_links(page_of(client, f"/search/?q={uscc(1).lower()}")) == [
        f"/subjects/{uscc(1)}/"
    ]
    assert result_links(page_of(client, f"/search/?q={uscc(1)[:16]}")) == [f"/subjects/{uscc(1)}/"]


def test_a_person_by_exact_name_and_district_is_masked(landed: None, client: Client) -> None:
    page = page_of(client, "/search/?q=王华信&district=120101")
    subject = Subject.objects.get(kind="natural_person")
    assert result_links(page)[0] == f"/subjects/id/{subject.public_id}/"
    assert "王**" in page and PERSON_ID[:6] + "********" + PERSON_ID[-4:] in page
    table = re.findall(r"<table.*</table>", page, re.S)[0]
    assert "王华信" not in table  # only the query the visitor typed repeats the full name


def test_an_id_number_is_answered_without_ever_entering_an_address(
    landed: None, client: Client
) -> None:
    response = client.post("/search/", {"q": PERSON_ID})
    assert response.status_code == 200  # no redirect: the number stays in the form body
    page = response.content.decode()
    subject = Subject.objects.get(kind="natural_person")
    assert result_links(page) == [f"/subjects/id/{subject.public_id}/"]
    assert PERSON_ID not in page and "王**" in page
    hrefs = " ".join(re.findall(r'(?:href|action|value)="([^"]*)"', page))
    assert PERSON_ID[6:14] not in hrefs
    # The same number typed into an address finds nobody, and says why.
    refused = page_of(client, f"/search/?q={PERSON_ID}")
    assert result_links(refused) == [] and "号码不会出现在网址中" in refused
    assert PERSON_ID not in re.findall(r"<main.*</main>", refused, re.S)[0]


def test_hostile_names_and_queries_render_inert(landed: None, client: Client) -> None:
    page = page_of(client, "/search/?q=恶意脚本")
    stored = Subject.objects.get(uscc=uscc(3)).name  # brackets made full width on the way in
    assert "<script>" in stored and "<script>" not in page
    assert f'class="subject-link" href="/subjects/{uscc(3)}/">{escape(stored)}</a>' in page
    echoed = page_of(client, "/search/?q=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E")
    assert "<img src=x" not in echoed and "&lt;img src=x onerror=alert(1)&gt;" in echoed


def test_the_header_box_is_on_portal_pages_only(policy: None, client: Client) -> None:
    home = page_of(client, "/")
    assert 'class="header-search"' in home and 'action="/search/"' in home
    assert 'for="header-search-q"' in home
    assert 'class="header-search"' not in page_of(client, "/search/")  # it has its own box
    assert 'class="header-search"' not in page_of(client, "/office/login/")


def test_no_query_shows_the_form_and_english_works(policy: None, client: Client) -> None:
    page = page_of(client, "/search/")
    assert 'for="search-q"' in page and "result-count" not in page
    english = page_of(client, "/en/search/?q=x")
    assert "Subject search" in english and "Found 0 subjects" in english


def test_queries_do_not_grow_with_the_results(market: Organisation, client: Client) -> None:
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            page_of(client, url)
        return len(captured)

    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{n}号", company(n)) for n in range(1, 4)])
    few = queries("/search/?q=公示测试")
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{n}号", company(n)) for n in range(4, 19)])
    many = queries("/search/?q=公示测试")
    assert few == many <= 16
