"""Searching from the header box of the home page to a subject page, in a real Chromium, by
two characters of a name and by a USCC, with the keyboard, at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.conftest import screenshot
from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import BASIS, company, land, penalty, person
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir, load_policy

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request
    from pytest_django.live_server_helper import LiveServer


def fits_the_width(page: Page) -> bool:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= page.viewport_size["width"] if page.viewport_size else False


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_by_two_characters_and_by_uscc_then_open_the_result(
    live_server: LiveServer, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    load_policy(default_policy_dir())
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    land(
        market,
        "XZCF",
        [
            penalty("津市监罚〔2026〕21号", company(1, "天津市海河贸易有限公司")),
            penalty("津市监罚〔2026〕22号", company(2, "天津市海河物流有限公司")),
            penalty("津市监罚〔2026〕23号", company(3, "天津市渤海科技有限公司")),
            penalty("津市监罚〔2026〕24号", person(4, "海大富")),
        ],
    )
    requested: list[str] = []

    def remember(request: Request) -> None:
        requested.append(request.url)

    page.on("request", remember)

    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="查询信用主体")
    box.fill("海河")
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/search/?q={quote('海河')}")
    links = page.locator("a.subject-link")
    assert links.all_inner_texts() == ["天津市海河物流有限公司", "天津市海河贸易有限公司"]
    assert "海大富" not in page.content() and "海**" not in page.content()
    screenshot(page, "search-fragment")
    page.get_by_role("link", name="天津市海河贸易有限公司").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/subjects/{uscc(1)}/")
    assert page.locator("h1").inner_text() == "天津市海河贸易有限公司"
    record = page.locator("article.record")
    assert "津市监罚〔2026〕21号" in record.inner_text() and BASIS in record.inner_text()

    page.get_by_role("searchbox", name="查询信用主体").fill(uscc(3).lower())
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url(f"{live_server.url}/search/?q=**")
    assert page.locator("a.subject-link").all_inner_texts() == ["天津市渤海科技有限公司"]
    screenshot(page, "search-uscc")
    page.locator("a.subject-link").click()
    page.wait_for_url(f"{live_server.url}/subjects/{uscc(3)}/")

    # A person by ID number, through the search page's own form: found, masked, and the
    # number in no address the browser asked for.
    number = citizen_id(4, born="19850101")
    page.goto(live_server.url + "/search/")
    page.get_by_label("名称或代码").fill(number)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert page.locator("a.subject-link").all_inner_texts() == ["海**"]
    assert number not in page.content()
    assert not [url for url in requested if number in url]

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/search/?q={quote('海')}")
    assert fits_the_width(page)
    screenshot(page, "search-phone")
    page.goto(f"{live_server.url}/subjects/{uscc(3)}/")
    assert page.get_by_role("searchbox", name="查询信用主体").is_visible()
    assert fits_the_width(page)
    assert not [url for url in requested if not url.startswith(live_server.url)]
