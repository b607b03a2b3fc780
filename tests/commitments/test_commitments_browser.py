"""A commitment's journey in a real Chromium: a company signs in to its account, chooses a
告知承诺制 commitment to the market regulator, reads the text, agrees and signs; the public
subject page then shows it under 信用承诺. The regulator finds it broken in the back office,
and the public page shows the breach as a negative record with its legal basis — the account
and office pages also on a 390-pixel phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache

from tests.conftest import screenshot
from tests.records.pipeline.helpers import uscc
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.commitments.models import Commitment
from xinyong.rights.models import Challenge
from xinyong.rights.services import shown_code
from xinyong.subjects.services import SubjectIdentifiers, link

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}
FIRM = "天津市海河食品有限公司"
MATTER = "食品经营许可（告知承诺制）"
PASSWORD = "后台-承诺-口令-2026"
BREACH_DOC = "津市监诺认〔2026〕3号"
FACTS = "经现场核查，经营场所不具备承诺的条件，且未在承诺期限内补交相关材料。"


def _sign_in_company(page: Page, base: str) -> None:
    cache.clear()  # sign-in rate-limit counters earlier browser tests left (not rolled back)
    page.goto(base + "/account/sign-in/")
    page.get_by_label("统一社会信用代码或公民身份号码").fill(uscc(1))
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/account/sign-in/*/**")
    page.get_by_label("验证码").fill(shown_code(Challenge.objects.get()))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/account/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_company_signs_a_commitment_the_public_sees_it_and_its_breach(
    live_server: LiveServer, page: Page, browser: Browser, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    load_policy(default_policy_dir())
    link(SubjectIdentifiers(uscc=uscc(1)), name=FIRM, source="test")
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    base = live_server.url

    _sign_in_company(page, base)
    page.get_by_role("link", name="信用承诺").click()
    page.wait_for_url(base + "/account/commitments/")
    page.get_by_role("link", name="签署信用承诺").click()
    page.get_by_label("审批替代型（告知承诺书）").check()
    page.get_by_label("承诺事项").fill(MATTER)
    page.get_by_label("承诺受理单位").select_option(label=market.name)
    page.get_by_label("法定代表人（负责人）姓名").fill("王建国")
    screenshot(page, "commitment-form")
    page.get_by_role("button", name="下一步：阅读承诺书").click()
    text = page.locator("blockquote.commitment-text").inner_text()
    assert f"申请人{FIRM}（{uscc(1)}）向{market.name}申请办理{MATTER}" in text
    assert "愿意承担不实承诺、违反承诺的法律责任" in text
    screenshot(page, "commitment-text")
    page.get_by_role("button", name="签署承诺").click()  # not agreed yet: refused
    assert "请阅读承诺书并勾选同意后签署" in page.locator("main").inner_text()
    assert not Commitment.objects.exists()
    page.get_by_label("我已阅读上述承诺书，代表本主体签署并承诺遵守").check()
    page.get_by_role("button", name="签署承诺").click()
    page.wait_for_url(re.compile(r"/account/commitments/[0-9a-f]{32}/$"))
    commitment = Commitment.objects.get()
    detail = page.locator("main").inner_text()
    assert commitment.number in detail and "在履约" in detail and "在线签署" in detail
    screenshot(page, "commitment-signed")
    page.set_viewport_size(PHONE)
    for path in ("/account/commitments/", "/account/commitments/sign/"):
        page.goto(base + path)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1]  # nothing sticks out sideways on a phone
    screenshot(page, "commitment-list-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/subjects/{uscc(1)}/")
    page.get_by_role("link", name=re.compile(r"^信用承诺")).click()
    group = page.locator("#item-XYCN")
    shown = group.inner_text()
    assert commitment.number in shown and MATTER in shown and market.name in shown
    group.locator("summary").first.click()
    assert "履约中" in group.inner_text() and "审批替代型" in group.inner_text()
    screenshot(page, "commitment-public")

    staff = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    office = staff.new_page()
    create_staff_user(organisation=market, username="li.si", roles=["reviewer"], password=PASSWORD)
    office.goto(base + "/office/commitments/")
    office.get_by_label("用户名").fill("li.si")
    office.get_by_label("密码").fill(PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_url(re.compile(r"/office/commitments/$"))
    office.get_by_role("link", name=commitment.number).click()
    office.locator("details.step-form summary", has_text="认定违诺").click()
    office.get_by_label("认定文书号").fill(BREACH_DOC)
    office.get_by_label("违背承诺的事实").fill(FACTS)
    screenshot(office, "commitment-office-breach")
    office.get_by_role("button", name="认定违诺").click()
    office.locator(".messages", has_text="已办理").wait_for()
    assert "未履约（违诺）" in office.locator("main").inner_text()
    office.goto(base + "/office/commitments/stats/")
    assert "100.0%" in office.locator("table.commitment-statistics").inner_text()
    screenshot(office, "commitment-office-stats")
    office.set_viewport_size(PHONE)
    for path in ("/office/commitments/", "/office/commitments/stats/"):
        office.goto(base + path)
        widths = office.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1]
    staff.close()

    page.goto(f"{base}/subjects/{uscc(1)}/")
    breach = page.locator("#item-WBXYCN")
    shown = breach.inner_text()
    assert "违背信用承诺" in shown and BREACH_DOC in shown and "国办发〔2019〕35号" in shown
    breach.locator("summary").first.click()
    assert FACTS in breach.inner_text() and commitment.number in breach.inner_text()
    screenshot(page, "commitment-breach-public")
