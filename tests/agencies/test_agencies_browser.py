"""The agency registry in a real Chromium: a credit office operator files an agency in the
back office; a visitor finds it in the public registry from the portal's navigation, its
legal representative masked, follows it to its credit file, and finds a cancelled agency
on its own tab — on a desktop, on a phone and in English."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.agencies.conftest import AGENCY, OTHER_AGENCY, PASSWORD, Staff, details
from tests.conftest import screenshot
from tests.portal.test_subject_browser import DESKTOP, PHONE, fits_the_width
from xinyong.agencies.models import AgencyFiling
from xinyong.agencies.services import cancel_agency, file_agency

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "天津诚信征信服务有限公司"
GONE = "天津海河信用管理咨询有限公司"


def _file_in_the_office(office: Page, base: str) -> AgencyFiling:
    office.goto(base + "/office/agencies/")
    office.get_by_label("用户名").fill("credit_operator")
    office.get_by_label("密码").fill(PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_url(base + "/office/agencies/")
    office.get_by_role("link", name="新机构备案").click()
    office.wait_for_url(base + "/office/agencies/new/")
    office.get_by_label("统一社会信用代码").fill(AGENCY)
    office.get_by_label("机构名称").fill(NAME)
    office.get_by_label("注册地址").fill("天津市和平区南京路 189 号")
    office.get_by_label("法定代表人").fill("赵明远")
    office.get_by_label("征信", exact=True).check()
    office.get_by_label("信用评级", exact=True).check()
    office.get_by_label("联系电话").fill("022-23301188")
    screenshot(office, "agency-office-new")
    office.get_by_role("button", name="备案", exact=True).click()
    office.wait_for_url(re.compile(r"/office/agencies/[0-9a-f]{32}/$"))
    filing = AgencyFiling.objects.get(organisation__uscc=AGENCY)
    assert f"已备案，备案编号 {filing.number}" in office.locator(".messages").inner_text()
    screenshot(office, "agency-office-detail")
    return filing


def test_an_agency_filed_in_the_office_appears_in_the_public_registry(
    live_server: LiveServer, page: Page, browser: Browser, staff: Staff
) -> None:
    base = live_server.url
    gone = file_agency(
        staff.operator, uscc=OTHER_AGENCY, details=details(name=GONE, scopes=["credit_consulting"])
    )
    cancel_agency(staff.operator, gone, reason="机构申请注销备案")
    staff_context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    filing = _file_in_the_office(staff_context.new_page(), base)
    staff_context.close()

    page.goto(base + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="信用服务机构").click()
    page.wait_for_url(base + "/agencies/")
    rows = page.locator("table.agencies tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert filing.number in row and NAME in row and "征信、信用评级" in row
    assert "赵**" in row and "赵明远" not in page.content()
    assert "已备案" in row and GONE not in page.locator("main").inner_text()
    screenshot(page, "agency-registry")

    page.set_viewport_size(PHONE)
    assert fits_the_width(page)
    screenshot(page, "agency-registry-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name=NAME, exact=True).click()
    page.wait_for_url(f"{base}/subjects/{AGENCY}/")
    assert page.locator("h1").inner_text() == NAME

    page.goto(base + "/agencies/")
    page.get_by_role("link", name=re.compile("已注销备案")).click()
    page.wait_for_url(base + "/agencies/?status=cancelled")
    cancelled = page.locator("table.agencies tbody tr").first.inner_text()
    assert GONE in cancelled and "已注销" in cancelled and "机构申请注销备案" in cancelled
    screenshot(page, "agency-registry-cancelled")

    page.get_by_role("button", name="English").click()
    page.wait_for_url(base + "/en/agencies/?status=cancelled")
    assert page.locator("html").get_attribute("lang") == "en"
    assert GONE in page.locator("table.agencies").inner_text()
