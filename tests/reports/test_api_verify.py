"""`GET /api/v1/reports/{code}`: the public verification JSON with the signed envelope."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client

from tests.records.test_public_fixtures import land, penalty, person
from tests.reports.helpers import (
    DOC,
    correct_penalty,
    firm,
    market,
    policy,
    public_report,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.core import signing
from xinyong.reports.services.issuing import issue_report
from xinyong.reports.services.scope import Requester
from xinyong.subjects.models import Subject

__all__ = ["firm", "market", "policy", "var_dir"]  # fixtures used by name


def test_a_current_report_verifies_without_a_token(firm: Subject, client: Client) -> None:
    report = public_report(firm)
    response = client.get(f"/api/v1/reports/{report.code.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "current" and body["genuine"] is True
    assert body["report"]["number"] == report.number
    assert body["report"]["sha256"] == report.sha256
    assert signing.verify(body["manifest"], signing.published_keys()).valid
    assert body["manifest"]["payload"]["sha256"] == report.sha256


def test_a_revoked_report_says_why(firm: Subject, market: Organisation, client: Client) -> None:
    report = public_report(firm)
    correct_penalty(market)
    body = client.get(f"/api/v1/reports/{report.code}").json()
    assert body["state"] == "revoked" and body["reason"] == "所依据的记录已更正"
    assert body["report"]["revoked_at"] is not None


def test_an_unknown_code_is_a_404_problem(client: Client, policy: None) -> None:
    cache.clear()
    response = client.get("/api/v1/reports/AAAA-BBBB-CCCC-DDDD")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "report.unknown"


def test_a_persons_name_is_masked(market: Organisation, client: Client) -> None:
    cache.clear()
    land(market, "XZCF", [penalty(DOC, person(3, name="赵大勇"))])
    subject = Subject.objects.get(kind="natural_person")
    report = issue_report(subject, "full", Requester.for_subject("self"))
    response = client.get(f"/api/v1/reports/{report.code}")
    assert response.json()["report"]["subject_name"] == "赵**"
    assert "赵大勇" not in response.content.decode("unicode_escape")
