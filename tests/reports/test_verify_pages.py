"""/verify/ and /verify/<code>/: the state banner and the signed facts, by code and by upload;
no record of the content, and no personal identifier of a person."""

from __future__ import annotations

import io
from typing import Any

from django.core.cache import cache
from django.test import Client

from tests.records.pipeline.helpers import citizen_id
from tests.records.test_public_fixtures import land, penalty, person
from tests.reports.helpers import (
    DOC,
    NAME,
    add_penalty,
    altered,
    correct_penalty,
    firm,
    market,
    policy,
    public_report,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.reports.services.issuing import issue_report, open_pdf
from xinyong.reports.services.scope import Requester
from xinyong.subjects.models import Subject

__all__ = ["firm", "market", "policy", "var_dir"]  # fixtures used by name


def text(response: Any) -> str:
    return str(response.content.decode())


def test_the_form_offers_a_code_and_an_upload(client: Client, policy: None) -> None:
    cache.clear()
    page = text(client.get("/verify/"))
    assert "按验证码核验" in page and "上传报告文件核验" in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrfmiddlewaretoken"' in page


def test_the_code_page_shows_the_facts_and_no_records(firm: Subject, client: Client) -> None:
    report = public_report(firm)
    response = client.get(f"/verify/{report.code}/")
    page = text(response)
    assert response.status_code == 200
    assert "现行有效" in page and report.number in page and NAME in page
    assert report.sha256 in page and report.manifest["signature"]["key_id"] in page
    assert DOC not in page


def test_a_typed_code_goes_to_its_page(firm: Subject, client: Client) -> None:
    report = public_report(firm)
    typed = report.code.replace("-", "").lower()
    response = client.post("/verify/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/verify/{report.code}/"


def test_a_malformed_or_unknown_code_says_so(firm: Subject, client: Client) -> None:
    public_report(firm)
    malformed = client.post("/verify/", {"code": "12345"})
    assert malformed.status_code == 404 and "验证码格式不对" in text(malformed)
    unknown = client.get("/verify/AAAA-BBBB-CCCC-DDDD/")
    assert unknown.status_code == 404 and "无法验证" in text(unknown)


def test_an_uploaded_file_is_checked_by_its_hash(firm: Subject, client: Client) -> None:
    report = public_report(firm)
    data = open_pdf(report)
    genuine = client.post("/verify/", {"file": io.BytesIO(data)})
    assert "现行有效" in text(genuine) and report.number in text(genuine)
    forged = io.BytesIO(altered(data))
    forged.name = "report.pdf"
    page = text(client.post("/verify/", {"file": forged}))
    assert "已被改动" in page and "与平台存档的原件不一致" in page


def test_superseded_and_revoked_reports_say_why(
    firm: Subject, market: Organisation, client: Client
) -> None:
    report = public_report(firm)
    add_penalty(market)
    page = text(client.get(f"/verify/{report.code}/"))
    assert "情况已变化" in page and "新增 1 条记录" in page
    correct_penalty(market)
    page = text(client.get(f"/verify/{report.code}/"))
    assert "已撤销" in page and "所依据的记录已更正" in page


def test_a_persons_report_shows_no_name_or_id_number(market: Organisation, client: Client) -> None:
    cache.clear()
    land(market, "XZCF", [penalty(DOC, person(5, name="王建国"))])
    subject = Subject.objects.get(kind="natural_person")
    report = issue_report(subject, "full", Requester.for_subject("self"))
    page = text(client.get(f"/verify/{report.code}/"))
    assert "王**" in page and "王建国" not in page
    number = citizen_id(5, born="19850101")
    assert number not in page and number[-4:] not in page


def test_english_pages_and_rate_limit(firm: Subject, client: Client, settings: Any) -> None:
    report = public_report(firm)
    assert client.get(f"/en/verify/{report.code}/").status_code == 200
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "report_verify": 2}
    cache.clear()
    statuses = [client.get(f"/verify/{report.code}/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
