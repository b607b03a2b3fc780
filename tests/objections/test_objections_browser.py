"""An objection's journey in a real Chromium: a company objects to a penalty from its account
with a PDF attached, the public page marks the record 异议处理中, the department corrects it
in the back office, the public page shows the new version, and the company reads and
downloads the reply — the office pages also on a 390-pixel phone."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from tests.conftest import screenshot
from tests.objections.conftest import PDF
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, penalty
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.records.models import Record
from xinyong.rights.models import Challenge
from xinyong.rights.services import shown_code

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}
PASSWORD = "后台-异议-口令-2026"
DOC = "津市监罚〔2026〕61号"
FACTS = "经查，当事人发布虚假广告。"
CORRECTED = "经查，当事人在网店页面发布虚假广告一次。"


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
def test_a_company_objects_and_the_department_corrects(
    live_server: LiveServer, page: Page, browser: Browser, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    load_policy(default_policy_dir())
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    land(market, "XZCF", [penalty(DOC, company(1, "天津市海河贸易有限公司"))])
    record = Record.objects.get(doc_no=DOC)
    base = live_server.url

    _sign_in_company(page, base)
    page.goto(f"{base}/account/objections/new/{record.pk}/")
    page.get_by_label("信息内容有误").check()
    page.get_by_label("异议理由").fill("违法事实表述不准确：虚假广告仅在网店页面发布过一次。")
    proof: FilePayload = {"name": "网店截图说明.pdf", "mimeType": "application/pdf", "buffer": PDF}
    page.get_by_label("证明材料").set_input_files([proof])
    screenshot(page, "objection-new")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_url(re.compile(r"/account/objections/[0-9a-f]{32}/$"))
    detail = page.locator("main").inner_text()
    assert "处理中" in detail and "网店截图说明.pdf" in detail
    screenshot(page, "objection-filed")

    page.goto(f"{base}/subjects/{uscc(1)}/")
    assert "异议处理中" in page.locator("main").inner_text()

    staff = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    office = staff.new_page()
    create_staff_user(
        organisation=market, username="wang.wu", roles=["reviewer"], password=PASSWORD
    )
    office.goto(base + "/office/objections/")
    office.get_by_label("用户名").fill("wang.wu")
    office.get_by_label("密码").fill(PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_url(re.compile(r"/office/objections/$"))
    screenshot(office, "objection-office-queue")
    office.locator("table.objections a").first.click()
    office.wait_for_url(re.compile(r"/office/objections/[0-9a-f]{32}/$"))
    office.get_by_label("更正：按下方内容生成记录的新版本").check()
    office.get_by_label("答复意见").fill("经核查，违法事实表述有误，已按原始执法记录更正。")
    office.locator("details.correction summary").click()
    facts = office.get_by_label("违法事实")
    assert facts.input_value() == FACTS
    facts.fill(CORRECTED)
    screenshot(office, "objection-office-answer")
    office.get_by_role("button", name="提交答复").click()
    office.locator(".messages", has_text="已答复").wait_for()
    assert "异议处理答复书" in office.locator("main").inner_text()
    screenshot(office, "objection-office-answered")
    office.set_viewport_size(PHONE)
    for path in ("/office/objections/", "/office/objections/statistics/"):
        office.goto(base + path)
        widths = office.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1]  # nothing sticks out sideways on a phone
    screenshot(office, "objection-office-queue-phone")
    staff.close()

    page.goto(f"{base}/subjects/{uscc(1)}/")
    public = page.locator("main").text_content() or ""  # the fields sit in a closed <details>
    assert CORRECTED in public and FACTS not in public and "异议处理中" not in public

    page.goto(base + "/account/objections/")
    page.get_by_role("link", name=re.compile(r"^YY\d+$")).click()
    reply = page.locator("article.reply-document").inner_text()
    assert "已更正" in page.locator("main").inner_text() and CORRECTED in reply
    screenshot(page, "objection-reply")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载答复书（PDF）").click()
    content = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "天津市海河贸易有限公司" in text and DOC in text and "行政复议" in text
