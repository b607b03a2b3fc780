"""How large a request body a page accepts, refused before anything reads it.

Django caps a form's text fields (`DATA_UPLOAD_MAX_MEMORY_SIZE`) but not its files: they are
streamed to temporary files whatever their size, and a form rejects an oversized attachment
only once it has been written to disk. On a public form (a tip-off needs no account) that
would let anyone fill the server's disk. So every page accepts at most `FORM_BODY_LIMIT`
bytes, the largest form the portal has (five 10 MB attachments and the text), unless its
view says otherwise with `accepts_body` (a department's ingestion file) and the user has
signed in (the CSRF check of an anonymous request would read its body too). The check reads
only the declared `Content-Length`: Django reads no more than that (a body without one is
read as empty), and it runs before the CSRF check, which would parse the body.

The API is left to its endpoints: its two upload endpoints check their own limits and answer
in the API's problem format; its JSON bodies are capped by `DATA_UPLOAD_MAX_MEMORY_SIZE`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FORM_BODY_LIMIT = 52 * 1024 * 1024
"""The largest body a page takes by default: an objection's five 10 MB attachments plus
the form's text and multipart framing."""

TEMPLATE = "portal/413.html"

View = TypeVar("View", bound=Callable[..., HttpResponse])


def accepts_body(limit: int) -> Callable[[View], View]:
    """Let the decorated view take bodies of up to `limit` bytes (apply it innermost or
    under decorators that use functools.wraps, which carry the mark outward)."""

    def mark(view: View) -> View:
        view.body_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads a malformed length as an empty body too


class BodyLimitMiddleware:
    """Answer 413 to a page request whose declared body exceeds what its view accepts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.path_info.startswith("/api/"):
            return None
        length = declared_length(request)
        if length <= FORM_BODY_LIMIT:
            return None  # most requests: no need to load the session's user
        limit = getattr(view, "body_limit", FORM_BODY_LIMIT)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            limit = FORM_BODY_LIMIT  # a larger allowance is for signed-in staff
        if length <= limit:
            return None
        context = {"limit_mb": limit // (1024 * 1024)}
        response = render(request, TEMPLATE, context, status=413)
        response["Connection"] = "close"  # the unread body is not worth reading to reuse it
        return response
