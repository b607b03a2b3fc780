"""A procurement officer's journey in a real browser: upload a list of three bidders (one the
platform does not know), watch the batch progress, download the ZIP — two PDF reports and a
清单 naming the unknown bidder — on a desktop, then read the page on a 390-pixel phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache

from tests.conftest import screenshot
from tests.records.face.conftest import run_worker
from tests.reports.batch_support import (
    PURPOSE,
    UNKNOWN,
    bidders,
    centre,
    list_file,
    market,
    policy,
    unzip,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.reports.models import Report
from xinyong.subjects.models import Subject

if TYPE_CHECKING:
    from playwright.sync_api import FilePayload, Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

__all__ = ["bidders", "centre", "market", "policy", "var_dir"]  # fixtures used by name

PASSWORD = "采购-测试-口令-2026"
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_procurement_officer_gets_the_reports_of_a_list_of_bidders(
    live_server: LiveServer,
    page: Page,
    centre: Organisation,
    bidders: list[Subject],
    tmp_path: Path,
) -> None:
    user = create_staff_user(
        organisation=centre, username="zhao.liu", roles=["checker"], password=PASSWORD
    )
    cache.clear()
    page.goto(live_server.url + "/office/reports/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/reports/$"))

    batch_form = page.locator("form", has=page.get_by_role("heading", name="批量出具"))
    bidder_list: FilePayload = {
        "name": "投标人名单.csv",
        "mimeType": "text/csv",
        "buffer": list_file([bidders[0].uscc, UNKNOWN, bidders[1].name], encoding="gb18030"),
    }
    batch_form.get_by_label("主体清单文件").set_input_files([bidder_list])
    batch_form.get_by_label("报告类型").select_option("procurement")
    batch_form.get_by_label("用途").fill(PURPOSE)
    screenshot(page, "office-reports-new")
    batch_form.get_by_role("button", name="上传并批量出具").click()
    page.wait_for_url(re.compile(r"/office/reports/batches/rpb_[\w-]+/$"))
    assert "排队中" in page.locator("[data-status-label]").inner_text()
    screenshot(page, "office-reports-queued")

    run_worker()  # as `xinyong worker` would; the page polls and reloads when done
    page.get_by_role("link", name="下载压缩包（ZIP）").wait_for()
    progress = page.locator("section[data-status-url]").inner_text()
    assert "已完成" in progress and "100%" in progress
    assert page.locator("[data-count=issued]").inner_text() == "2"
    assert page.locator("[data-count=failed]").inner_text() == "1"
    screenshot(page, "office-reports-done")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载压缩包（ZIP）").click()
    assert download.value.suggested_filename.endswith(".zip")
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    made = unzip(target.read_bytes())
    reports = list(Report.objects.order_by("pk"))
    assert made.names == ["清单.csv", *(f"{r.number}_{r.subject.uscc}.pdf" for r in reports)]
    assert all(made.files[name].startswith(b"%PDF") for name in made.names[1:])
    unknown = [row for row in made.listing if row[1] == UNKNOWN]
    assert len(unknown) == 1 and unknown[0][2] == "未出具" and unknown[0][-1] == "平台未登记该主体"

    page.get_by_role("link", name="信用报告", exact=True).first.click()
    page.wait_for_url(re.compile(r"/office/reports/$"))
    row = page.locator("table.report-batches tbody tr").first
    assert "投标人名单.csv" in row.inner_text() and "已完成" in row.inner_text()
    assert row.get_by_role("link", name="压缩包").is_visible()
    screenshot(page, "office-reports-index")

    page.set_viewport_size(PHONE)
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    screenshot(page, "office-reports-phone")
