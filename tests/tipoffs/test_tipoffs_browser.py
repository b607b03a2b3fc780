"""A tip-off's journey in a real Chromium: a citizen reports a company from its public page
with a PDF attached and contact details, answers the sum, gets the receipt code and follows
the status; the credit office routes it to market regulation, which reads the contact
details, investigates and closes it; the status page then shows the outcome."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache

from tests.conftest import screenshot
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, penalty
from tests.tipoffs.conftest import PDF
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.tipoffs.models import TipOff

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}
PASSWORD = "后台-举报-口令-2026"
FACTS = "该公司在网店首页宣称其保健品“治愈率99%”，并标注不存在的专利号。"
OUTCOME = "经查，当事人发布虚假广告属实，已立案查处并责令改正。"


def _answer(page: Page) -> None:
    question = page.locator("label[for=answer]").inner_text()
    found = re.search(r"(\d+) (加|减) (\d+)", question)
    assert found is not None, question
    first, op, second = int(found.group(1)), found.group(2), int(found.group(3))
    page.get_by_label(re.compile("验证题")).fill(
        str(first + second if op == "加" else first - second)
    )


def _status(page: Page, base: str, code: str) -> str:
    page.goto(base + "/tipoffs/status/")
    page.get_by_label("回执码").fill(code)
    page.get_by_role("button", name="查询", exact=True).click()
    return page.locator("main").inner_text()


def _office(browser: Browser, base: str, username: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    office = context.new_page()
    office.goto(base + "/office/tipoffs/")
    office.get_by_label("用户名").fill(username)
    office.get_by_label("密码").fill(PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_url(re.compile(r"/office/tipoffs/$"))
    return office


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_reports_and_follows_a_tipoff_to_its_outcome(
    live_server: LiveServer, page: Page, browser: Browser, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    cache.clear()  # rate-limit counters of earlier browser tests
    load_policy(default_policy_dir())
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    credit = Organisation.objects.get(kind="credit_office")
    land(market, "XZCF", [penalty("津市监罚〔2026〕71号", company(1, "天津市海河贸易有限公司"))])
    create_staff_user(organisation=credit, username="li.si", roles=["operator"], password=PASSWORD)
    create_staff_user(
        organisation=market, username="wang.wu", roles=["reviewer"], password=PASSWORD
    )
    base = live_server.url

    page.goto(f"{base}/subjects/{uscc(1)}/")
    page.get_by_role("link", name="举报失信行为").first.click()
    page.wait_for_url(re.compile(r"/tipoffs/new/\?subject="))
    assert page.get_by_label("被举报对象名称").input_value() == "天津市海河贸易有限公司"
    page.get_by_label("举报类别").select_option(label="虚假宣传")
    page.get_by_label("举报事实").fill(FACTS)
    proof: FilePayload = {"name": "网店截图.pdf", "mimeType": "application/pdf", "buffer": PDF}
    page.get_by_label("证据材料").set_input_files([proof])
    page.get_by_label("匿名举报（不留联系方式）").uncheck()
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label(re.compile("验证题")).fill("-1")  # a wrong answer first
    page.get_by_role("button", name="提交举报").click()
    assert "验证题答案不正确" in page.locator("main").inner_text()
    assert page.get_by_label("举报事实").input_value() == FACTS  # the text is kept
    screenshot(page, "tipoff-challenge-failed")
    page.get_by_label("证据材料").set_input_files([proof])
    _answer(page)
    page.get_by_role("button", name="提交举报").click()
    page.locator(".receipt-code").wait_for()
    code = page.locator(".receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", code)
    screenshot(page, "tipoff-receipt")
    assert "已受理" in _status(page, base, code)
    assert TipOff.objects.get().attachments.count() == 1

    credit_office = _office(browser, base, "li.si")
    credit_office.locator("table.tipoffs a").first.click()
    assert "13912345678" not in credit_office.locator("main").inner_text()
    credit_office.get_by_label("承办部门").select_option(label="市市场监管委")
    credit_office.get_by_label("转办说明").fill("涉嫌虚假宣传，请核查处理。")
    screenshot(credit_office, "tipoff-office-route")
    credit_office.get_by_role("button", name="转办", exact=True).click()
    credit_office.locator(".messages", has_text="已转办").wait_for()
    credit_office.context.close()
    routed = _status(page, base, code)
    assert "已转办" in routed and "天津市市场监督管理委员会" in routed

    department = _office(browser, base, "wang.wu")
    department.locator("table.tipoffs a").first.click()
    department.get_by_role("button", name="查看举报人联系方式").click()
    assert "13912345678" in department.locator(".protected").inner_text()
    department.get_by_label("调查记录").fill("已调取网店页面存证。")
    department.get_by_role("button", name="保存调查记录").click()
    department.locator(".messages", has_text="已记录").wait_for()
    assert "13912345678" not in department.locator("main").inner_text()
    department.get_by_label("查证属实").check()
    department.get_by_label("办理情况").fill(OUTCOME)
    screenshot(department, "tipoff-office-close")
    department.get_by_role("button", name="办结", exact=True).click()
    department.locator(".messages", has_text="已办结").wait_for()
    department.set_viewport_size(PHONE)
    department.goto(base + "/office/tipoffs/")
    widths = department.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]  # nothing sticks out sideways on a phone
    department.context.close()

    closed = _status(page, base, code)
    assert "已办结" in closed and "查证属实" in closed and OUTCOME in closed
    screenshot(page, "tipoff-status-closed")
    page.set_viewport_size(PHONE)
    page.goto(base + "/tipoffs/new/")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    screenshot(page, "tipoff-new-phone")
