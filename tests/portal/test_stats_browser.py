"""The statistics page in a real Chromium: charts drawn, tables right, English, a phone,
no JavaScript, and no request leaving the site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.utils import translation

from tests.conftest import screenshot
from tests.portal.test_stats import HRSS, MARKET, Known, land_known_data
from xinyong.subjects.models import SubjectKind

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = 3


@pytest.fixture
def known(transactional_db: None, settings: Any, tmp_path: Path) -> Known:
    return land_known_data(settings, tmp_path)


def row_cells(page: Page, table: str, header: str) -> list[str]:
    row = page.locator(f"#{table} tbody tr").filter(has=page.locator("th", has_text=header))
    return [cell.strip() for cell in row.locator("td").all_text_contents()]


def test_charts_are_drawn_from_the_tables_and_switch_to_english(
    known: Known, live_server: LiveServer, page: Page
) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url),
    )
    page.goto(live_server.url + "/statistics/")
    assert page.locator("h1").inner_text() == "统计数据"
    page.locator("[data-chart] svg").nth(CHARTS - 1).wait_for()
    assert page.locator("[data-chart]:visible svg").count() == CHARTS
    # Once a chart is drawn its table folds away, one click from the reader.
    assert page.locator("details.chart-data[open]").count() == 0
    page.locator("details.chart-data summary").nth(1).click()
    assert row_cells(page, "timeliness-table", HRSS)[:3] == ["3", "2", "66.7%"]
    assert row_cells(page, "timeliness-table", MARKET)[:3] == ["4", "2", "50.0%"]
    assert row_cells(page, "monthly-table", MARKET)[-1] == "5"
    assert page.locator("[data-chart=timeliness] svg text", has_text="66.7%").count() == 1
    screenshot(page, "stats-zh")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(live_server.url + "/en/statistics/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Statistics"
    page.locator("[data-chart] svg").nth(CHARTS - 1).wait_for()
    with translation.override("en"):
        legal_persons = str(SubjectKind.LEGAL_PERSON.label)
    legend = page.locator("[data-chart=districts] svg text", has_text=legal_persons)
    assert legal_persons.isascii() and legend.count() >= 1
    headings = page.locator("#monthly-table thead th").all_text_contents()
    assert headings[0] == "Department" and not any("年" in h for h in headings)
    screenshot(page, "stats-en")
    assert outside == []


def test_on_a_phone(known: Known, live_server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/statistics/")
    page.locator("[data-chart] svg").nth(CHARTS - 1).wait_for()
    for box in page.locator("[data-chart]").all():
        bounds = box.bounding_box()
        assert bounds is not None and bounds["x"] > 0 and bounds["x"] + bounds["width"] < 390
    screenshot(page, "stats-zh-390")
    for summary in page.locator("details.chart-data summary").all():
        summary.click()
    # Nothing sticks out of the page: the wide monthly table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    scroller = page.locator(".table-scroll").first
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    screenshot(page, "stats-zh-390-tables")
    context.close()


def test_without_javascript_the_tables_stand_in(
    known: Known, live_server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/statistics/")
    assert page.locator("[data-chart]:visible").count() == 0
    assert page.locator("details.chart-data[open] table").count() == CHARTS
    assert row_cells(page, "timeliness-table", HRSS)[2] == "66.7%"
    context.close()
