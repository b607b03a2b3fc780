"""A financing journey in a real Chromium: a company publishes a request to one bank from its
account, the bank's clerk opens the authorised profile in the back office, accepts the
request and reports a loan, and the company sees the decision and the bank's read in its
access log — the bank's pages also on a 390-pixel phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.conftest import screenshot
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, penalty
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_organisation, create_staff_user
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.rights.models import Challenge
from xinyong.rights.services import shown_code

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}
PASSWORD = "后台-信易贷-口令-2026"
DOC = "津市监罚〔2026〕91号"
BANK = "天津海河测试银行股份有限公司"


def _sign_in_company(page: Page, base: str) -> None:
    cache.clear()  # sign-in rate-limit counters earlier browser tests left (not rolled back)
    page.goto(base + "/account/sign-in/")
    page.get_by_label("统一社会信用代码或公民身份号码").fill(uscc(1))
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/account/sign-in/*/**")
    page.get_by_label("验证码").fill(shown_code(Challenge.objects.get()))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/account/")


def _bank_reviews(browser: Browser, base: str, number: str) -> None:
    """The bank's clerk: the queue, the profile, then 已受理 and 已放款."""
    staff = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    office = staff.new_page()
    office.goto(base + "/office/financing/")
    office.get_by_label("用户名").fill("hai.he")
    office.get_by_label("密码").fill(PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_url(re.compile(r"/office/financing/$"))
    screenshot(office, "financing-office-queue")
    office.get_by_role("link", name=number).click()
    office.wait_for_url(re.compile(r"/office/financing/[0-9a-f]{32}/$"))
    office.get_by_role("link", name="查阅授权信用档案").click()
    office.wait_for_url(re.compile(r"/profile/$"))
    profile = office.locator("main").inner_text()
    assert DOC in profile and "已记入该主体的查询记录" in profile
    screenshot(office, "financing-office-profile")
    office.go_back()
    office.get_by_label("已受理", exact=True).check()
    office.get_by_role("button", name="提交办理结果").click()
    office.locator(".messages", has_text="已办理").wait_for()
    office.get_by_label("已放款", exact=True).check()
    office.get_by_label("放款金额（万元）").fill("260")
    office.get_by_label("年利率（%）").fill("3.55")
    office.get_by_label("贷款期限（月）").fill("12")
    office.get_by_label("放款日期").fill(timezone.localdate().isoformat())
    screenshot(office, "financing-office-loan")
    office.get_by_role("button", name="提交办理结果").click()
    office.locator(".messages", has_text="已办理").wait_for()
    assert "放款 260.00 万元" in office.locator("main").inner_text()
    office.set_viewport_size(PHONE)
    for path in ("/office/financing/", "/office/financing/statistics/"):
        office.goto(base + path)
        widths = office.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1]  # nothing sticks out sideways on a phone
    screenshot(office, "financing-office-statistics-phone")
    staff.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_company_publishes_and_the_bank_reports_a_loan(
    live_server: LiveServer, page: Page, browser: Browser, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    load_policy(default_policy_dir())
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    land(market, "XZCF", [penalty(DOC, company(1, "天津市海河贸易有限公司"))])
    bank = create_organisation(uscc=uscc(951), name=BANK, kind="bank")
    create_staff_user(organisation=bank, username="hai.he", roles=["operator"], password=PASSWORD)
    base = live_server.url

    _sign_in_company(page, base)
    page.get_by_role("link", name="融资对接").click()
    page.get_by_role("link", name="发布融资需求").click()
    assert "行政处罚" in page.locator("section.panel-box").inner_text()
    page.get_by_label("融资金额（万元）").fill("300")
    page.get_by_label("融资期限（月）").fill("12")
    page.get_by_label("资金用途").fill("采购原材料")
    page.get_by_label(BANK).check()
    screenshot(page, "financing-new")
    page.get_by_role("button", name="发布并授权所选银行查阅").click()
    page.wait_for_url(re.compile(r"/account/financing/[0-9a-f]{32}/$"))
    heading = page.locator("#request-title").inner_text()
    number = re.search(r"RZ\d+", heading)
    assert number is not None and "待受理" in page.locator("main").inner_text()

    _bank_reviews(browser, base, number.group())

    page.reload()
    main = page.locator("main").inner_text()
    assert "已放款" in main and "放款 260.00 万元，年利率 3.55%" in main
    screenshot(page, "financing-decided")
    page.get_by_role("link", name="谁查询了我").first.click()
    access = page.locator("table").inner_text()
    assert BANK in access and "授权查询" in access and number.group() in access
