"""A company signs in to its account in a real Chromium and reads what is held about it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache

from tests.conftest import screenshot
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, penalty, wage_arrears
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.rights.models import Challenge
from xinyong.rights.services import shown_code

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_company_signs_in_and_sees_public_and_shared_records(
    live_server: LiveServer, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    load_policy(default_policy_dir())
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    hrss = Organisation.objects.get(kind="department", sector="human_resources_social_security")
    land(market, "XZCF", [penalty("津市监罚〔2026〕31号", company(1, "天津市海河贸易有限公司"))])
    land(hrss, "TQNMGGZ", [wage_arrears("津人社处〔2026〕32号", company(1), hrss)])

    cache.clear()  # sign-in rate-limit counters earlier browser tests left (not rolled back)
    page.goto(live_server.url + "/subjects/" + uscc(1) + "/")
    page.get_by_role("link", name="我的信用").click()
    page.wait_for_url("**/account/sign-in/**")
    page.get_by_label("统一社会信用代码或公民身份号码").fill(uscc(1))
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/account/sign-in/*/**")
    code = shown_code(Challenge.objects.get())
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/account/")
    table = page.locator("table.account-records")
    assert "津市监罚〔2026〕31号" in table.inner_text()
    assert "津人社处〔2026〕32号" in table.inner_text() and "政务共享" in table.inner_text()
    screenshot(page, "account-home")
    page.get_by_role("link", name="津市监罚〔2026〕31号").click()
    assert "版本 1" in page.locator("main").inner_text()
    screenshot(page, "account-record")
    page.get_by_role("link", name="谁查询了我").click()
    assert page.get_by_text("下载全部查询记录（CSV）").is_visible()
    page.get_by_role("button", name="退出").click()
    page.goto(live_server.url + "/account/")
    page.wait_for_url("**/account/sign-in/**")
