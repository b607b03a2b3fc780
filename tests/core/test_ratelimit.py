"""Rate limits: the fixed-window counter in the shared cache, the client address behind
trusted proxies, the API's 429 problem and the portal's 429 page, and their settings."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from tests.conftest import screenshot
from xinyong import config
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user, create_token
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.core import ratelimit
from xinyong.settings import _cache

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}

START = 60 * 29_000_000 + 20.5
"""A moment 20.5 seconds into a window."""


@pytest.fixture
def limits(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Small limits, and a clock that stays 20.5 s into one window until a test moves it."""
    settings.XINYONG_RATE_LIMITS = {"search": 3, "api": 2, "api_token": 4}
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: START))
    cache.clear()  # counters a browser test left (its transactions are not rolled back)
    return settings


def test_a_window_counts_each_client_then_starts_over(db: None, limits: Any) -> None:
    verdicts = [ratelimit.hit("search", "203.0.113.7") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after == 40 and verdicts[-1].limit == 3
    assert ratelimit.hit("search", "203.0.113.8").allowed  # another client
    assert ratelimit.hit("api", "203.0.113.7").allowed  # another rule
    assert ratelimit.hit("search", "203.0.113.7", now=START + 60).allowed  # the next window


def test_no_limit_touches_no_cache(db: None, settings: Any, django_assert_num_queries: Any) -> None:
    settings.XINYONG_RATE_LIMITS = {"search": 0}
    with django_assert_num_queries(0):
        assert all(ratelimit.hit("search", "203.0.113.7").allowed for _ in range(100))
        assert ratelimit.hit("unknown", "203.0.113.7").allowed


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        ("203.0.113.7", "", [], "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", [], "203.0.113.7"),  # nobody trusted: header ignored
        ("203.0.113.7", "198.51.100.1", ["10.0.0.0/8"], "203.0.113.7"),  # not from a proxy
        ("10.0.0.2", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.2", "1.1.1.1, 198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),  # spoofed left
        ("10.0.0.2", "198.51.100.1, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.1"),  # two proxies
        ("10.0.0.2", "10.0.0.9", ["10.0.0.0/8"], "10.0.0.9"),  # all hops trusted
        ("10.0.0.2", "", ["10.0.0.2"], "10.0.0.2"),
        ("10.0.0.2", "junk", ["10.0.0.2"], "junk"),
        ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
    ],
)
def test_the_client_address(
    settings: Any, remote: str, forwarded: str, trusted: list[str], client: str
) -> None:
    settings.XINYONG_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert ratelimit.client_address(request) == client


# -- the surfaces ----------------------------------------------------------------------------


@pytest.fixture
def policy(db: None) -> None:
    load_policy(default_policy_dir())


def test_the_api_answers_429_problems_with_retry_after(
    policy: None, limits: Any, client: Client
) -> None:
    url = "/api/v1/subjects?q=天津"
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    limited = client.get(url)
    assert limited.status_code == 429 and limited["Content-Type"] == "application/problem+json"
    assert limited["Retry-After"] == "40"
    body = limited.json()
    assert body["code"] == "rate_limited" and "40" in body["message"]
    assert client.get("/api/v1/subjects/x").status_code == 429  # both endpoints, one count
    assert client.get(url, REMOTE_ADDR="198.51.100.1").status_code == 200
    # A token has its own, separate allowance.
    organisation = Organisation.objects.filter(kind="department").first()
    assert organisation is not None
    secret = create_token(organisation=organisation, scopes=["subjects:read"]).secret
    headers = {"Authorization": f"Bearer {secret}"}
    assert [client.get(url, headers=headers).status_code for _ in range(5)] == [200] * 4 + [429]


def test_the_portal_search_answers_a_429_page(policy: None, limits: Any, client: Client) -> None:
    for _ in range(3):
        assert client.get("/search/?q=天津").status_code == 200
    limited = client.get("/search/?q=天津")
    assert limited.status_code == 429 and limited["Retry-After"] == "40"
    page = limited.content.decode()
    assert "查询过于频繁" in page and "每分钟最多查询 3 次" in page and "40 秒" in page
    assert client.post("/search/", {"q": "天津"}).status_code == 429  # posted ones count too
    english = client.get("/en/search/?q=x").content.decode()
    assert "Too many searches" in english and "40 seconds" in english
    assert client.get("/").status_code == 200  # other pages are not limited
    staff = create_staff_user(
        organisation=Organisation.objects.filter(kind="credit_office").get(),
        username="li.si",
        roles=["operator"],
        password="限流-测试-口令-2026",
    )
    client.force_login(staff)
    assert client.get("/search/?q=天津").status_code == 200  # signed-in staff are not limited


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_429_page_in_a_browser(
    live_server: LiveServer, page: Page, limits: Any, tmp_path: Path
) -> None:
    limits.XINYONG_VAR_DIR = tmp_path
    limits.XINYONG_RATE_LIMITS = {"search": 1}
    load_policy(default_policy_dir())
    page.goto(live_server.url + "/search/?q=天津")
    assert page.locator("h1").first.inner_text() != "查询过于频繁"
    response = page.goto(live_server.url + "/search/?q=天津")
    assert response is not None and response.status == 429
    assert page.locator("h1").inner_text() == "查询过于频繁"
    screenshot(page, "rate-limited")
    page.set_viewport_size(PHONE)
    width: int = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    screenshot(page, "rate-limited-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Too many searches"
    screenshot(page, "rate-limited-en")
    page.get_by_role("link", name="Home").first.click()
    page.wait_for_url(live_server.url + "/en/")
    cache.clear()


# -- settings ----------------------------------------------------------------------------------


def test_the_cache_is_shared_between_workers(settings: Any) -> None:
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    redis = _cache("redis://127.0.0.1:6379/1")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }


def test_limits_and_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINYONG_RATE_SEARCH", "10")
    monkeypatch.setenv("XINYONG_RATE_TOKEN", "0")
    monkeypatch.setenv("XINYONG_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    loaded = config.load()
    assert (loaded.search_rate, loaded.api_rate, loaded.token_api_rate) == (10, 60, 0)
    assert loaded.trusted_proxies == ["127.0.0.1", "10.0.0.0/8"]
    monkeypatch.setenv("XINYONG_RATE_SEARCH", "-1")
    with pytest.raises(RuntimeError, match="XINYONG_RATE_SEARCH"):
        config.load()
    monkeypatch.setenv("XINYONG_RATE_SEARCH", "10")
    monkeypatch.setenv("XINYONG_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")
    with pytest.raises(RuntimeError, match=r"proxy\.local"):
        config.load()
