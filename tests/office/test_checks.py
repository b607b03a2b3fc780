"""Checks and feedback through the back office: a single check and its signed receipt, the
feedback form closing the queue item, who sees which queue, and the closed-loop statistics."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.lists.conftest import company
from tests.office.conftest import MATTER, SignIn, department, form_page
from xinyong.accounts.models import Organisation
from xinyong.checks.models import Check, Feedback
from xinyong.checks.services import awaiting_feedback
from xinyong.core.identifiers import make_uscc
from xinyong.core.signing import published_keys, verify
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db
BAD_PERSON_ID = "120101199003071234"  # a citizen ID shape with a wrong check character


def _check(client: Client, code: str, scenario: str = "government_procurement") -> Any:
    return client.post(
        "/office/checks/new/", {"subject": code, "scenario": scenario, "matter": MATTER}
    )


def _checked(client: Client, subject: Subject) -> Check:
    response = _check(client, subject.uscc)
    check = Check.objects.get(subject=subject)
    assert (
        response.status_code == 302 and response["Location"] == f"/office/checks/{check.public_id}/"
    )
    return check


def test_pages_need_a_signed_in_user(client: Client, db: None) -> None:
    for url in ("/office/checks/", "/office/checks/new/", "/office/loop/", "/office/batches/"):
        assert client.get(url)["Location"].startswith("/office/login/")


def test_a_check_shows_its_answer_and_a_receipt_that_verifies(
    finance: Client, listed: Subject
) -> None:
    check = _checked(finance, listed)
    page = finance.get(f"/office/checks/{check.public_id}/").content.decode()
    assert "命中" in page and "市场监督管理严重违法失信名单" in page and "津市监列〔2026〕" in page
    assert "C02" in page and "企业信息公示暂行条例" in page  # the measure and its legal basis
    assert "/api/v1/keys" in page and "xinyong receipts verify" in page
    assert 'name="outcome_C02"' in page

    receipt = finance.get(f"/office/checks/{check.public_id}/receipt/")
    assert (
        receipt["Content-Disposition"] == f'attachment; filename="receipt-{check.public_id}.json"'
    )
    envelope = json.loads(receipt.content)
    assert verify(envelope, published_keys()).valid
    envelope["payload"]["measures"] = []
    assert not verify(envelope, published_keys()).valid


def test_feedback_through_the_form_closes_the_queue_item(
    finance: Client, listed: Subject, checker: Organisation
) -> None:
    check = _checked(finance, listed)
    queue = finance.get("/office/checks/").content.decode()
    assert f"/office/checks/{check.public_id}/" in queue and "天津市名单测试1有限公司" in queue

    url = f"/office/checks/{check.public_id}/feedback/"
    page = form_page(finance.post(url, {"outcome_C02": "not_applied", "reason_C02": " "}))
    assert "未采取措施或不适用的，须说明理由" in page
    assert "这个字段是必填项" in form_page(finance.post(url, {}))
    assert not Feedback.objects.exists()

    response = finance.post(url, {"outcome_C02": "applied", "reason_C02": ""})
    assert (
        response.status_code == 302 and response["Location"] == f"/office/checks/{check.public_id}/"
    )
    assert Feedback.objects.get().outcomes == {"C02": {"outcome": "applied", "reason": ""}}
    assert list(awaiting_feedback(checker.pk)) == []
    page = finance.get(response["Location"]).content.decode()
    assert (
        "已反馈措施实施情况" in page and "已采取措施" in page and 'name="outcome_C02"' not in page
    )
    assert "没有待反馈的核查" in finance.get("/office/checks/").content.decode()
    again = form_page(finance.post(url, {"outcome_C02": "applied"}))
    assert "该次核查已经反馈过" in again and Feedback.objects.count() == 1


def test_overdue_checks_are_marked(finance: Client, listed: Subject) -> None:
    check = _checked(finance, listed)
    assert 'class="tag overdue"' not in finance.get("/office/checks/").content.decode()
    Check.objects.filter(pk=check.pk).update(
        feedback_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    queue = finance.get("/office/checks/").content.decode()
    assert '<tr class="attention">' in queue and 'class="tag overdue">已逾期' in queue
    assert (
        'class="tag overdue">已逾期'
        in finance.get(f"/office/checks/{check.public_id}/").content.decode()
    )


def test_an_organisation_sees_only_its_own_checks(
    finance: Client, tax: Client, listed: Subject
) -> None:
    check = _checked(finance, listed)
    assert tax.get(f"/office/checks/{check.public_id}/").status_code == 404
    assert tax.get(f"/office/checks/{check.public_id}/receipt/").status_code == 404
    assert (
        tax.post(
            f"/office/checks/{check.public_id}/feedback/", {"outcome_C02": "applied"}
        ).status_code
        == 404
    )
    assert "没有待反馈的核查" in tax.get("/office/checks/").content.decode()
    assert not Feedback.objects.exists()


def test_the_check_form_refuses_bad_requests_and_masks_what_was_typed(
    finance: Client, listed: Subject
) -> None:
    page = form_page(_check(finance, BAD_PERSON_ID))
    assert "校验位不符" in page and BAD_PERSON_ID not in page and "120101********1234" in page
    assert "选择一个有效的选项" in form_page(_check(finance, listed.uscc, scenario="karaoke"))
    assert "这个字段是必填项" in form_page(
        finance.post("/office/checks/new/", {"subject": listed.uscc})
    )
    assert not Check.objects.exists()

    unknown = make_uscc("9", "1", "120101", "77777777")
    response = _check(finance, unknown)
    page = finance.get(response["Location"]).content.decode()
    assert "平台未登记该主体（不表示无失信记录）" in page and 'name="outcome_' not in page


def test_a_clean_company_needs_no_feedback(finance: Client, staff: Any) -> None:
    check = _checked(finance, company(2))
    page = finance.get(f"/office/checks/{check.public_id}/").content.decode()
    assert "未命中" in page and "反馈措施实施情况" not in page and check.feedback_due is None


def test_staff_without_a_checking_role_read_but_do_not_check(
    sign_in: SignIn, finance: Client, listed: Subject, checker: Organisation
) -> None:
    check = _checked(finance, listed)
    auditor = sign_in(checker, "finance_auditor", "auditor")
    assert auditor.get("/office/checks/new/").status_code == 403
    assert auditor.get("/office/batches/new/").status_code == 403
    page = auditor.get(f"/office/checks/{check.public_id}/").content.decode()
    assert "C02" in page and 'name="outcome_C02"' not in page
    assert (
        auditor.post(
            f"/office/checks/{check.public_id}/feedback/", {"outcome_C02": "applied"}
        ).status_code
        == 403
    )
    assert not Feedback.objects.exists()


def test_the_credit_office_sees_the_whole_loop_and_others_their_own(
    finance: Client, tax: Client, overseer: Client, listed: Subject, sign_in: SignIn
) -> None:
    late = _checked(finance, listed)
    Check.objects.filter(pk=late.pk).update(
        feedback_due=timezone.localdate() - datetime.timedelta(days=3)
    )
    market = sign_in(department("market_regulation"), "market_checker", "checker")
    _check(market, listed.uscc, scenario="public_bidding")
    earlier = timezone.now() - datetime.timedelta(days=10)
    Check.objects.filter(scenario="public_bidding").update(checked_at=earlier)

    whole = overseer.get("/office/loop/").content.decode()
    assert "天津市财政局" in whole and "天津市市场监督管理委员会" in whole
    assert "政府采购" in whole and "招标投标" in whole
    assert late.public_id in whole and "核查机构" in whole
    assert f'href="/office/checks/{late.public_id}/"' not in whole  # another's check: no link

    own = finance.get("/office/loop/").content.decode()
    assert "天津市财政局" in own and "天津市市场监督管理委员会" not in own
    assert f'href="/office/checks/{late.public_id}/"' in own and "0.0%" in own
    assert late.public_id not in tax.get("/office/loop/").content.decode()

    assert "起始日期不能晚于今天" in overseer.get("/office/loop/?since=2999-01-01").content.decode()
    since = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    recent = overseer.get(f"/office/loop/?since={since}").content.decode()
    assert "天津市财政局" in recent and "招标投标" not in recent


def test_the_queue_costs_the_same_queries_for_more_checks(finance: Client, listed: Subject) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert finance.get("/office/checks/").status_code == 200
        return len(captured)

    _checked(finance, listed)
    few = queries()
    for _ in range(4):
        _check(finance, listed.uscc)
    assert queries() == few
