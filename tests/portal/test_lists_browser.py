"""Lists in a real Chromium: from the list publicity to a listed subject's page, its search
badge and the statistics chart, on a desktop and a phone, with no request leaving the site."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache

from tests.conftest import screenshot
from tests.lists.public_fixtures import MARKET_LIST, MARKET_LIST_NAME, listings
from tests.portal.test_subject_browser import DESKTOP, PHONE, fits_the_width
from xinyong.catalog.services import default_policy_dir, load_policy

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_list_publicity_a_listed_subject_its_badge_and_the_chart(
    live_server: LiveServer, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    cache.clear()  # the statistics page serves cached figures
    load_policy(default_policy_dir())
    listed = listings()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url),
    )
    subject_url = f"{live_server.url}/subjects/{listed.both.uscc}/"

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="名单公示").click()
    page.wait_for_url(live_server.url + "/publicity/lists/")
    assert page.locator("h1").inner_text() == "名单公示"
    screenshot(page, "lists-index")
    page.get_by_role("link", name=MARKET_LIST_NAME, exact=True).click()
    page.wait_for_url(f"{live_server.url}/publicity/lists/{MARKET_LIST}/")
    assert page.locator("table.publicity tbody tr").count() == 2  # not the hidden three
    screenshot(page, "lists-market")
    page.get_by_role("link", name=listed.both.name, exact=True).click()
    page.wait_for_url(subject_url)
    head = page.locator(".subject-head")
    assert head.get_by_text("失信惩戒对象").is_visible()
    assert head.get_by_text("守信激励对象").is_visible()
    memberships = page.locator("#lists article")
    assert memberships.count() == 2
    assert MARKET_LIST_NAME in memberships.first.inner_text()
    screenshot(page, "subject-listed")

    page.goto(live_server.url + "/search/?q=名单公示")
    hit = page.locator("table.search-results tbody tr").filter(
        has=page.get_by_role("link", name=listed.both.name, exact=True)
    )
    assert "失信惩戒对象" in hit.inner_text() and "守信激励对象" in hit.inner_text()
    removed = page.locator("table.search-results tbody tr").filter(
        has=page.get_by_role("link", name=listed.removed.name, exact=True)
    )
    assert "失信惩戒对象" not in removed.inner_text()
    screenshot(page, "search-list-badges")

    page.goto(live_server.url + "/statistics/")
    page.locator("[data-chart=lists] svg").wait_for()
    assert page.locator("[data-chart=lists] svg text", has_text="失信惩戒名单").count() >= 1
    screenshot(page, "stats-lists")

    page.set_viewport_size(PHONE)
    for url, name in (
        (subject_url, "subject-listed-phone"),
        (f"{live_server.url}/publicity/lists/{MARKET_LIST}/", "lists-market-phone"),
        (f"{live_server.url}/publicity/lists/", "lists-index-phone"),
        (f"{live_server.url}/search/?q=名单公示", "search-list-badges-phone"),
        (f"{live_server.url}/statistics/", "stats-lists-phone"),
    ):
        page.goto(url)
        assert fits_the_width(page), name
        screenshot(page, name)
    page.set_viewport_size(DESKTOP)
    assert outside == []
