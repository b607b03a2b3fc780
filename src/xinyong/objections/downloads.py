"""Responses for the files of an objection, shared by the account and the office pages."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from xinyong.objections import services
from xinyong.objections.models import Objection


def _as_download(response: HttpResponse, name: str) -> HttpResponse:
    header = content_disposition_header(True, name)
    assert header is not None  # always set for an attachment
    response["Content-Disposition"] = header
    return response


def attachment_response(objection: Objection, position: int) -> HttpResponse:
    """One file filed with `objection` (at most 10 MB), as a download; 404 if none."""
    opened = services.open_attachment(objection, position)
    if opened is None:
        raise Http404
    kept, handle = opened
    with handle:
        response = HttpResponse(handle.read(), content_type=kept.content_type)
    return _as_download(response, kept.name)


def reply_response(objection: Objection) -> HttpResponse:
    """The issued reply's PDF as a download; 404 before the objection is answered."""
    content = services.reply_pdf(objection)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="application/pdf")
    return _as_download(response, f"reply-{objection.number}.pdf")
