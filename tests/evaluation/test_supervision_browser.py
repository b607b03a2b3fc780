"""Classified supervision in a real Chromium: a credit office operator reads the grades by
district with the inspection each grade calls for, opens the D grades of one district and
the subject's evaluation from there — on a desktop and on a 390-pixel phone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.conftest import screenshot
from tests.evaluation.supervision_fixtures import CODE, HEDONG, policy, subject, var_dir, version
from tests.office.conftest import PASSWORD
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.evaluation.models import ModelVersion
from xinyong.evaluation.services import run_full

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

__all__ = ["policy", "var_dir", "version"]  # fixtures used by name


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_operator_reads_the_grades_by_district_and_opens_a_list(
    live_server: LiveServer, page: Page, version: ModelVersion
) -> None:
    for n, grade in enumerate("ABBCDD", start=1):
        subject(n, grade)
    poor = subject(7, "D", HEDONG)
    run_full(version)
    office = Organisation.objects.filter(kind="credit_office").order_by("pk")[0]
    user = create_staff_user(
        organisation=office, username="wang.wu", roles=["operator"], password=PASSWORD
    )
    page.goto(live_server.url + f"/office/supervision/?model={CODE}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/supervision/"))

    grades = page.locator("table.supervision-grades")
    assert "重点监管：提高抽查比例和频次" in grades.inner_text()
    districts = page.locator("table.supervision-districts")
    row = districts.locator("tr", has_text="河东区")
    assert row.locator("td").nth(3).inner_text() == "1"  # A B C D: one D in 河东区
    screenshot(page, "office-supervision")
    row.locator("td").nth(3).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/office/supervision/subjects/\?"))
    listed = page.locator("table.supervised tbody tr")
    assert listed.count() == 1 and poor.name in listed.inner_text()
    assert "共 1 个主体" in page.content()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "office-supervision-list-phone")
    page.get_by_role("link", name=poor.name).click()
    page.wait_for_url(re.compile(rf"/office/evaluation/{poor.public_id}/"))
    assert page.locator("form.panel").count() == 1  # the purpose form, styled as every office form
    screenshot(page, "office-evaluation-purpose-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/office/evaluation/")
    assert page.locator("form.panel").get_by_role("button", name="查找").is_visible()
    screenshot(page, "office-evaluation-lookup")
