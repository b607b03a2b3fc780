"""Verification in a real Chromium: a procurement officer types the code from a report's
cover and sees 现行有效; uploads an altered copy and sees 已被改动 (also on a phone)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

from tests.conftest import screenshot
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, penalty
from tests.reports.helpers import altered, public_report
from xinyong.accounts.models import Organisation
from xinyong.catalog.services import default_policy_dir, load_policy
from xinyong.reports.services.issuing import open_pdf
from xinyong.subjects.models import Subject

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer


def test_an_officer_checks_a_report_by_code_and_by_file(
    live_server: LiveServer, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    cache.clear()  # rate-limit counters of earlier browser tests
    load_policy(default_policy_dir())
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    land(market, "XZCF", [penalty("津市监罚〔2026〕81号", company(1, "天津市海河贸易有限公司"))])
    report = public_report(Subject.objects.get(uscc=uscc(1)))
    base = live_server.url

    page.goto(f"{base}/verify/")
    page.get_by_label("验证码").fill(report.code.lower())
    page.get_by_role("button", name="核验", exact=True).click()
    page.wait_for_url(re.compile(rf"/verify/{report.code}/$"))
    banner = page.get_by_role("status")
    assert "现行有效" in banner.inner_text()
    main = page.locator("main").inner_text()
    assert report.number in main and "天津市海河贸易有限公司" in main
    screenshot(page, "reports-verify-current")

    forged = tmp_path / "forged.pdf"
    forged.write_bytes(altered(open_pdf(report)))
    page.get_by_label("报告文件（PDF）").set_input_files(str(forged))
    page.get_by_role("button", name="上传并核验").click()
    assert "已被改动" in page.get_by_role("status").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "reports-verify-altered-phone")
