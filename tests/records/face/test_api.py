"""The submissions API: tokens and scopes, JSON and file submissions through the worker,
bad bodies that create nothing, other organisations kept out, and the OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from tests.records.face.conftest import Synth, TokenFactory, run_worker
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import find_token, revoke_token
from xinyong.core.models import AuditEntry
from xinyong.records.models import Submission

URL = "/api/v1/submissions"


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _post_json(client: Client, body: Any, secret: str | None) -> Any:
    headers = _auth(secret) if secret else {}
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # a Chinese message
    return body


def _records(synth: Synth, n: int = 3) -> list[dict[str, Any]]:
    good = [
        record
        for row_no, record in enumerate(synth.records(), start=1)
        if row_no not in synth.surely_bad("xzcf_v2.jsonl")
    ]
    return good[:n]


# -- authentication and scopes ---------------------------------------------------------------


def test_no_token_is_401(client: Client, policy: None) -> None:
    body = _problem(
        _post_json(client, {"item": "XZCF", "records": []}, None), 401, "auth.missing_token"
    )
    assert body["errors"] == []


def test_malformed_and_unknown_tokens_are_401(client: Client, department: Organisation) -> None:
    response = client.get(f"{URL}/abc", headers={"Authorization": "Token xy_1"})
    _problem(response, 401, "auth.malformed")
    assert response["WWW-Authenticate"].startswith("Bearer")
    _problem(
        client.get(f"{URL}/abc", headers=_auth("xy_00000000_" + "a" * 43)),
        401,
        "auth.invalid_token",
    )


def test_revoked_token_is_401(
    client: Client, department: Organisation, token_for: TokenFactory
) -> None:
    secret = token_for(department)
    revoke_token(find_token(secret[:11]))
    _problem(client.get(f"{URL}/abc", headers=_auth(secret)), 401, "auth.invalid_token")


def test_token_without_submit_scope_is_403_and_creates_nothing(
    client: Client, department: Organisation, token_for: TokenFactory, synth: Synth
) -> None:
    secret = token_for(department, "records:read")
    response = _post_json(client, {"item": "XZCF", "records": _records(synth)}, secret)
    _problem(response, 403, "auth.missing_scope")
    _problem(client.get(f"{URL}/abc", headers=_auth(secret)), 403, "auth.missing_scope")
    assert Submission.objects.count() == 0


# -- submissions that land -------------------------------------------------------------------


def test_json_records_are_accepted_then_processed_by_the_worker(
    client: Client,
    department: Organisation,
    token_for: TokenFactory,
    synth: Synth,
    django_capture_on_commit_callbacks: Any,
) -> None:
    secret = token_for(department)
    records = synth.records()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_json(client, {"item": "XZCF", "records": records}, secret)
    assert response.status_code == 202, response.content.decode()
    accepted = response.json()
    assert accepted["status"] == "received"
    assert accepted["status_url"] == f"http://testserver{URL}/{accepted['submission']}"
    assert response["Location"] == accepted["status_url"]

    submission = Submission.objects.get(public_id=accepted["submission"])
    assert submission.channel == "api" and submission.token is not None
    receive = AuditEntry.objects.get(action="submission.receive")
    assert receive.actor_label == f"token:{secret[:11]}" and receive.request_id

    run_worker()
    status = client.get(accepted["status_url"], headers=_auth(secret)).json()
    bad = synth.surely_bad("xzcf_v2.jsonl")
    assert status["status"] == "done" and status["progress"] == 1.0
    assert status["rows"] == len(records)
    assert status["accepted"] + status["rejected"] == len(records)
    assert status["rejected"] >= len(bad) > 0
    assert status["new_records"] == status["accepted"]
    assert status["errors_url"].endswith(f"/{accepted['submission']}/errors")

    download = client.get(status["errors_url"], headers=_auth(secret))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    rows = json.loads(download.getvalue())
    assert len(rows) == status["rejected"]
    assert bad <= {row["行号"] for row in rows}
    assert all(row["错误原因"] for row in rows)


def test_a_file_is_accepted_as_multipart_and_its_error_file_is_gb18030(
    client: Client,
    department: Organisation,
    token_for: TokenFactory,
    synth: Synth,
    django_capture_on_commit_callbacks: Any,
) -> None:
    secret = token_for(department)
    with (
        synth.file("xzcf_v2.csv").open("rb") as upload,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(URL, {"item": "XZCF", "file": upload}, headers=_auth(secret))
    assert response.status_code == 202, response.content.decode()
    run_worker()
    status = client.get(response.json()["status_url"], headers=_auth(secret)).json()
    assert status["status"] == "done"
    assert status["file_name"] == "xzcf_v2.csv" and status["channel"] == "file"
    assert status["rows"] == synth.entry("xzcf_v2.csv")["rows"]

    download = client.get(status["errors_url"], headers=_auth(secret))
    assert download["Content-Type"] == "text/csv; charset=gb18030"
    assert "xzcf_v2.%E9%94%99%E8%AF%AF%E8%A1%8C.csv" in download["Content-Disposition"]
    text = download.getvalue().decode("gb18030")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["行号", "错误原因"]
    assert len(rows) - 1 == status["rejected"]
    assert synth.surely_bad("xzcf_v2.csv") <= {int(row[0]) for row in rows[1:]}


# -- bad bodies create nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code", "location"),
    [
        ({"item": "XZCF", "records": "all of them"}, 422, "invalid_request", "records"),
        ({"item": "XZCF", "records": []}, 422, "invalid_request", "records"),
        (
            {"item": "XZCF", "records": [{"a": {"nested": 1}}]},
            422,
            "invalid_request",
            "records.0.a",
        ),
        ({"item": "XZCF", "records": [{}] * 1001}, 422, "invalid_request", "records"),
        ({"records": [{"a": "b"}]}, 422, "invalid_request", "item"),
        ({"item": "XZCF", "records": [{"a": "b"}], "extra": 1}, 422, "invalid_request", "extra"),
        ({"item": "NO_SUCH", "records": [{"a": "b"}]}, 422, "item.unknown", None),
        ({"item": "SXBZX", "records": [{"a": "b"}]}, 403, "item.not_source", None),
    ],
)
def test_bad_json_bodies(
    client: Client,
    department: Organisation,
    token_for: TokenFactory,
    body: dict[str, Any],
    status: int,
    code: str,
    location: str | None,
) -> None:
    problem = _problem(_post_json(client, body, token_for(department)), status, code)
    if location is not None:
        assert location in {error["location"] for error in problem["errors"]}
    assert Submission.objects.count() == 0


def test_not_json_and_not_multipart(
    client: Client, department: Organisation, token_for: TokenFactory
) -> None:
    secret = token_for(department)
    response = client.post(URL, data="item=XZCF", content_type="text/plain", headers=_auth(secret))
    _problem(response, 415, "body.unsupported_media_type")
    broken = _post_json(client, '{"item": "XZCF", "records": [', secret)
    assert _problem(broken, 422, "invalid_request")["errors"][0]["code"] == "body.json_invalid"
    assert Submission.objects.count() == 0


def test_multipart_without_a_file_or_with_an_empty_one(
    client: Client, department: Organisation, token_for: TokenFactory
) -> None:
    secret = token_for(department)
    problem = _problem(
        client.post(URL, {"item": "XZCF"}, headers=_auth(secret)), 422, "invalid_request"
    )
    assert [error["location"] for error in problem["errors"]] == ["file"]
    empty = io.BytesIO(b"")
    empty.name = "empty.csv"
    response = client.post(URL, {"item": "XZCF", "file": empty}, headers=_auth(secret))
    _problem(response, 422, "file.empty")
    assert Submission.objects.count() == 0


# -- organisations see only their own --------------------------------------------------------


def test_another_organisation_cannot_read_a_submission(
    client: Client,
    department: Organisation,
    other_department: Organisation,
    token_for: TokenFactory,
    synth: Synth,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_json(
            client, {"item": "XZCF", "records": synth.records()}, token_for(department)
        )
    run_worker()
    submission_id = response.json()["submission"]
    stranger = _auth(token_for(other_department))
    _problem(client.get(f"{URL}/{submission_id}", headers=stranger), 404, "submission.not_found")
    errors = client.get(f"{URL}/{submission_id}/errors", headers=stranger)
    _problem(errors, 404, "submission.not_found")


def test_no_error_file_when_every_row_landed(
    client: Client,
    department: Organisation,
    token_for: TokenFactory,
    synth: Synth,
    django_capture_on_commit_callbacks: Any,
) -> None:
    secret = token_for(department)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_json(client, {"item": "XZCF", "records": _records(synth)}, secret)
    run_worker()
    status = client.get(response.json()["status_url"], headers=_auth(secret)).json()
    assert status["status"] == "done" and status["rejected"] == 0 and status["errors_url"] is None
    missing = client.get(f"{URL}/{status['submission']}/errors", headers=_auth(secret))
    _problem(missing, 404, "submission.no_error_file")


# -- the OpenAPI document --------------------------------------------------------------------


def test_openapi_document_is_public_and_describes_submissions(client: Client, db: None) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/submissions", "/api/v1/submissions/{submission_id}"} <= set(document["paths"])
    post = document["paths"]["/api/v1/submissions"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(post["requestBody"]["content"])
    assert {"202", "401", "403", "422"} <= set(post["responses"])
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_too_large_bodies_are_413(
    client: Client,
    department: Organisation,
    token_for: TokenFactory,
    synth: Synth,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = token_for(department)
    huge = {"item": "XZCF", "records": [{"备注": "长" * 3_000_000}]}
    _problem(_post_json(client, huge, secret), 413, "body.too_large")

    monkeypatch.setattr("xinyong.api.submissions.MAX_FILE_BYTES", 1000)
    with synth.file("xzcf_v2.csv").open("rb") as upload:
        response = client.post(URL, {"item": "XZCF", "file": upload}, headers=_auth(secret))
    _problem(response, 413, "file.too_large")
    assert Submission.objects.count() == 0
