"""The listing procedure through the back office: a whole procedure from notice to removal,
who sees which entries and may take which steps, deadlines, and refused forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.lists.conftest import Staff, company, notice
from tests.office.conftest import days_ago, department, form_page
from xinyong.core.identifiers import make_uscc
from xinyong.lists.models import EntryState, ListEntry, ListEntryStep
from xinyong.lists.services import notify
from xinyong.subjects.models import Subject
from xinyong.subjects.services import SubjectIdentifiers, link

pytestmark = pytest.mark.django_db
MARKET = "market_serious_illegal"
PERSON_ID = "120101199003071235"


def _notice_form(who: Subject, served: int = 14, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "subject": who.uscc,
        "list_type": MARKET,
        "notice_no": "津市监告〔2026〕9号",
        "served_on": days_ago(served).isoformat(),
        "grounds": "提交虚假材料取得许可，情节严重",
        "basis": "《市场监督管理严重违法失信名单管理办法》第二条",
    }
    values.update(changes)
    return values


def _decision(days: int, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "decide-doc_no": "津市监列〔2026〕9号",
        "decide-decision_date": days_ago(days).isoformat(),
        "decide-facts": "当事人提交虚假材料取得食品经营许可",
        "decide-reasons": "属于严重违法失信行为",
        "decide-basis": "《市场监督管理严重违法失信名单管理办法》第九条",
        "decide-remedies": "可自收到之日起六十日内申请行政复议",
        "decide-removal_conditions": "",
    }
    values.update(changes)
    return values


def _step(client: Client, entry: ListEntry, step: str, data: dict[str, Any]) -> Any:
    return client.post(f"/office/lists/{entry.public_id}/{step}/", data)


def _steps(entry: ListEntry) -> list[str]:
    return list(
        ListEntryStep.objects.filter(entry=entry).order_by("id").values_list("kind", flat=True)
    )


def test_pages_need_a_signed_in_user(client: Client, db: None) -> None:
    for url in ("/office/lists/", "/office/lists/notice/", "/office/lists/abc/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/office/login/")


def test_a_whole_procedure_through_the_pages(market: Client, staff: Staff) -> None:
    subject = company(1)
    page = market.get("/office/lists/notice/").content.decode()
    assert f'value="{MARKET}"' in page and "tax_credit_a" not in page  # its own lists only
    assert "5 个工作日" in page

    response = market.post("/office/lists/notice/", _notice_form(subject))
    entry = ListEntry.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/office/lists/{entry.public_id}/"
    )
    page = market.get(response["Location"]).content.decode()
    assert "已告知，陈述申辩期限已计算" in page and "已届满，可作出决定" in page
    assert all(
        f'action="/office/lists/{entry.public_id}/{s}/"' in page
        for s in ("statement", "decide", "drop")
    )
    assert "/publish/" not in page

    statement = {
        "statement-statement": "已整改，请求从轻",
        "statement-received_on": days_ago(13).isoformat(),
    }
    assert _step(market, entry, "statement", statement).status_code == 302
    assert _step(market, entry, "decide", _decision(7)).status_code == 302
    page = market.get(f"/office/lists/{entry.public_id}/").content.decode()
    assert "C01" in page and "列入满一年" in page  # measures and the list type's removal conditions
    assert f'action="/office/lists/{entry.public_id}/publish/"' in page
    assert "/remove_early/" in page and "最早可于" in page

    assert (
        _step(
            market, entry, "publish", {"publish-published_on": days_ago(6).isoformat()}
        ).status_code
        == 302
    )
    removal = {
        "remove_outcome-outcome": "repair",
        "remove_outcome-reference": "津市监修〔2026〕2号",
        "remove_outcome-decided_on": days_ago(0).isoformat(),
        "remove_outcome-note": "已完成信用修复",
    }
    assert _step(market, entry, "remove_outcome", removal).status_code == 302

    entry.refresh_from_db()
    assert (entry.state, entry.removal_kind) == (EntryState.REMOVED, "repair")
    assert _steps(entry) == ["notice", "statement", "decision", "publication", "removal"]
    page = market.get(f"/office/lists/{entry.public_id}/").content.decode()
    history = re.findall(r'<div class="history-head"><strong>(.+?)</strong>', page)
    assert history == ["告知", "陈述申辩", "列入决定", "公布", "移出"]
    assert "信用修复" in page and "office_market" in page
    assert "<details" not in page  # nothing left to do on a removed entry


def test_a_department_sees_only_its_own_entries(
    market: Client, tax: Client, overseer: Client, staff: Staff
) -> None:
    entry = notify(
        staff.market, subject=company(1), list_type=MARKET, notice=notice(days_ago(3).isoformat())
    )
    url = f"/office/lists/{entry.public_id}/"
    assert "天津市名单测试1有限公司" in market.get("/office/lists/").content.decode()
    assert "天津市名单测试1有限公司" not in tax.get("/office/lists/").content.decode()
    assert tax.get(url).status_code == 404
    assert (
        _step(
            tax, entry, "drop", {"drop-reason": "x", "drop-on": days_ago(0).isoformat()}
        ).status_code
        == 404
    )

    oversight = overseer.get(url).content.decode()  # the credit office sees, but does not act
    assert "天津市名单测试1有限公司" in oversight and "<details" not in oversight
    assert "天津市名单测试1有限公司" in overseer.get("/office/lists/").content.decode()


def test_staff_without_an_acting_role_read_but_do_not_act(sign_in: Any, staff: Staff) -> None:
    entry = notify(
        staff.market, subject=company(1), list_type=MARKET, notice=notice(days_ago(3).isoformat())
    )
    auditor = sign_in(department("market_regulation"), "market_auditor", "auditor")
    page = auditor.get(f"/office/lists/{entry.public_id}/").content.decode()
    assert "天津市名单测试1有限公司" in page and "<details" not in page
    assert auditor.get("/office/lists/notice/").status_code == 403
    refused = _step(
        auditor, entry, "drop", {"drop-reason": "无须列入", "drop-on": days_ago(0).isoformat()}
    )
    assert "办理列入和移出需要操作员、审核员或管理员角色" in form_page(refused)
    assert _steps(entry) == ["notice"]


def test_deadlines_show_where_today_stands(market: Client, staff: Staff) -> None:
    fresh = notify(
        staff.market,
        subject=company(1),
        list_type=MARKET,
        notice=notice(days_ago(0).isoformat(), notice_no="A"),
    )
    late = notify(
        staff.market,
        subject=company(2),
        list_type=MARKET,
        notice=notice(days_ago(30).isoformat(), notice_no="B"),
    )
    page = market.get("/office/lists/?state=noticed").content.decode()
    rows = re.findall(
        r'<tr( class="attention")?>\s*<td data-label="信用主体"><a href="/office/lists/(\w+)/"',
        page,
    )
    assert sorted(rows) == sorted([("", fresh.public_id), (' class="attention"', late.public_id)])
    assert "剩 5 个工作日" in page and "已届满，可作出决定" in page and "暂定" not in page

    ListEntry.objects.filter(pk=fresh.pk).update(response_due_provisional=True)
    assert "暂定" in market.get("/office/lists/").content.decode()


def test_filters(market: Client, staff: Staff) -> None:
    notify(
        staff.market, subject=company(1), list_type=MARKET, notice=notice(days_ago(3).isoformat())
    )
    assert (
        "天津市名单测试1有限公司"
        in market.get(f"/office/lists/?list_type={MARKET}").content.decode()
    )
    assert (
        "天津市名单测试1有限公司"
        not in market.get("/office/lists/?state=published").content.decode()
    )
    page = market.get("/office/lists/?state=whatever").content.decode()
    assert "天津市名单测试1有限公司" not in page and "选择一个有效的选项" in page


def test_refused_forms_say_why_in_chinese_and_change_nothing(market: Client, staff: Staff) -> None:
    subject = company(1)
    bad_code = subject.uscc[:-1] + ("0" if subject.uscc[-1] != "0" else "1")
    page = form_page(
        market.post("/office/lists/notice/", _notice_form(subject, subject=bad_code, grounds=""))
    )
    assert "统一社会信用代码无效" in page and "这个字段是必填项" in page
    unknown = make_uscc("9", "1", "120101", "77777777")
    assert "平台未登记该统一社会信用代码的主体" in form_page(
        market.post("/office/lists/notice/", _notice_form(subject, subject=unknown))
    )
    future = _notice_form(subject, served_on=days_ago(-3).isoformat())
    assert "告知送达日期不能晚于今天" in form_page(market.post("/office/lists/notice/", future))
    assert not ListEntry.objects.exists()

    entry = notify(
        staff.market, subject=subject, list_type=MARKET, notice=notice(days_ago(0).isoformat())
    )
    page = form_page(_step(market, entry, "decide", _decision(0)))
    assert "陈述申辩期限至" in page and "期满或收到陈述申辩意见后方可作出决定" in page
    assert re.search(r"<details class=\"step-form\" open>\s*<summary>作出列入决定", page)
    page = form_page(_step(market, entry, "publish", {"publish-published_on": "2026-13-01"}))
    assert "输入一个有效的日期" in page  # a bad date never reaches the service
    entry.refresh_from_db()
    assert entry.state == EntryState.NOTICED and _steps(entry) == ["notice"]


def test_an_incentive_list_is_decided_directly(tax: Client, staff: Staff) -> None:
    subject = company(5)
    assert tax.get("/office/lists/direct/").status_code == 200
    data = {
        k.removeprefix("decide-"): v
        for k, v in _decision(1, **{"decide-doc_no": "津税A〔2026〕1号"}).items()
    }
    response = tax.post(
        "/office/lists/direct/", {**data, "subject": subject.uscc, "list_type": "tax_credit_a"}
    )
    entry = ListEntry.objects.get()
    assert response["Location"] == f"/office/lists/{entry.public_id}/"
    assert (entry.state, entry.list_type.code) == (EntryState.DECIDED, "tax_credit_a")


def test_personal_identifiers_are_masked(tax: Client, staff: Staff) -> None:
    found = link(SubjectIdentifiers(citizen_id=PERSON_ID), name="张三丰", source="test")
    assert found.subject is not None
    entry = notify(
        staff.tax, subject=found.subject, list_type="tax_major_violation",
        notice=notice(days_ago(2).isoformat(), grounds=f"身份证号 {PERSON_ID} 逃避追缴欠税"),
    )  # fmt: skip
    pages = (
        tax.get("/office/lists/").content.decode()
        + tax.get(f"/office/lists/{entry.public_id}/").content.decode()
    )
    assert PERSON_ID not in pages and "张三丰" not in pages
    assert "张**" in pages and "120101********1235" in pages


def test_the_entry_list_costs_the_same_queries_for_more_entries(
    market: Client, staff: Staff
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert market.get("/office/lists/").status_code == 200
        return len(captured)

    def add(numbers: range) -> None:
        for n in numbers:
            served = notice(days_ago(n).isoformat(), notice_no=f"津市监告〔2026〕{n}号")
            notify(staff.market, subject=company(n), list_type=MARKET, notice=served)

    add(range(1, 3))
    few = queries()
    add(range(3, 9))
    assert queries() == few
