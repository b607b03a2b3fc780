"""A submitter's journey in a real browser: sign in, upload a GB18030 file with bad rows,
watch the progress reach 100%, read the counts and download the error file."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

import pytest

from tests.conftest import screenshot
from tests.records.face.conftest import PASSWORD, Synth, run_worker
from xinyong.accounts.models import User
from xinyong.records.models import Submission

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_submitter_uploads_and_downloads_the_error_file(
    live_server: LiveServer, page: Page, submitter: User, synth: Synth
) -> None:
    page.goto(live_server.url + "/office/submissions/new/")
    assert "/office/login/" in page.url
    page.get_by_label("用户名").fill(submitter.username)
    page.get_by_label("密码").fill(PASSWORD)
    screenshot(page, "office-login")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/submissions/new/$"))

    page.get_by_label("目录项").select_option("XZCF")
    page.get_by_label("文件").set_input_files(str(synth.file("xzcf_v2.csv")))
    screenshot(page, "office-upload")
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url(re.compile(r"/office/submissions/[0-9a-f]{32}/$"))
    assert page.locator("[data-status-label]").inner_text() == "已接收"

    run_worker()  # the worker, in this thread; the page keeps polling the live server
    page.locator("[data-status-label]", has_text="已完成").wait_for(timeout=15_000)
    submission = Submission.objects.get()
    assert page.locator("[data-progress-text]").inner_text() == "100%"
    assert page.locator('[data-count="accepted"]').inner_text() == str(submission.accepted)
    assert page.locator('[data-count="rejected"]').inner_text() == str(submission.rejected)
    assert submission.rejected >= len(synth.surely_bad("xzcf_v2.csv")) > 0
    assert page.locator("table.rejected tbody tr").count() == submission.rejected
    screenshot(page, "office-submission")

    with page.expect_download() as event:
        page.get_by_role("link", name="下载错误行文件").click()
    download = event.value
    assert download.suggested_filename == "xzcf_v2.错误行.csv"
    path = download.path()
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"))))
    assert len(rows) - 1 == submission.rejected
    assert {int(row[0]) for row in rows[1:]} >= synth.surely_bad("xzcf_v2.csv")

    page.get_by_role("link", name="全部报送批次").click()
    page.wait_for_url(re.compile(r"/office/submissions/$"))
    assert page.locator("table.submissions tbody tr").count() == 1
    screenshot(page, "office-submissions")
