"""The statistics page: its figures against records landed through the real ingestion
pipeline, its query count, and its tables in both languages.

Two departments send penalties, licences, a list entry and a government-only item, some
public and some not, some within the 7-working-day deadline and some late. Decision dates
are relative to today, since the page counts what is public today: "recent" is yesterday
(within the deadline whatever the calendar), "late" thirty days ago (beyond it even across
the Spring Festival), and two penalties sit on either side of the twelve-month window.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.lists.public_fixtures import MARKET_LIST_NAME, listings
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.core.identifiers import citizen_id_check_char, make_uscc
from xinyong.lists.public import ListFigures
from xinyong.portal.statistics import MonthlyRow, Statistics, statistics, window
from xinyong.portal.stats_views import CHART_DEPARTMENTS, chart_data
from xinyong.records import services
from xinyong.records.public import public_records
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.services import SubjectIdentifiers, link

MARKET = "市市场监管委"
HRSS = "市人社局"


def uscc(n: int, district: str) -> str:
    return make_uscc("9", "1", district, f"{n:08d}")


def citizen_id(n: int, district: str) -> str:
    first17 = district + "19850101" + f"{n:03d}"
    return first17 + citizen_id_check_char(first17)


def _subject(n: int, district: str) -> dict[str, str]:
    return {
        "subject_name": f"天津市统计测试{n}有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": uscc(n, district),
        "legal_rep": "张三",
        "legal_rep_id_type": "身份证",
        "legal_rep_id_no": citizen_id(n, district),
    }


def _person(n: int, district: str) -> dict[str, str]:
    return {
        "subject_name": "李四",
        "subject_category": "自然人",
        "id_type": "身份证",
        "id_no": citizen_id(n, district),
    }


def _source(organisation: Organisation) -> dict[str, str]:
    return {"source_unit": organisation.name, "source_unit_uscc": organisation.uscc}


def penalty(
    organisation: Organisation, doc: str, decided: date, subject: dict[str, str], kind: str = "罚款"
) -> dict[str, object]:
    return {
        **subject,
        "doc_no": doc,
        "violation_type": "虚假宣传",
        "facts": "经查，当事人发布虚假广告。",
        "basis": "《中华人民共和国广告法》第五十五条",
        "penalty_types": kind,
        "penalty_content": "罚款人民币15000元",
        "fine_amount": "1.5",
        "decision_date": decided.isoformat(),
        "penalty_valid_until": (decided + timedelta(days=365)).isoformat(),
        "authority": organisation.name,
        "authority_uscc": organisation.uscc,
        **_source(organisation),
    }


def licence(
    organisation: Organisation, doc: str, decided: date, subject: dict[str, str], until: date
) -> dict[str, object]:
    return {
        **subject,
        "doc_name": "食品经营许可证",
        "doc_no": doc,
        "licence_category": "普通",
        "content": "食品销售",
        "decision_date": decided.isoformat(),
        "valid_from": decided.isoformat(),
        "valid_to": until.isoformat(),
        "authority": organisation.name,
        "authority_uscc": organisation.uscc,
        "status": "有效",
        **_source(organisation),
    }


def abnormal(
    organisation: Organisation, doc: str, listed: date, subject: dict[str, str]
) -> dict[str, object]:
    return {
        **subject,
        "listing_doc_no": doc,
        "listing_reason": "未按规定期限公示年度报告",
        "listing_date": listed.isoformat(),
        "listing_authority": organisation.name,
        **_source(organisation),
    }


def wage_arrears(
    organisation: Organisation, doc: str, decided: date, subject: dict[str, str]
) -> dict[str, object]:
    return {
        **subject,
        "doc_no": doc,
        "arrears_amount": "3.2",
        "workers_affected": "5",
        "decision_date": decided.isoformat(),
        "settled": "未清偿",
        **_source(organisation),
    }


def first_of_month(day: date, back: int) -> date:
    """The first day of the month `back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Known:
    """What the ingested data must produce: public records per department and decision
    month, and (measured, on time) per department for the items with a deadline."""

    today: date
    monthly: dict[str, Counter[date]]
    timeliness: dict[str, tuple[int, int]]
    subjects: dict[tuple[str, str], int]


def _land(organisation: Organisation, item: str, records: list[dict[str, object]]) -> None:
    made = services.submit_records(organisation=organisation, item_code=item, records=records)
    done = services.process(made)
    assert (done.status, done.accepted, done.rejected) == ("done", len(records), 0), item


def ingest_known_data() -> Known:
    """Land the records and say what the statistics must count (policy loaded first)."""
    today = timezone.localdate()
    recent, late = today - timedelta(days=1), today - timedelta(days=30)
    start = first_of_month(today, 11)
    market = Organisation.objects.get(short_name=MARKET)
    hrss = Organisation.objects.get(short_name=HRSS)
    _land(
        market,
        "XZCF",
        [
            penalty(market, "津市监罚〔2026〕1号", recent, _subject(1, "120101")),
            penalty(market, "津市监罚〔2026〕2号", late, _subject(2, "120102")),
            penalty(market, "津市监罚〔2026〕3号", start, _subject(3, "120116"), "吊销许可证件"),
            # Not public: a warning only (minor: not published), and a serious penalty decided
            # the day before the window opens (public, but outside the period).
            penalty(market, "津市监罚〔2026〕4号", recent, _subject(4, "120101"), "警告"),
            penalty(
                market,
                "津市监罚〔2026〕5号",
                start - timedelta(days=1),
                _subject(7, "120104"),
                "吊销许可证件",
            ),
        ],
    )
    _land(
        market,
        "XZXK",
        [
            licence(
                market, "津市监许〔2026〕1号", recent, _subject(5, "120101"), date(2099, 12, 31)
            ),
            # Its validity, hence its publication, ended ten days ago.
            licence(
                market,
                "津市监许〔2026〕2号",
                today - timedelta(days=60),
                _subject(6, "120104"),
                today - timedelta(days=10),
            ),
        ],
    )
    # Public, but 经营异常名录 has no receipt deadline: counted by month, not for timeliness.
    _land(market, "JYYC", [abnormal(market, "津市监异〔2026〕1号", late, _subject(1, "120101"))])
    _land(
        hrss,
        "XZCF",
        [
            penalty(hrss, "津人社罚〔2026〕1号", recent, _person(1, "120102")),
            penalty(hrss, "津人社罚〔2026〕2号", late, _subject(8, "120116")),
            penalty(hrss, "津人社罚〔2026〕3号", recent, _subject(9, "120101")),
        ],
    )
    # 政务共享: on no public surface.
    _land(
        hrss, "TQNMGGZ", [wage_arrears(hrss, "津人社监〔2026〕1号", recent, _subject(10, "120103"))]
    )
    return Known(
        today=today,
        monthly={
            MARKET: Counter({first_of_month(recent, 0): 2, first_of_month(late, 0): 2, start: 1}),
            HRSS: Counter({first_of_month(recent, 0): 2, first_of_month(late, 0): 1}),
        },
        timeliness={MARKET: (4, 2), HRSS: (3, 2)},
        subjects={
            ("和平区", "legal_person"): 4,
            ("河东区", "legal_person"): 1,
            ("", "natural_person"): 1,  # a person's district is not read from the ID number
            ("河西区", "legal_person"): 1,
            ("南开区", "legal_person"): 2,
            ("滨海新区", "legal_person"): 2,
        },
    )


# -- the tests -----------------------------------------------------------------------------------


def land_known_data(settings: Any, tmp_path: Path) -> Known:
    """Load the policy and ingest the known records, storing their files under `tmp_path`."""
    settings.XINYONG_VAR_DIR = tmp_path
    cache.clear()  # the page serves cached figures; a test's data must not meet another's
    load_policy(default_policy_dir())
    return ingest_known_data()


@pytest.fixture
def known(db: None, settings: Any, tmp_path: Path) -> Known:
    return land_known_data(settings, tmp_path)


def test_window_is_twelve_calendar_months_ending_with_todays() -> None:
    months = window(date(2026, 2, 10))
    assert len(months) == 12
    assert (months[0], months[-1]) == (date(2025, 3, 1), date(2026, 2, 1))
    assert window(date(2026, 12, 31))[0] == date(2026, 1, 1)


def test_records_by_department_and_month_count_only_public_records(known: Known) -> None:
    figures = statistics(known.today)
    assert figures.months == window(known.today)
    by_department = {row.department: row for row in figures.monthly}
    assert set(by_department) == {MARKET, HRSS}
    for name, expected in known.monthly.items():
        assert by_department[name].counts == tuple(expected[m] for m in figures.months), name
    assert [row.department for row in figures.monthly] == [MARKET, HRSS]  # most records first
    assert figures.records == 8
    assert sum(figures.month_totals) == 8 and figures.month_totals[0] == 1


def test_timeliness_rate_by_department(known: Known) -> None:
    figures = statistics(known.today)
    rows = {row.department: row for row in figures.timeliness}
    assert {name: (r.measured, r.on_time) for name, r in rows.items()} == known.timeliness
    assert rows[HRSS].rate == pytest.approx(2 / 3) and rows[MARKET].rate == 0.5
    assert [row.department for row in figures.timeliness] == [HRSS, MARKET]  # best rate first
    measured = public_records(today=known.today).filter(
        organisation__short_name=HRSS, item__code__in=["XZCF", "XZXK"]
    )
    days = [r.timeliness_days or 0 for r in measured]
    assert rows[HRSS].average_days == round(sum(days) / len(days), 1)
    assert [(d.item, d.working_days) for d in figures.deadlines] == [
        ("行政处罚", 7),
        ("行政许可", 7),
    ]


def test_subjects_by_district_and_kind(known: Known) -> None:
    figures = statistics(known.today)
    assert figures.kinds == ("legal_person", "natural_person")
    found = {
        (row.name, kind): count
        for row in figures.districts
        for kind, count in zip(figures.kinds, row.counts, strict=True)
        if count
    }
    assert found == known.subjects
    codes = [row.code for row in figures.districts]
    assert codes == ["120101", "120102", "120103", "120104", "120116", ""]  # unknown last
    assert figures.subjects == Subject.objects.count() == 11


def test_subjects_outside_the_configured_districts_count_as_unknown(known: Known) -> None:
    beijing = SubjectIdentifiers(uscc=make_uscc("9", "1", "110101", "00000099"))
    link(beijing, name="北京某测试有限公司", kind=SubjectKind.LEGAL_PERSON, source="test")
    rows = statistics(known.today).districts
    assert (rows[-1].code, rows[-1].name, rows[-1].counts) == ("", "", (1, 1))


def test_empty_platform(db: None) -> None:
    figures = statistics()
    assert (figures.monthly, figures.timeliness, figures.districts) == ((), (), ())
    assert figures.month_totals == () and figures.records == 0


def _counting(queries: CaptureQueriesContext) -> list[str]:
    """The queries that compute figures (not the cache's own, nor its savepoints)."""
    own = ("xinyong_cache", "SAVEPOINT")
    return [q["sql"] for q in queries.captured_queries if not any(o in q["sql"] for o in own)]


def test_the_page_costs_the_same_few_queries_however_much_data(
    known: Known, client: Client
) -> None:
    with CaptureQueriesContext(connection) as first:
        response = client.get("/statistics/")
    assert response.status_code == 200
    market = Organisation.objects.get(short_name=MARKET)
    more = [
        penalty(market, f"津市监罚〔2026〕{n}号", known.today, _subject(n, "120105"))
        for n in range(100, 130)
    ]
    _land(market, "XZCF", more)
    with CaptureQueriesContext(connection) as cached:
        response = client.get("/statistics/")
    cache.clear()
    with CaptureQueriesContext(connection) as second:
        response = client.get("/statistics/")
    assert len(_counting(first)) == len(_counting(second)) <= 8
    assert not _counting(cached)  # served from the cache
    assert statistics(known.today).records == 38


def test_the_page_shows_the_figures_as_tables(known: Known, client: Client) -> None:
    page = client.get("/statistics/").content.decode()
    assert "<h1>统计数据</h1>" in page and f"截至{known.today.isoformat()}" in page
    assert 'id="stats-data" type="application/json"' in page
    assert "echarts.min.js" in page and "stats.js" in page
    timeliness = page[page.index('id="timeliness-table"') :]
    timeliness = timeliness[: timeliness.index("</table>")]
    assert re.search(
        rf"{HRSS}</th>\s*<td[^>]*>3</td>\s*<td[^>]*>2</td>\s*<td[^>]*>66.7%", timeliness
    )
    assert "行政处罚：作出决定后 7 个工作日内报送" in page


def test_the_page_in_english(known: Known, client: Client) -> None:
    page = client.get("/en/statistics/").content.decode()
    assert 'lang="en"' in page and "<h1>Statistics</h1>" in page
    assert "统计数据" not in page and "Timeliness" in page


def test_chart_data_is_the_table_data(known: Known) -> None:
    figures = statistics(known.today)
    months = [m.isoformat() for m in figures.months]
    data = chart_data(figures, months, ["法人", "自然人"])
    assert data["monthly"]["categories"] == months
    assert [s["name"] for s in data["monthly"]["series"]] == [MARKET, HRSS]
    assert data["timeliness"]["series"][0]["data"] == [66.7, 50.0]
    assert [s["name"] for s in data["districts"]["series"]] == ["法人", "自然人"]
    assert data["districts"]["series"][1]["data"] == [0, 0, 0, 0, 0, 1]
    assert data["districts"]["categories"][-1] == "未注明行政区"


def test_the_monthly_chart_draws_the_largest_departments_and_sums_the_rest() -> None:
    rows = tuple(MonthlyRow(f"部门{n}", (n, 1)) for n in range(CHART_DEPARTMENTS + 3, 0, -1))
    months = window(date(2026, 2, 1), 2)
    figures = Statistics(
        date(2026, 2, 1), months, rows, (), (), (), (), ListFigures(months, (), ())
    )
    series = chart_data(figures, ["1月", "2月"], [])["monthly"]["series"]
    assert len(series) == CHART_DEPARTMENTS + 1
    assert series[0] == {"name": f"部门{CHART_DEPARTMENTS + 3}", "data": [CHART_DEPARTMENTS + 3, 1]}
    assert series[-1] == {"name": "其他部门", "data": [3 + 2 + 1, 3]}


def test_list_entries_by_month_and_list_type_count_public_entries_only(
    known: Known, client: Client
) -> None:
    listings()  # four public entries; one removed, one expired, one unpublished
    figures = statistics(known.today)
    assert figures.lists.total == 4
    data = chart_data(figures, [m.isoformat() for m in figures.months], [])["lists"]
    assert [(s["kind"], sum(s["data"])) for s in data["series"]] == [
        ("punishment", 3),
        ("incentive", 1),
    ]
    assert data["categories"] == [m.isoformat() for m in figures.months]
    page = client.get("/statistics/").content.decode()
    assert 'data-chart="lists"' in page
    types = page[page.index('id="list-types-table"') :]
    types = types[: types.index("</table>")]
    assert re.search(
        rf"{MARKET_LIST_NAME}</a></th>\s*<td class=\"num\">2</td>\s*<td>失信惩戒名单</td>", types
    )
    assert re.search(
        r"纳税信用A级纳税人</a></th>\s*<td class=\"num\">1</td>\s*<td>守信激励名单</td>", types
    )
    monthly = page[page.index('id="lists-table"') :]
    monthly = monthly[: monthly.index("</table>")]
    assert re.search(
        r"失信惩戒名单</th>(\s*<td class=\"num\">\d+</td>){12}\s*<td class=\"num\">3</td>", monthly
    )
