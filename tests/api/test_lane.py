"""API routes pass only the middleware they need (`api.lane`): they keep the security
headers, the request id and the platform's language, and skip sessions, CSRF and the rest;
pages keep the whole stack; an unknown API path answers a problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from tests.api.test_keys import URL as KEYS
from tests.core.test_signing import signing_home
from xinyong.accounts.models import User

__all__ = ["signing_home"]  # fixture used by name

pytestmark = pytest.mark.django_db


def test_an_api_answer_keeps_its_security_headers_and_request_id(
    signing_home: Path, client: Client
) -> None:
    response = client.get(KEYS)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert len(response["X-Request-Id"]) == 32
    assert response["Content-Length"] == str(len(response.content))
    assert response["Content-Language"] == "zh-hans"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    request = response.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "user")  # skipped


def test_the_api_speaks_chinese_after_an_english_page_in_the_same_thread(
    client: Client,
) -> None:
    """The locale middleware leaves a page's language active in its thread; an API request
    there, asking for English, still answers in Chinese."""
    assert client.get("/en/").status_code == 200
    translation.activate("en")
    response = client.post(
        "/api/v1/checks",
        data={},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "缺少访问令牌" in response.json()["message"]


def test_the_api_takes_its_token_and_ignores_a_signed_in_session(client: Client) -> None:
    """A staff session is no API credential: without a token the API refuses, and it
    never needs the session or a CSRF token."""
    user = User.objects.create_user(username="clerk", password="x-long-password")
    client.force_login(user)
    response = client.post("/api/v1/checks", data={}, content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "auth.missing_token"


def test_an_unknown_api_path_answers_a_problem_through_the_lane(client: Client) -> None:
    """A client reads every API error in one shape, a mistyped path included."""
    for path in ("/api/v1/no-such-route", "/api/v2/checks", "/api/v1/checks/"):
        missing = client.post(path, data={}, content_type="application/json")
        assert missing.status_code == 404, path
        assert missing["Content-Type"] == "application/problem+json"
        assert missing.json()["code"] == "api.unknown_path"
        assert missing["X-Request-Id"] and missing["Content-Language"] == "zh-hans"
        assert not hasattr(missing.wsgi_request, "session")


def test_the_pages_keep_the_whole_stack(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert hasattr(page.wsgi_request, "session")
    assert "Accept-Language" in page["Vary"]  # the locale middleware's mark
    assert page["X-Request-Id"]
