"""The portal's 下载信用报告 button: the form on a subject page, the POST that issues a public
report and sends its PDF, the version without colour, and who gets no button."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import (
    company,
    land,
    market,
    penalty,
    person,
    policy,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.reports.models import Report
from xinyong.subjects.models import Subject

__all__ = ["market", "policy", "var_dir"]  # fixtures used by name

DOC = "津市监罚〔2026〕11号"


def pdf_text(data: bytes) -> str:
    """The PDF's text without white space (a table cell may wrap a document number)."""
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return "".join(done.stdout.decode().split())


@pytest.fixture
def firm(market: Organisation) -> Subject:
    cache.clear()  # rate-limit counters of earlier tests live in the cache
    land(market, "XZCF", [penalty(DOC, company(1))])
    return Subject.objects.get(uscc=uscc(1))


def report_url(subject: Subject) -> str:
    return f"/reports/public/{subject.public_id}/"


def test_an_organisation_page_has_the_download_form(firm: Subject, client: Client) -> None:
    page = client.get(f"/subjects/{uscc(1)}/").content.decode()
    assert f'action="{report_url(firm)}"' in page
    assert "下载信用报告" in page and "彩色版" in page and "打印版" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_button_issues_a_public_report_and_sends_its_pdf(firm: Subject, client: Client) -> None:
    response = client.post(report_url(firm), {"version": "colour"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    report = Report.objects.get()
    assert f'filename="{report.number}.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert (report.subject, report.type_code, report.audience) == (firm, "public", "public")
    assert report.monochrome is False and report.requested_by == ""
    data = response.content
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "天津市公示测试1有限公司" in text and DOC in text and report.number in text


def test_the_print_version_has_no_colour(firm: Subject, client: Client) -> None:
    assert client.post(report_url(firm), {"version": "print"}).status_code == 200
    assert Report.objects.get().monochrome is True


def test_a_person_has_no_button_and_no_public_report(market: Organisation, client: Client) -> None:
    cache.clear()
    land(market, "XZCF", [penalty("津市监罚〔2026〕12号", person(7))])
    someone = Subject.objects.get(kind="natural_person")
    page = client.get(f"/subjects/id/{someone.public_id}/").content.decode()
    assert "下载信用报告" not in page and "/reports/public/" not in page
    assert client.post(report_url(someone)).status_code == 404
    assert not Report.objects.exists()


def test_only_a_post_with_a_csrf_token_issues_a_report(firm: Subject) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(report_url(firm)).status_code == 405
    assert strict.post(report_url(firm)).status_code == 403
    assert Client().post("/reports/public/unknown-id/").status_code == 404
    assert not Report.objects.exists()


def test_the_button_is_rate_limited_per_address(
    firm: Subject, client: Client, settings: Any
) -> None:
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "public_report": 2}
    statuses = [client.post(report_url(firm)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Report.objects.count() == 2
