"""A repair in a real Chromium: a listed company signs in, applies with a proof file and the
commitment signed on screen; the credit office forwards; the department accepts and
approves; the record is then gone from the public page, the search count, the API and the
check, and the subject downloads the decision."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache

from tests.checks.conftest import checker
from tests.conftest import screenshot
from tests.office.conftest import PASSWORD
from tests.repairs.conftest import PDF_BYTES, Office
from tests.repairs.test_journey import check
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.records.models import Record
from xinyong.rights.models import Challenge
from xinyong.rights.services import shown_code

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

__all__ = ["checker"]

DECISION_NO = "津市监信修〔2026〕7号"


def office_page(browser: Browser, url: str, organisation: Organisation, username: str) -> Page:
    """A new browser context signed in to the back office as a new operator."""
    create_staff_user(
        organisation=organisation, username=username, roles=["operator"], password=PASSWORD
    )
    tab = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    tab.goto(url)
    tab.get_by_label("用户名").fill(username)
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_url(url)
    return tab


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_listed_company_repairs_its_record_and_is_shown_clean(
    live_server: LiveServer,
    browser: Browser,
    page: Page,
    office: Office,
    listed: Record,
    checker: Organisation,
    tmp_path: Path,
) -> None:
    subject = listed.subject
    base = live_server.url
    cache.clear()  # sign-in rate-limit counters earlier browser tests left (not rolled back)
    page.goto(f"{base}/subjects/{subject.uscc}/")
    assert listed.doc_no in page.locator("main").inner_text()

    page.get_by_role("link", name="我的信用").click()
    page.wait_for_url("**/account/sign-in/**")
    page.get_by_label("统一社会信用代码或公民身份号码").fill(subject.uscc)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/account/sign-in/*/**")
    page.get_by_label("验证码").fill(shown_code(Challenge.objects.get()))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/account/")

    page.get_by_role("link", name="信用修复", exact=True).click()
    page.wait_for_url(f"{base}/account/repairs/")
    screenshot(page, "repairs-account-list")
    page.get_by_role("link", name="申请修复").click()
    receipt = tmp_path / "缴款凭证.pdf"
    receipt.write_bytes(PDF_BYTES)
    page.get_by_label("履行义务及整改情况").fill("已缴清罚款，完成整改并通过复查。")
    page.get_by_label("证明材料").set_input_files(str(receipt))
    page.get_by_label("签署人姓名").fill("张三")
    assert subject.name in page.locator("blockquote.commitment").inner_text()
    page.get_by_role("button", name="签署承诺并提交申请").click()  # not yet signed
    assert "请阅读信用修复承诺书并勾选签署" in page.locator("p.error").inner_text()
    page.get_by_label("证明材料").set_input_files(str(receipt))
    page.get_by_label("我已阅读上述信用修复承诺书").check()
    screenshot(page, "repairs-account-apply")
    page.get_by_role("button", name="签署承诺并提交申请").click()
    page.wait_for_url(re.compile(r"/account/repairs/[0-9a-f]{32}/$"))
    application_url = page.url
    assert "已提交，待信用办核对" in page.locator("main").inner_text()

    credit_office = Organisation.objects.filter(kind="credit_office").order_by("pk")[0]
    credit = office_page(browser, f"{base}/office/repairs/", credit_office, "credit.repairs")
    screenshot(credit, "repairs-office-queue")
    credit.get_by_role("link", name=subject.name).click()
    credit.locator("summary", has_text="材料齐全，转认定部门").click()
    credit.get_by_role("button", name="材料齐全，转认定部门").click()
    credit.locator(".messages", has_text="已办理").wait_for()

    market = office_page(browser, f"{base}/office/repairs/", office.market_org, "market.repairs")
    market.get_by_role("link", name=subject.name).click()
    market.locator("summary", has_text=re.compile("^受理$")).click()
    market.get_by_role("button", name="受理", exact=True).click()
    market.locator(".messages", has_text="已办理").wait_for()
    market.locator("summary", has_text="准予修复").click()
    approval = market.locator("details", has=market.locator("summary", has_text="准予修复"))
    approval.get_by_label("决定书文号").fill(DECISION_NO)
    approval.get_by_label("审查意见").fill("已履行义务，整改到位。")
    approval.get_by_role("button", name="准予修复").click()
    market.locator(".messages", has_text="已办理").wait_for()
    assert "准予修复" in market.locator(".subject-head").inner_text()
    screenshot(market, "repairs-office-approved")

    # Shown clean everywhere: the public page, the search count, the API and the check.
    page.goto(f"{base}/subjects/{subject.uscc}/")
    assert listed.doc_no not in page.locator("main").inner_text()
    found = page.request.get(f"{base}/api/v1/subjects?q={subject.uscc}").json()
    assert [hit["public_records"] for hit in found["results"]] == [0]
    assert listed.doc_no not in page.request.get(f"{base}/api/v1/subjects/{subject.uscc}").text()
    assert check(checker, listed) == "no_hits"

    page.goto(application_url)
    assert "准予修复" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载决定书（PDF）").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    screenshot(page, "repairs-account-decided")
