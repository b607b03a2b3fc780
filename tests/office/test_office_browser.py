"""A checker's journey in a real browser: sign in, check a listed bidder before a
procurement, read the measures and their legal basis, give feedback, see the queue empty —
on a desktop and on a 390-pixel phone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.conftest import screenshot
from tests.office.conftest import MATTER, PASSWORD
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.checks.models import Feedback
from xinyong.subjects.models import Subject

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_checker_checks_a_bidder_and_gives_feedback(
    live_server: LiveServer, page: Page, listed: Subject, checker: Organisation
) -> None:
    user = create_staff_user(
        organisation=checker, username="li.si", roles=["checker"], password=PASSWORD
    )
    page.goto(live_server.url + "/office/checks/new/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/checks/new/$"))

    page.get_by_label("主体代码").fill(listed.uscc)
    page.get_by_label("业务场景").select_option("government_procurement")
    page.get_by_label("业务事项").fill(MATTER)
    screenshot(page, "office-check-new")
    page.get_by_role("button", name="核查", exact=True).click()
    page.wait_for_url(re.compile(r"/office/checks/chk_[\w-]+/$"))
    assert page.locator(".result").inner_text() == "命中"
    measure = page.locator("article.measure")
    assert measure.count() == 1 and "企业信息公示暂行条例" in measure.inner_text()
    assert page.get_by_role("link", name="下载签名回执（JSON）").is_visible()
    screenshot(page, "office-check-result")

    page.get_by_label("不适用").check()
    page.get_by_role("button", name="提交反馈").click()  # without the reason it needs
    refused = page.locator("fieldset.measure-outcome.invalid")
    assert "未采取措施或不适用的，须说明理由" in refused.inner_text()
    assert not Feedback.objects.exists()
    page.get_by_label("已采取措施").check()
    page.get_by_role("button", name="提交反馈").click()
    page.locator(".messages", has_text="已反馈措施实施情况").wait_for()
    assert Feedback.objects.get().outcomes == {"C02": {"outcome": "applied", "reason": ""}}
    screenshot(page, "office-check-feedback")

    page.get_by_role("link", name="核查", exact=True).click()
    page.wait_for_url(re.compile(r"/office/checks/$"))
    assert "没有待反馈的核查" in page.locator("table.queue").inner_text()
    screenshot(page, "office-check-queue")

    page.set_viewport_size(PHONE)
    page.go_back()
    page.wait_for_url(re.compile(r"/office/checks/chk_[\w-]+/$"))
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]  # nothing sticks out sideways on a phone
    screenshot(page, "office-check-result-phone")
    page.goto(live_server.url + "/office/loop/")
    assert "天津市财政局" in page.locator("table.loop").inner_text()
    screenshot(page, "office-loop-phone")
