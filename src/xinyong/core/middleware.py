"""Request middleware that sets the acting user and a request id for the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from xinyong.core.context import Actor, acting_as, new_request_id


class RequestIdMiddleware:
    """Tag each request with an id and its user, and return the id in `X-Request-Id`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = Actor(
                label=user.get_username(),
                user_id=user.pk,
                organisation_id=getattr(user, "organisation_id", None),
                request_id=request_id,
            )
        else:
            actor = Actor(label="anonymous", request_id=request_id)
        with acting_as(actor):
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response
