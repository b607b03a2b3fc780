"""The public pages: the report form with its one-time sum and rate limit, the receipt shown
once, the status lookup by a posted receipt code (wrong codes all answered alike), and the
links from the portal."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import reverse

from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import land, penalty, person
from tests.tipoffs.conftest import FACTS, Staff, challenge_answer, form_data, pdf_upload, report
from xinyong.accounts.models import Organisation
from xinyong.core import ratelimit
from xinyong.core.models import AuditEntry
from xinyong.subjects.models import Subject
from xinyong.tipoffs.challenge import SESSION_KEY
from xinyong.tipoffs.models import TipOff
from xinyong.tipoffs.services import close, file_tipoff, route

pytestmark = pytest.mark.django_db

NEW = "/tipoffs/new/"
STATUS = "/tipoffs/status/"


def _html(response: HttpResponseBase, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def _post_report(client: Client, **changes: Any) -> HttpResponseBase:
    page = _html(client.get(NEW))
    return client.post(NEW, {**form_data(**changes), **challenge_answer(client, page)})


def _code_on(page: str) -> str:
    found = re.search(r'class="receipt-code code"[^>]*>([0-9A-Z-]+)<', page)
    assert found is not None
    return found.group(1)


def test_anyone_files_a_tipoff_and_sees_its_receipt_code_once(
    client: Client, held_company: Subject
) -> None:
    response = _post_report(client, attachments=[pdf_upload()])

    page = _html(response)
    tipoff = TipOff.objects.get()
    assert tipoff.subject == held_company and tipoff.attachments.count() == 1
    code = _code_on(page)
    assert tipoff.number in page and "回执码只显示这一次" in page
    assert "no-store" in response["Cache-Control"]
    assert code not in response.get("Location", "") and not client.session.get(SESSION_KEY)
    status = _html(client.post(STATUS, {"code": code.lower().replace("-", " ")}))
    assert tipoff.number in status and "已受理" in status
    assert code not in status  # the form does not echo the code back


def test_a_failed_challenge_keeps_the_text_and_says_why(client: Client, policy: None) -> None:
    page = _html(client.get(NEW))
    asked = challenge_answer(client, page)
    wrong = str(int(asked["answer"]) + 1)

    again = _html(
        client.post(NEW, {**form_data(), "challenge": asked["challenge"], "answer": wrong}), 400
    )
    assert "验证题答案不正确" in again and FACTS in again and "天津市海河贸易有限公司" in again
    assert TipOff.objects.count() == 0
    # The question is used up: its right answer no longer passes either.
    replay = client.post(NEW, {**form_data(), **asked})
    assert replay.status_code == 400 and TipOff.objects.count() == 0
    # The new question on the page does.
    assert _post_report(client).status_code == 200 and TipOff.objects.count() == 1


def test_a_missing_challenge_is_refused(client: Client, policy: None) -> None:
    response = client.post(NEW, {**form_data(), "challenge": "0123456789abcdef", "answer": "7"})
    assert response.status_code == 400 and TipOff.objects.count() == 0


def test_a_refused_attachment_is_explained_and_changes_nothing(
    client: Client, policy: None, var_dir: Path
) -> None:
    response = _post_report(client, attachments=[pdf_upload("病毒.pdf", b"MZ\x90\x00")])

    page = _html(response, 400)
    assert "不是 PDF、PNG 或 JPEG 文件" in page and FACTS in page
    assert "附件没有保留" in page
    assert TipOff.objects.count() == 0 and not AuditEntry.objects.filter(action="tipoff.file")
    assert not list((var_dir / "evidence").rglob("*.*"))


def test_an_id_number_is_refused_without_being_shown(client: Client, policy: None) -> None:
    number = citizen_id(8)
    page = _html(_post_report(client, reported_kind="person", reported_code=number), 400)
    assert "请勿填写身份证号码" in page and TipOff.objects.count() == 0
    assert number not in page and FACTS in page
    named = _html(_post_report(client, reported_kind="person", reported_name=f"李四{number}"), 400)
    assert number not in named and number[:6] in named  # masked, the rest kept


@pytest.fixture
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock that stays inside one rate-limit window, and no counters left by a browser
    test (its transactions are not rolled back)."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 60 * 29_000_000 + 5.0))
    cache.clear()


def test_the_report_form_is_rate_limited_per_address(
    client: Client, policy: None, settings: Any, one_window: None
) -> None:
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "tipoff": 2}
    assert client.get(NEW).status_code == 200
    assert client.get(NEW).status_code == 200
    limited = client.get(NEW)
    assert limited.status_code == 429 and "Retry-After" in limited
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.get(NEW).status_code == 200


def test_wrong_receipt_codes_get_one_answer_and_are_rate_limited(
    client: Client, policy: None, settings: Any, one_window: None
) -> None:
    filed = file_tipoff(report())
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "tipoff_status": 4}
    right = filed.receipt_code
    near_miss = right[:-1] + ("2" if right[-1] != "2" else "3")

    def answer(code: str) -> str:
        page = _html(client.post(STATUS, {"code": code}))
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    answers = {answer(code) for code in (near_miss, "x", "")}
    assert len(answers) == 1  # one shape whatever was typed
    assert "没有找到" in answers.pop() and filed.tipoff.number in answer(right.lower())
    assert client.post(STATUS, {"code": right}).status_code == 429


def test_the_code_never_travels_in_the_address(client: Client, policy: None) -> None:
    filed = file_tipoff(report())
    page = _html(client.get(STATUS, {"code": filed.receipt_code}))
    assert filed.tipoff.number not in page and 'method="post"' in page


def test_the_status_shows_the_department_and_outcome_once_closed(
    client: Client, staff: Staff
) -> None:
    filed = file_tipoff(report())
    tipoff = route(staff.credit, filed.tipoff, staff.market_org, "请核查")
    routed = _html(client.post(STATUS, {"code": filed.receipt_code}))
    assert "已转办" in routed and "天津市市场监督管理委员会" in routed and "经查属实" not in routed
    close(staff.market, tipoff, "substantiated", "经查属实，已立案查处。")
    closed = _html(client.post(STATUS, {"code": filed.receipt_code}))
    assert "已办结" in closed and "查证属实" in closed and "经查属实，已立案查处。" in closed
    assert "请核查" not in closed  # the routing note is the office's, not the informant's


def test_a_company_page_links_to_the_prefilled_form(client: Client, held_company: Subject) -> None:
    page = _html(client.get(f"/subjects/{uscc(1)}/"))
    link = f"{NEW}?subject={held_company.public_id}"
    assert link in page.replace("&amp;", "&") and "举报失信行为" in page
    form = _html(client.get(link))
    assert 'value="天津市海河贸易有限公司"' in form and f'value="{uscc(1)}"' in form


def test_a_person_is_never_prefilled_or_linked(client: Client, market: Organisation) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕401号", person(3, "王小明"))])
    someone = Subject.objects.get(kind="natural_person")
    page = _html(client.get(f"/subjects/id/{someone.public_id}/"))
    assert reverse("tipoffs:new") not in page.split("site-footer")[0]
    form = _html(client.get(f"{NEW}?subject={someone.public_id}"))
    assert "王小明" not in form and "王**" not in form


def test_the_portal_footer_links_both_pages(client: Client, policy: None) -> None:
    home = _html(client.get("/"))
    assert reverse("tipoffs:new") in home and reverse("tipoffs:status") in home
    english = _html(client.get("/en/tipoffs/new/"))
    assert 'name="answer"' in english
