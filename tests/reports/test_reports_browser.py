"""Credit reports in a real Chromium: a visitor downloads a company's public report from its
portal page, reads the verification code printed in it and checks it on /verify/ (genuine
and current); the company signs in to its account, issues its full report and finds it
listed and downloadable."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache

from tests.conftest import screenshot
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import MARKET_USCC, company, land, penalty
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.reports.models import Report
from xinyong.rights.models import Challenge
from xinyong.rights.services import shown_code

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

DOC = "津市监罚〔2026〕31号"
CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode()


def download(page: Page, click: Any, into: Path) -> Path:
    """Click what `click` finds, wait for the download and keep it under `into`."""
    with page.expect_download() as info:
        click()
    target = into / info.value.suggested_filename
    info.value.save_as(target)
    return target


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_download_verify_and_issue_in_the_account(
    live_server: LiveServer, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    load_policy(default_policy_dir())
    land(Organisation.objects.get(uscc=MARKET_USCC), "XZCF", [penalty(DOC, company(1))])
    cache.clear()  # rate-limit counters earlier browser tests left (not rolled back)

    # The portal: the public report, downloaded and checked by its code.
    page.goto(f"{live_server.url}/subjects/{uscc(1)}/")
    button = page.get_by_role("button", name="下载信用报告")
    assert button.is_visible() and page.get_by_label("打印版").is_visible()
    screenshot(page, "reports-portal-subject")
    saved = download(page, button.click, tmp_path)
    public = Report.objects.get()
    assert saved.name == f"信用报告_{public.number}.pdf" and public.type_code == "public"
    text = pdf_text(saved)
    assert "天津市公示测试1有限公司" in text and public.number in text
    codes = set(CODE.findall(text))
    assert codes == {public.code}
    page.goto(f"{live_server.url}/verify/{codes.pop()}/")
    banner = page.get_by_role("status")
    assert "现行有效" in banner.inner_text()
    assert public.number in page.content()
    screenshot(page, "reports-verify-current")

    # The account: sign in, issue the full report, find it listed and download it.
    page.goto(f"{live_server.url}/account/sign-in/?next=/account/reports/")
    page.get_by_label("统一社会信用代码或公民身份号码").fill(uscc(1))
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/account/sign-in/*/**")
    page.get_by_label("验证码").fill(shown_code(Challenge.objects.get()))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/account/reports/")
    navigation = page.get_by_role("navigation", name="账户导航")
    assert navigation.get_by_role("link", name="信用报告").get_attribute("aria-current") == "page"
    page.get_by_label("报告类型").select_option("full")
    page.get_by_label("用途").fill("自查核对")
    page.get_by_role("button", name="出具报告").click()
    page.wait_for_url(f"{live_server.url}/account/reports/")
    full = Report.objects.get(type_code="full")
    assert f"已出具信用报告 {full.number}" in page.locator(".messages").inner_text()
    row = page.get_by_role("row").filter(has_text=full.number)
    assert "现行有效" in row.inner_text() and "自查核对" in row.inner_text()
    screenshot(page, "reports-account")
    own = download(page, row.get_by_role("link", name="下载 PDF").click, tmp_path)
    assert own.read_bytes()[:4] == b"%PDF" and full.number in pdf_text(own)
    assert DOC in "".join(pdf_text(own).split())
