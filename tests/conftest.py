"""Shared fixtures: a real Chromium driven by Playwright for page tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Hypothesis fails an example that takes over 200 ms by default: a timing assertion, which a
# busy 2-core machine trips (a GB18030 example took 361 ms once, 3 ms on its rerun). Speed
# is measured by bench/, never asserted.
settings.register_profile("xinyong", deadline=None)
settings.load_profile("xinyong")

SCREENSHOTS = Path(os.environ.get("XINYONG_SCREENSHOTS", "var/screenshots"))


@pytest.fixture(autouse=True)
def chinese_by_default() -> Iterator[None]:
    """Each test starts in the site's default language: a request to /en/ in one test
    activates English for the thread, which must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fresh_rate_limits_for_live_servers(request: pytest.FixtureRequest) -> None:
    """A test that serves pages to a browser commits its requests: the rate-limit counters
    they leave in the database cache outlive it, and enough of them answer a later
    browser test's sign-in or search with 429. Each such test starts with none."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; `make test` installs it when missing."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context per test, in Chinese like most of the site's users."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Keep a screenshot under var/screenshots so a person can look at what a test saw."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
