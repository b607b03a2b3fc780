"""Grant-and-read in a real Chromium: a company signs in, authorises a bank to read two
items (one of them 授权查询), the bank reads them through the API with its token (and its
clerk sees the grant in the back office), the company sees the read in 谁查询了我, revokes the
grant, and the bank's next read is refused — the consent pages also on a 390-pixel phone."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache

from tests.conftest import screenshot
from tests.consents.conftest import ARREARS_DOC, PENALTY_DOC, Grantee
from tests.records.pipeline.helpers import uscc
from xinyong.accounts.services import create_staff_user
from xinyong.rights.models import Challenge
from xinyong.rights.services import shown_code
from xinyong.subjects.models import Subject

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}
PASSWORD = "后台-授权-口令-2026"


def _api(base: str, grantee: Grantee, key: str, **params: str) -> tuple[int, dict[str, Any]]:
    """One read through real HTTP, as the bank's system would make it."""
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        f"{base}/api/v1/authorised/{key}?{urlencode(params)}",
        headers={"Authorization": f"Bearer {grantee.token}"},
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_grant_and_read(
    live_server: LiveServer, page: Page, browser: Browser, firm: Subject, bank: Grantee
) -> None:
    base = live_server.url
    cache.clear()  # sign-in rate-limit counters earlier browser tests left (not rolled back)
    page.goto(base + "/account/sign-in/?next=/account/consents/")
    page.get_by_label("统一社会信用代码或公民身份号码").fill(uscc(1))
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/account/sign-in/*/**")
    page.get_by_label("验证码").fill(shown_code(Challenge.objects.get()))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/account/consents/")
    assert "尚未授权任何机构查询" in page.locator("main").inner_text()

    page.get_by_role("link", name="新的授权").click()
    page.get_by_label("被授权机构").select_option(label="天津测试银行股份有限公司（银行）")
    page.get_by_label("行政处罚（社会公开）").check()
    page.get_by_label("拖欠农民工工资（授权查询）").check()
    page.get_by_label("授权用途").fill("申请流动资金贷款")
    screenshot(page, "consent-new")
    page.get_by_role("button", name="确认授权").click()
    page.wait_for_url(base + "/account/consents/")
    listed = page.locator("table.account-consents").inner_text()
    assert "天津测试银行股份有限公司" in listed and "有效" in listed
    assert "行政处罚" in listed and "拖欠农民工工资" in listed
    screenshot(page, "consent-list")

    status, body = _api(base, bank, uscc(1), purpose="贷前审查", reference="DK-2026-001")
    assert status == 200, body
    records = {g["code"]: [r["doc_no"] for r in g["records"]] for g in body["items"]}
    assert records == {"XZCF": [PENALTY_DOC], "TQNMGGZ": [ARREARS_DOC]}

    clerk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    office = clerk.new_page()
    create_staff_user(
        organisation=bank.organisation, username="bank.li", roles=["operator"], password=PASSWORD
    )
    office.goto(base + "/office/consents/")
    office.get_by_label("用户名").fill("bank.li")
    office.get_by_label("密码").fill(PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_url(base + "/office/consents/")
    grants = office.locator("table.consents").inner_text()
    assert "天津市授权测试有限公司" in grants and uscc(1) in grants and "有效" in grants
    screenshot(office, "consent-office-bank")
    clerk.close()

    page.get_by_role("link", name="谁查询了我").click()
    log = page.locator("main table").inner_text()
    assert "授权查询" in log and "天津测试银行股份有限公司" in log
    assert "贷前审查" in log and "DK-2026-001" in log and "信用主体授权（授权书 SQ" in log
    screenshot(page, "consent-access-log")

    page.get_by_role("link", name="授权查询").click()
    page.get_by_role("button", name="撤回授权").click()
    page.locator(".messages", has_text="即时生效").wait_for()
    assert "已撤回" in page.locator("table.account-consents").inner_text()
    screenshot(page, "consent-revoked")

    status, body = _api(base, bank, uscc(1), purpose="贷前审查")
    assert (status, body["code"]) == (403, "consent.revoked")

    page.set_viewport_size(PHONE)
    for path in ("/account/consents/", "/account/consents/new/"):
        page.goto(base + path)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1]  # nothing sticks out sideways on a phone
    screenshot(page, "consent-new-phone")
