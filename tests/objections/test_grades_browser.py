"""An objection to a grade in a real Chromium: a company graded D objects from its account,
the credit office re-evaluates it in the back office, and the company reads the reply that
names its new grade."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.conftest import screenshot
from tests.evaluation.supervision_fixtures import CODE, regrade, subject, version
from tests.records.pipeline.helpers import uscc
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.evaluation.models import ModelVersion
from xinyong.evaluation.services import run_full
from xinyong.rights.models import Challenge
from xinyong.rights.services import shown_code
from xinyong.subjects.models import SubjectIdentifier

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

__all__ = ["version"]  # a fixture used by name
PASSWORD = "后台-评价异议-口令-2026"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_company_objects_to_its_grade_and_the_office_reevaluates(
    live_server: LiveServer, page: Page, browser: Browser, settings: Any, tmp_path: Path,
    version: ModelVersion,
) -> None:  # fmt: skip
    settings.XINYONG_VAR_DIR = tmp_path
    company = subject(1, "D")  # graded D: the model reads no unified code on the subject
    SubjectIdentifier.objects.create(
        subject=company, scheme="uscc", value=uscc(1), source="test", first_seen_at=timezone.now()
    )  # the code it signs in with
    run_full(version)
    regrade(company, "B")  # what the office will find: the code is on the subject now
    base = live_server.url

    cache.clear()  # sign-in rate-limit counters earlier browser tests left (not rolled back)
    page.goto(base + "/account/sign-in/")
    page.get_by_label("统一社会信用代码或公民身份号码").fill(uscc(1))
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/account/sign-in/*/**")
    page.get_by_label("验证码").fill(shown_code(Challenge.objects.get()))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/account/")
    page.goto(f"{base}/account/objections/grade/{CODE}/")
    assert "50 分" in page.locator("main").inner_text()
    page.get_by_label("异议理由").fill("本单位已取得统一社会信用代码，评价未予计入。")
    screenshot(page, "objection-grade-new")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_url(re.compile(r"/account/objections/[0-9a-f]{32}/$"))
    assert "分级监管测试模型 · D" in page.locator("main").inner_text()

    staff = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    office = staff.new_page()
    credit = Organisation.objects.filter(kind="credit_office").order_by("pk")[0]
    create_staff_user(organisation=credit, username="zhao.liu", roles=["operator"],
                      password=PASSWORD)  # fmt: skip
    office.goto(base + "/office/objections/")
    office.get_by_label("用户名").fill("zhao.liu")
    office.get_by_label("密码").fill(PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_url(re.compile(r"/office/objections/$"))
    office.locator("table.objections a").first.click()
    office.wait_for_url(re.compile(r"/office/objections/[0-9a-f]{32}/$"))
    assert "异议的评价结果" in office.locator("main").inner_text()
    office.get_by_label("重新评价：按最新信息对该主体重新评价").check()
    office.get_by_label("答复意见").fill(
        "经复核，该单位已取得统一社会信用代码，依据最新信息重新评价。"
    )
    screenshot(office, "objection-grade-office-answer")
    office.get_by_role("button", name="提交答复").click()
    office.locator(".messages", has_text="已答复").wait_for()
    staff.close()

    page.reload()
    reply = page.locator("article.reply-document").inner_text()
    assert "已重新评价" in page.locator("main").inner_text()
    assert "评价等级为 B 级" in reply and "重新评价" in reply
    screenshot(page, "objection-grade-reply")
