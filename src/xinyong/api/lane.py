"""API requests take a short way through the middleware.

Every request under /api/ used to pass the whole page stack: static files, sessions, the
language of the URL, CSRF, the signed-in user, flash messages — none of which the API uses:
it authenticates by token, speaks Chinese whatever the request says (`api.api`), and takes
no forms. At a thousand checks a second that stack cost a fifth of a check's CPU.

`ApiLaneMiddleware` stands first in MIDDLEWARE. A request whose path resolves to an API
route goes through the middleware that matter to it (`API_MIDDLEWARE`: security headers,
frame options, the request id the audit log needs) and on to its view, as Django's handler
would call it. A path under /api/ that names no route answers a 404 problem the same way:
a client reads every API error in one shape, and an HTML page would be noise to it. Pages
take the whole stack. Django's request signals (old connections closed, query log reset)
are sent by the handler outside all middleware, so API requests keep them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import translation
from django.utils.module_loading import import_string

from xinyong.api.problems import unknown_path

API_PREFIX = "/api/"
API_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xinyong.core.middleware.RequestIdMiddleware",
)
"""What an API request passes, outermost first (each also in MIDDLEWARE, for pages)."""

Handler = Callable[[HttpRequest], HttpResponseBase]


class ApiLaneMiddleware:
    """Send API requests through `API_MIDDLEWARE` only (see the module doc)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        lane = convert_exception_to_response(_call_view)
        for path in reversed(API_MIDDLEWARE):
            lane = convert_exception_to_response(import_string(path)(lane))
        self.lane: Handler = lane  # type: ignore[assignment]  # sync only: no async views

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            request.resolver_match = resolve(request.path_info)
        except Resolver404:
            request.resolver_match = ResolverMatch(unknown_path, (), {})
        return self.lane(request)


def _call_view(request: HttpRequest) -> HttpResponseBase:
    """What Django's handler and the locale middleware do around a view, as far as the
    API needs: the platform's language, the view called, the length of the body stated."""
    language = settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    match = request.resolver_match
    assert match is not None  # set by ApiLaneMiddleware
    response: HttpResponseBase = match.func(request, *match.args, **match.kwargs)
    response.headers.setdefault("Content-Language", language)
    if isinstance(response, HttpResponse) and "Content-Length" not in response.headers:
        response.headers["Content-Length"] = str(len(response.content))
    return response
