"""`POST /api/v1/reports` and the batch jobs: the public report for anyone (rate-limited), the
other types for tokens with `reports:create` whose organisation decides the scope, refusals
as problems naming their code, and batches followed to their ZIP."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.records.face.conftest import run_worker
from tests.records.pipeline.helpers import citizen_id
from tests.reports.batch_support import (
    PURPOSE,
    UNKNOWN,
    bidders,
    centre,
    market,
    policy,
    unzip,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_token
from xinyong.reports.models import Report, ReportBatch
from xinyong.reports.services.issuing import open_pdf
from xinyong.subjects.models import Subject

__all__ = ["bidders", "centre", "market", "policy", "var_dir"]  # fixtures used by name

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports"


def _token(organisation: Organisation, *scopes: str) -> str:
    return create_token(organisation=organisation, scopes=list(scopes or ["reports:create"])).secret


def _post(body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(URL, body, content_type="application/json", headers=headers)


def _get(url: str, token: str) -> Any:
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_anyone_gets_the_public_report_as_a_pdf(bidders: list[Subject]) -> None:
    response = _post({"subject": bidders[0].uscc, "type": "public"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    report = Report.objects.get()
    assert response.content.startswith(b"%PDF") and response.content == open_pdf(report)
    assert response["X-Report-Number"] == report.number
    assert response["X-Verification-Code"] == report.code
    assert response["Content-Disposition"] == f'attachment; filename="{report.number}.pdf"'
    assert report.audience == "public" and report.organisation is None


def test_a_token_of_a_government_body_gets_a_purpose_report(
    centre: Organisation, bidders: list[Subject]
) -> None:
    body = {"subject": bidders[0].public_id, "type": "procurement", "purpose": PURPOSE}
    response = _post({**body, "print": True}, _token(centre))
    assert response.status_code == 200, response.content
    report = Report.objects.get(number=response["X-Report-Number"])
    assert (report.audience, report.organisation, report.purpose) == (
        "government",
        centre,
        PURPOSE,
    )
    assert report.monochrome and report.requested_by.startswith("token:")


@pytest.mark.parametrize(
    ("body", "auth", "status", "code"),
    [
        ({"type": "procurement", "purpose": PURPOSE}, None, 401, "auth.missing_token"),
        ({"type": "procurement", "purpose": PURPOSE}, "evaluation:read", 403, "auth.missing_scope"),
        ({"type": "procurement"}, "reports:create", 422, "report.purpose_required"),
        ({"type": "nonsense"}, "reports:create", 422, "report.type_unknown"),
        ({"type": "full"}, "reports:create", 403, "report.audience"),
        ({"type": "public", "subject": UNKNOWN}, None, 404, "subject.not_found"),
        ({"type": "public", "subject": citizen_id(3)}, None, 422, "report.id_number"),
        ({"type": "public", "subjects": ["x"]}, None, 422, "report.subject_missing"),
        ({"type": "public", "subject": None}, None, 422, "report.subject_missing"),
        ({"type": "public", "colour": "red"}, None, 422, "invalid_request"),
    ],
    ids=[
        "anonymous-purpose-type", "scope", "purpose", "type", "subject-only-type", "unknown",
        "id-number", "both", "neither", "extra-field",
    ],
)  # fmt: skip
def test_refusals_are_problems_naming_their_code(
    centre: Organisation,
    bidders: list[Subject],
    body: dict[str, Any],
    auth: str | None,
    status: int,
    code: str,
) -> None:
    request = {"subject": bidders[0].uscc, **body}
    response = _post(request, _token(centre, auth) if auth else None)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code and response.json()["message"]
    assert not Report.objects.exists() and not ReportBatch.objects.exists()


def test_a_bank_without_consent_is_refused(bidders: list[Subject], policy: None) -> None:
    bank = Organisation.objects.create(
        uscc="91120000MA0000001X", name="某银行天津分行", kind="bank"
    )
    body = {"subject": bidders[0].uscc, "type": "financing", "purpose": "流动资金贷款审查"}
    response = _post(body, _token(bank))
    assert response.status_code == 403 and response.json()["code"] == "report.consent"


def test_anonymous_callers_are_rate_limited(bidders: list[Subject], settings: Any) -> None:
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "api": 1}
    assert _post({"subject": bidders[0].uscc, "type": "public"}).status_code == 200
    limited = _post({"subject": bidders[0].uscc, "type": "public"})
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert Report.objects.count() == 1


def test_a_list_becomes_a_job_followed_to_its_zip(
    centre: Organisation, bidders: list[Subject], django_capture_on_commit_callbacks: Any
) -> None:
    token = _token(centre)
    body = {
        "subjects": [bidders[0].uscc, UNKNOWN, bidders[1].uscc],
        "type": "bidding",
        "purpose": PURPOSE,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(body, token)
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and job["total"] == 3 and job["zip_url"] is None
    url = f"{URL}/jobs/{job['job']}"
    assert response["Location"] == f"http://testserver{url}"
    assert _get(url, token).json()["done"] == 0
    assert _get(f"{url}/zip", token).json()["code"] == "job.not_done"

    run_worker()
    job = _get(url, token).json()
    assert (job["status"], job["done"], job["issued"], job["failed"]) == ("done", 3, 2, 1)
    assert job["progress"] == 1.0 and job["zip_url"] == f"http://testserver{url}/zip"
    download = _get(f"{url}/zip", token)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    made = unzip(download.getvalue())
    assert len(made.names) == 3 and made.listing[2][1:3] == [UNKNOWN, "未出具"]

    other = _token(Organisation.objects.get(kind="department", sector="tax"))
    assert _get(url, other).status_code == 404 and _get(f"{url}/zip", other).status_code == 404
    assert Client().get(url).status_code == 401


def test_a_batch_needs_a_token_and_a_readable_list(centre: Organisation, policy: None) -> None:
    body = {"subjects": [UNKNOWN], "type": "public"}
    assert _post(body).json()["code"] == "auth.missing_token"
    empty = _post({**body, "subjects": ["", " "]}, _token(centre))
    assert empty.status_code == 422 and empty.json()["code"] == "batch.empty"
    assert not ReportBatch.objects.exists()
