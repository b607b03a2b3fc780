"""The subject's credit reports in its account: the types it may take, issuing one (and
being refused with the reason), the list with each report's state, and the downloads, which
never reach another subject's reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
from tests.rights.helpers import signed_in_client
from xinyong.accounts.models import Organisation
from xinyong.reports.models import Report
from xinyong.reports.services.issuing import issue_report, open_pdf
from xinyong.reports.services.scope import Requester
from xinyong.subjects.models import Subject

if TYPE_CHECKING:
    from pytest_django.fixtures import DjangoAssertNumQueries

__all__ = ["market", "policy", "var_dir"]  # fixtures used by name

URL = "/account/reports/"


@pytest.fixture
def firm(market: Organisation) -> Subject:
    land(market, "XZCF", [penalty("津市监罚〔2026〕21号", company(1))])
    return Subject.objects.get(uscc=uscc(1))


@pytest.fixture
def signed_in(firm: Subject, client: Client) -> Client:
    signed_in_client(client, firm)
    return client


def page(client: Client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_needs_a_signed_in_subject(firm: Subject, client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    assert client.post(URL, {"type": "full", "version": "colour"}).status_code == 302
    assert not Report.objects.exists()


def test_a_company_is_offered_its_own_and_purpose_reports(signed_in: Client) -> None:
    html = page(signed_in)
    for name in ("信用信息报告（主体自查版）", "公共信用信息报告（政府采购专用版）",
                 "公共信用信息报告（通用版）"):  # fmt: skip
        assert f">{name}</option>" in html
    assert "尚未出具信用报告。" in html
    assert 'href="/account/reports/" aria-current="page"' in html  # the account navigation


def test_a_person_is_offered_the_reports_about_persons_only(
    market: Organisation, client: Client
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕22号", person(8))])
    signed_in_client(client, Subject.objects.get(kind="natural_person"))
    html = page(client)
    assert ">信用信息报告（主体自查版）</option>" in html
    assert "政府采购专用版</option>" not in html


def test_issuing_a_full_report_lists_it_and_offers_its_pdf(
    firm: Subject, signed_in: Client
) -> None:
    response = signed_in.post(URL, {"type": "full", "purpose": "", "version": "print"})
    assert response.status_code == 302 and response["Location"] == URL
    report = Report.objects.get()
    assert (report.subject, report.type_code, report.audience) == (firm, "full", "subject")
    assert report.monochrome is True
    assert report.requested_by.startswith("subject-member:")
    html = page(signed_in)
    assert f"已出具信用报告 {report.number}" in html
    assert report.number in html and "现行有效" in html and f"/verify/{report.code}/" in html
    download = signed_in.get(f"{URL}{report.number}.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content == open_pdf(report)
    assert f'filename="{report.number}.pdf"' in download["Content-Disposition"]


def test_a_purpose_report_without_its_purpose_is_refused_with_the_reason(
    signed_in: Client,
) -> None:
    response = signed_in.post(URL, {"type": "procurement", "purpose": " ", "version": "colour"})
    assert response.status_code == 200
    assert "须写明用途" in response.content.decode()
    assert not Report.objects.exists()
    done = signed_in.post(
        URL, {"type": "procurement", "purpose": "津采〔2026〕8号 投标", "version": "colour"}
    )
    assert done.status_code == 302
    assert Report.objects.get().purpose == "津采〔2026〕8号 投标"
    assert "津采〔2026〕8号 投标" in page(signed_in)


def test_an_unknown_type_is_a_form_error(signed_in: Client) -> None:
    response = signed_in.post(URL, {"type": "everything", "version": "colour"})
    assert response.status_code == 200 and not Report.objects.exists()


def test_states_show_a_changed_situation_and_a_revocation(
    firm: Subject, market: Organisation, signed_in: Client
) -> None:
    first = issue_report(firm, "full", Requester.for_subject())
    second = issue_report(firm, "public", Requester.for_subject())
    assert page(signed_in).count("现行有效") == 2
    land(market, "XZCF", [penalty("津市监罚〔2026〕23号", company(1))])
    html = page(signed_in)
    assert html.count("情况已变化") == 3  # two reports and the explanation below the table
    Report.objects.filter(pk=first.pk).update(revoked_at=timezone.now())
    html = page(signed_in)
    assert html.count(">已撤销<") == 1 and html.count(">情况已变化<") == 1
    assert second.number in html


def test_another_subjects_report_is_not_found(
    firm: Subject, market: Organisation, signed_in: Client
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕24号", company(2))])
    other = issue_report(Subject.objects.get(uscc=uscc(2)), "full", Requester.for_subject())
    assert signed_in.get(f"{URL}{other.number}.pdf").status_code == 404
    assert other.number not in page(signed_in)


def test_the_list_rebuilds_content_once_per_scope(
    firm: Subject, signed_in: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    issue_report(firm, "full", Requester.for_subject())
    page(signed_in)
    with CaptureQueriesContext(connection) as one:
        page(signed_in)
    for _ in range(4):
        issue_report(firm, "full", Requester.for_subject())
    with django_assert_max_num_queries(len(one.captured_queries)):
        page(signed_in)
