"""Subject pages through the test client: addresses, what is shown, masking, XSS, queries."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import (
    BASIS,
    company,
    days_ago,
    hrss,
    land,
    market,
    penalty,
    person,
    policy,
    var_dir,
    wage_arrears,
)
from xinyong.accounts.models import Organisation
from xinyong.records.models import Record
from xinyong.subjects.models import Subject

if TYPE_CHECKING:
    from pytest_django.fixtures import DjangoAssertNumQueries

__all__ = ["hrss", "market", "policy", "var_dir"]  # fixtures used by name

XSS_NAME = "<script>alert(1)</script>天津市恶意有限公司"
XSS_FACTS = '当事人<img src=x onerror="alert(2)">发布虚假广告'


def page_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def company_page(market: Organisation, hrss: Organisation) -> str:
    land(
        market,
        "XZCF",
        [
            penalty("津市监罚〔2026〕1号", company(1)),
            penalty("津市监罚〔2024〕2号", company(1), decided=days_ago(800)),
            penalty("津市监罚〔2026〕3号", company(1), types="警告"),
            penalty("津市监罚〔2026〕4号", company(1)),
        ],
    )
    land(hrss, "TQNMGGZ", [wage_arrears("津人社处〔2026〕1号", company(1), hrss)])
    # No service withdraws records yet (the rights issue); set the state it will leave.
    Record.objects.filter(doc_no="津市监罚〔2026〕4号").update(state="withdrawn")
    return page_of(Client(), f"/subjects/{uscc(1)}/")


def test_an_organisation_page_shows_its_public_record_with_basis_and_period(
    company_page: str,
) -> None:
    assert "天津市公示测试1有限公司" in company_page and uscc(1) in company_page
    assert "法人及非法人组织" in company_page and "和平区" in company_page
    assert "津市监罚〔2026〕1号" in company_page and BASIS in company_page
    assert "天津市市场监督管理委员会" in company_page
    start = days_ago(30)
    end = Record.objects.get(doc_no="津市监罚〔2026〕1号").publication_ends
    assert end is not None and f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}" in company_page
    # A catalogue item that is not public is not even named (the list item of the same
    # department's 拖欠农民工工资失信联合惩戒对象名单 is).
    assert not re.search("拖欠农民工工资(?!失信)", company_page)


@pytest.mark.parametrize(
    "absent",
    [
        "津市监罚〔2024〕2号",  # publication ended
        "津市监罚〔2026〕3号",  # a warning alone: never published
        "津市监罚〔2026〕4号",  # withdrawn
        "津人社处〔2026〕1号",  # government sharing only
    ],
)
def test_nothing_non_public_is_on_the_page(company_page: str, absent: str) -> None:
    assert absent not in company_page


def test_addresses_are_canonical(market: Organisation, client: Client) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕1号", company(1))])
    subject = Subject.objects.get(uscc=uscc(1))
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in uscc(1))
    response = client.get(f"/subjects/{full_width}/")
    assert response.status_code == 301 and response["Location"] == f"/subjects/{uscc(1)}/"
    response = client.get(f"/subjects/id/{subject.public_id}/")
    assert response.status_code == 301 and response["Location"] == f"/subjects/{uscc(1)}/"


@pytest.mark.parametrize("key", ["91120101000000999X", "not-a-code", "id/unknown-public-id"])
def test_an_unknown_key_is_a_proper_404_page(policy: None, client: Client, key: str) -> None:
    response = client.get(f"/subjects/{key}/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-header"' in page
    main = page[page.index("<main") : page.index("</main>")]
    assert "未找到信用主体" in main and key.split("/")[-1] not in main


def test_a_person_has_a_masked_page_by_public_id_only(market: Organisation, client: Client) -> None:
    number = citizen_id(7, born="19850101")
    land(market, "XZCF", [penalty("津市监罚〔2026〕7号", person(7), facts="李四光销售假冒商品")])
    subject = Subject.objects.get(kind="natural_person")
    page = page_of(client, f"/subjects/id/{subject.public_id}/")
    assert "李**" in page and number[:6] + "********" + number[-4:] in page
    assert "李四光" not in page and number not in page
    assert "津市监罚〔2026〕7号" in page and "登记状态" not in page
    assert client.get(f"/subjects/{number}/").status_code == 404


def test_hostile_text_from_an_ingested_file_renders_inert(
    market: Organisation, client: Client
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕8号", company(8, XSS_NAME), facts=XSS_FACTS)])
    name = Subject.objects.get(uscc=uscc(8)).name  # as the pipeline normalised it
    assert name.startswith("<script>")
    for url in (f"/subjects/{uscc(8)}/", "/publicity/penalties/"):
        page = page_of(client, url)
        assert "<script>" not in page and "<img" not in page
        assert escape(name) in page
    page = page_of(client, f"/subjects/{uscc(8)}/")
    assert "当事人&lt;img src=x onerror=&quot;alert(2)&quot;&gt;发布虚假广告" in page


def test_the_page_costs_the_same_queries_for_one_record_or_many(
    market: Organisation, client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕1号", company(1))])
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{n}号", company(2)) for n in range(10, 50)])
    counted = []
    for n in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            page_of(client, f"/subjects/{uscc(n)}/")
        counted.append(len(queries))
    assert counted[0] == counted[1]
    # Six for the page, three for the repair options of its negative records, one for the
    # grades the evaluation models make public.
    with django_assert_max_num_queries(10):
        page_of(client, f"/subjects/{uscc(2)}/")


def test_the_page_in_english(market: Organisation, client: Client) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕1号", company(1))])
    page = page_of(client, f"/en/subjects/{uscc(1)}/")
    assert 'lang="en"' in page and "Basic information" in page and "Legal basis" in page
