"""From the penalty publicity list to a subject page, in a real Chromium, at two widths."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import screenshot
from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import BASIS, company, days_ago, land, penalty, person
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir, load_policy

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def fits_the_width(page: Page) -> bool:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= page.viewport_size["width"] if page.viewport_size else False


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_penalty_from_the_list_to_the_subject_page_masked_and_in_english(
    live_server: LiveServer, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    load_policy(default_policy_dir())
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    land(
        market,
        "XZCF",
        [
            penalty("津市监罚〔2026〕11号", company(1, "天津市海河贸易有限公司")),
            penalty(
                "津市监罚〔2024〕12号", company(1, "天津市海河贸易有限公司"), decided=days_ago(800)
            ),
            penalty("津市监罚〔2026〕13号", person(2), decided=days_ago(40)),
        ],
    )
    number = citizen_id(2, born="19850101")

    page.goto(live_server.url + "/publicity/penalties/")
    assert page.locator("h1").inner_text() == "行政处罚公示"
    screenshot(page, "publicity-penalties")
    page.get_by_role("link", name="天津市海河贸易有限公司").click()
    page.wait_for_url(f"{live_server.url}/subjects/{uscc(1)}/")
    record = page.locator("article.record")
    assert record.count() == 1
    assert "津市监罚〔2026〕11号" in record.inner_text() and BASIS in record.inner_text()
    assert "津市监罚〔2024〕12号" not in page.content()  # publication ended
    record.get_by_text("详细信息").click()
    assert record.get_by_text("经查，当事人发布虚假广告。").is_visible()
    screenshot(page, "subject-company")

    page.go_back()
    page.get_by_role("link", name="李**").click()
    page.wait_for_url(f"{live_server.url}/subjects/id/**")
    masked = number[:6] + "********" + number[-4:]
    assert page.locator("dd.code").inner_text() == masked
    assert number not in page.content() and "李四光" not in page.content()
    screenshot(page, "subject-person")

    page.set_viewport_size(PHONE)
    screenshot(page, "subject-person-phone")
    assert fits_the_width(page)
    page.goto(f"{live_server.url}/subjects/{uscc(1)}/")
    assert fits_the_width(page)
    screenshot(page, "subject-company-phone")
    page.goto(live_server.url + "/publicity/penalties/")
    assert fits_the_width(page)
    screenshot(page, "publicity-penalties-phone")
    page.go_back()

    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/subjects/{uscc(1)}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Basic information").is_visible()
    assert BASIS in page.locator("article.record").inner_text()
    screenshot(page, "subject-company-en")
