"""A company sees its public tax grade on the portal, signs in to its account in a real
Chromium, reads why its public credit grade is B and not A, and goes to object to it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache

from tests.conftest import screenshot
from tests.evaluation.explain_fixtures import PENALTY_DOC, grade_everyone
from tests.records.pipeline.helpers import uscc
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.rights.models import Challenge
from xinyong.rights.services import shown_code

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_company_reads_its_grade_explained_and_objects(
    live_server: LiveServer, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    load_policy(default_policy_dir())
    grade_everyone(Organisation.objects.get(kind="department", sector="market_regulation"))

    cache.clear()  # sign-in rate-limit counters earlier browser tests left (not rolled back)
    page.goto(live_server.url + "/subjects/" + uscc(1) + "/")
    assert page.get_by_role("link", name="纳税信用级别 A级").is_visible()
    page.get_by_role("link", name="我的信用").click()
    page.wait_for_url("**/account/sign-in/**")
    page.get_by_label("统一社会信用代码或公民身份号码").fill(uscc(1))
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/account/sign-in/*/**")
    page.get_by_label("验证码").fill(shown_code(Challenge.objects.get()))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/account/")

    page.get_by_role("navigation", name="账户导航").get_by_role("link", name="信用评价").click()
    page.wait_for_url(live_server.url + "/account/evaluation/")
    public = page.locator("#model-TJGGXY")
    assert public.locator(".grade").inner_text().startswith("B")
    assert "得分82分，距A级（90分）还差8分。" in public.locator("ol.why").inner_text()
    assert PENALTY_DOC in public.locator("table.indicators").inner_text()
    assert page.locator("#model-NSXYDJ .grade").inner_text().startswith("A")
    screenshot(page, "evaluation-account")
    public.get_by_role("link", name="对该评价结果提出异议").click()
    page.wait_for_url("**/account/objections/grade/TJGGXY/")
