"""Request bodies larger than a page accepts are refused before anything reads them: an
anonymous form cannot be used to fill the server's disk, a department's file still fits its
upload page, and the API keeps its own limits."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory

from xinyong.core.bodylimit import FORM_BODY_LIMIT, BodyLimitMiddleware
from xinyong.office.batch_views import batch_new
from xinyong.office.views import submission_new
from xinyong.records.ingest.limits import MAX_FILE_BYTES, UPLOAD_BODY_LIMIT
from xinyong.rights.files import MAX_BYTES, MAX_FILES
from xinyong.tipoffs.models import TipOff
from xinyong.tipoffs.services.filing import MAX_ATTACHMENTS

pytestmark = pytest.mark.django_db

TIPOFF_FORM = "/tipoffs/new/"


def _decide(path: str, length: int, *, signed_in: bool, view: object) -> HttpResponse | None:
    request = RequestFactory().post(path, data=b"x", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(length)
    request.user = SimpleNamespace(is_authenticated=True) if signed_in else AnonymousUser()  # type: ignore[assignment]
    middleware = BodyLimitMiddleware(lambda _request: HttpResponse())
    return middleware.process_view(request, view, (), {})  # type: ignore[arg-type]


def test_an_oversized_anonymous_form_is_refused_unread_and_nothing_is_filed(
    client: Client,
) -> None:
    response = client.post(
        TIPOFF_FORM,
        data=b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(FORM_BODY_LIMIT + 1),  # more than the body: reading it would fail
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert "提交的内容过大" in page and f"{FORM_BODY_LIMIT // (1024 * 1024)} MB" in page
    assert response["Connection"] == "close"
    assert not TipOff.objects.exists()


def test_a_form_within_the_limit_reaches_its_page(client: Client) -> None:
    response = client.post(TIPOFF_FORM, {"facts": "短"})

    assert response.status_code != 413


def test_the_default_takes_the_largest_portal_form_with_all_its_attachments() -> None:
    assert FORM_BODY_LIMIT > MAX_FILES * MAX_BYTES  # an objection with five attachments
    assert FORM_BODY_LIMIT > MAX_ATTACHMENTS * MAX_BYTES  # a tip-off with three


@pytest.mark.parametrize("view", [submission_new, batch_new])
def test_upload_pages_take_a_department_file_from_signed_in_staff_only(view: object) -> None:
    above_default = FORM_BODY_LIMIT + 1
    assert _decide("/office/upload/", above_default, signed_in=True, view=view) is None
    assert UPLOAD_BODY_LIMIT > MAX_FILE_BYTES
    too_large = _decide("/office/upload/", UPLOAD_BODY_LIMIT + 1, signed_in=True, view=view)
    assert too_large is not None and too_large.status_code == 413
    anonymous = _decide("/office/upload/", above_default, signed_in=False, view=view)
    assert anonymous is not None and anonymous.status_code == 413


def test_other_pages_keep_the_default_and_the_api_keeps_its_own_limits() -> None:
    def page(_request: object) -> HttpResponse:
        return HttpResponse()

    refused = _decide("/account/", FORM_BODY_LIMIT + 1, signed_in=True, view=page)
    assert refused is not None and refused.status_code == 413
    assert _decide("/account/", FORM_BODY_LIMIT, signed_in=False, view=page) is None
    assert _decide("/api/v1/submissions", UPLOAD_BODY_LIMIT * 2, signed_in=False, view=page) is None
