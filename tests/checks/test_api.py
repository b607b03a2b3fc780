"""The check API: scope, the answer and its receipt verified offline with /api/v1/keys,
feedback once per check by the checking organisation only, overdue work and statistics."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import bearer, problem
from tests.checks.conftest import body
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_token
from xinyong.checks.models import Check
from xinyong.checks.services import awaiting_feedback, loop_statistics, overdue
from xinyong.core import audit
from xinyong.core.signing import keys_from_document, verify
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db

URL = "/api/v1/checks"


def post(client: Client, url: str, data: dict[str, Any], secret: str) -> Any:
    return client.post(
        url, json.dumps(data), content_type="application/json", headers=bearer(secret)
    )


def test_a_check_answers_with_a_receipt_anyone_can_verify_offline(
    listed: Subject, check_token: str, client: Client
) -> None:
    response = post(client, URL, body(subject=listed.uscc), check_token)
    assert response.status_code == 200, response.content.decode()
    answer = response.json()
    assert answer["result"] == "hits" and [m["code"] for m in answer["measures"]] == ["C02"]
    assert answer["feedback_due"] is not None
    assert answer["receipt"]["payload"]["check_id"] == answer["check_id"]
    keys = keys_from_document(client.get("/api/v1/keys").json())
    assert verify(answer["receipt"], keys).valid
    assert {k: v for k, v in answer.items() if k not in ("feedback_due", "receipt")} == (
        answer["receipt"]["payload"]
    )
    # Stored as signed, and read again word for word: the answer just signed is sent in the
    # text it was signed in, the one read back is encoded again, and the two agree.
    assert Check.objects.get(public_id=answer["check_id"]).receipt == answer["receipt"]
    again = client.get(f"{URL}/{answer['check_id']}", headers=bearer(check_token))
    assert again.status_code == 200 and again.content == response.content


def test_scope_and_tokens(listed: Subject, checker: Organisation, client: Client) -> None:
    plain = create_token(organisation=checker, scopes=["subjects:read"]).secret
    problem(post(client, URL, body(subject=listed.uscc), plain), 403, "auth.missing_scope")
    problem(
        client.post(URL, json.dumps(body(subject=listed.uscc)), content_type="application/json"),
        401,
        "auth.missing_token",
    )
    assert not Check.objects.exists()


def test_bad_bodies_are_problems(listed: Subject, check_token: str, client: Client) -> None:
    problem(
        post(client, URL, body(subject=listed.uscc, scenario="karaoke"), check_token),
        422,
        "lists.unknown_scenario",
    )
    problem(post(client, URL, {"subject": listed.uscc}, check_token), 422, "invalid_request")
    problem(post(client, URL, body(subject="x" * 65), check_token), 422, "invalid_request")
    assert not Check.objects.exists()


def test_feedback_once_by_the_checker_only_closes_the_loop(
    listed: Subject, checker: Organisation, check_token: str, client: Client
) -> None:
    answer = post(client, URL, body(subject=listed.uscc), check_token).json()
    check = Check.objects.get(public_id=answer["check_id"])
    assert list(awaiting_feedback(checker.pk)) == [check]
    due = check.feedback_due
    assert due is not None
    assert list(overdue(checker.pk, today=due + datetime.timedelta(days=1))) == [check]
    feedback_url = f"{URL}/{check.public_id}/feedback"

    other = Organisation.objects.filter(kind="department", sector="tax").order_by("pk")[0]
    stranger = create_token(organisation=other, scopes=["lists:check"]).secret
    problem(post(client, feedback_url, {"outcome": "applied"}, stranger), 404, "check.not_found")
    problem(
        post(client, feedback_url, {"outcome": "not_applied"}, check_token),
        422,
        "feedback.reason_required",
    )
    unknown = {"measures": [{"measure": "C99", "outcome": "applied"}]}
    problem(post(client, feedback_url, unknown, check_token), 422, "feedback.unknown_measure")
    problem(post(client, feedback_url, {"measures": []}, check_token), 422, "feedback.incomplete")

    given = post(
        client, feedback_url,
        {"measures": [{"measure": "C02", "outcome": "applied", "reason": ""}]}, check_token,
    )  # fmt: skip
    assert given.status_code == 201, given.content.decode()
    assert given.json()["outcomes"] == {"C02": {"outcome": "applied", "reason": ""}}
    problem(post(client, feedback_url, {"outcome": "applied"}, check_token), 409, "feedback.exists")
    assert list(awaiting_feedback(checker.pk)) == []
    assert list(overdue(checker.pk, today=due + datetime.timedelta(days=1))) == []
    assert audit.verify()[1] is None

    [row] = loop_statistics(organisation_id=checker.pk)
    assert (row.scenario, row.checks, row.hits, row.answered, row.overdue) == (
        "government_procurement", 1, 1, 1, 0,
    )  # fmt: skip
    assert row.feedback_rate == 1.0


def test_a_check_without_hits_needs_no_feedback(
    clean: Subject, check_token: str, client: Client
) -> None:
    answer = post(client, URL, body(subject=clean.uscc), check_token).json()
    assert answer["result"] == "no_hits" and answer["feedback_due"] is None
    url = f"{URL}/{answer['check_id']}/feedback"
    problem(
        post(client, url, {"outcome": "not_applicable", "reason": "无"}, check_token),
        422,
        "feedback.no_measures",
    )
