"""The public home page, through the test client and in a real browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from tests.conftest import screenshot
from xinyong.catalog.services import default_policy_dir, load_policy

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.fixtures import DjangoAssertNumQueries
    from pytest_django.live_server_helper import LiveServer


@pytest.fixture
def policy(db: None) -> None:
    load_policy(default_policy_dir())


def test_home_lists_the_catalogue_with_legal_basis(
    policy: None, client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(30):
        response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "行政处罚" in page and "行政许可" in page and "失信被执行人" in page
    assert "《中华人民共和国行政处罚法》" in page
    assert ">16<" in page.replace("</strong>", "<")  # the 16 current districts


def test_home_without_policy_says_so(db: None, client: Client) -> None:
    assert "尚未载入信用信息目录" in client.get("/").content.decode()


def test_english_is_available(policy: None, client: Client) -> None:
    response = client.get("/en/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in page and "Public Credit Information Sharing Platform" in page
    assert "Credit information catalogue" in page and "公共信用信息共享平台" not in page


def test_pages_name_the_site_icon_and_favicon_ico_leads_to_it(db: None, client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<link rel="icon" type="image/svg+xml" href="/static/portal/icon.svg">' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 302 and icon["Location"] == "/static/portal/icon.svg"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_in_a_browser_and_switch_to_english(live_server: LiveServer, page: Page) -> None:
    load_policy(default_policy_dir())
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "公共信用信息共享平台"
    assert page.locator("table tbody tr").count() >= 14
    screenshot(page, "home-zh")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Public Credit Information Sharing Platform"
    screenshot(page, "home-en")
