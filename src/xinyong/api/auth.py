"""Bearer tokens: who is calling, with which scopes, and on whose behalf work is audited.

`TokenAuth` turns `Authorization: Bearer xy_…` into the token's `TokenPrincipal` (set as
`request.auth` by django-ninja). A route then enters `acting_for(request, scope)`, which
checks the scope and runs the route's work under the token's audit actor, so every entry
the services write names the token and the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from xinyong.accounts.permissions import viewer_for_token
from xinyong.accounts.services import TokenPrincipal, authenticate_token
from xinyong.api.problems import ApiProblem
from xinyong.core.context import acting_as, current_actor
from xinyong.core.permissions import Viewer


class TokenAuth(HttpBearer):
    """An organisation's API token; a missing header falls through to a 401 problem."""

    def __call__(self, request: HttpRequest) -> TokenPrincipal | None:
        value = request.headers.get(self.header)
        if not value:
            return None
        scheme, _space, raw = value.partition(" ")
        if scheme.lower() != self.openapi_scheme or not raw.strip():
            raise ApiProblem(401, "auth.malformed", _("Authorization 头应为“Bearer 令牌”的形式"))
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> TokenPrincipal:
        principal = authenticate_token(token)
        if principal is None:
            raise ApiProblem(401, "auth.invalid_token", _("访问令牌无效、已过期或已被吊销"))
        return principal


class Anonymous:
    """`request.auth` of a caller without a token: ninja needs a true value to go on."""


ANONYMOUS = Anonymous()


def _anonymous(request: HttpRequest) -> Anonymous:
    return ANONYMOUS


def token_optional() -> list[object]:
    """The auth of a route that answers with or without a token (the public view without):
    a bad token is still refused, a missing one lets the caller in as anonymous."""
    return [TokenAuth(), _anonymous]


@contextmanager
def acting_for(request: HttpRequest, scope: str) -> Iterator[tuple[TokenPrincipal, Viewer]]:
    """Check that the request's token carries `scope`, then run the block as that token."""
    principal = request.auth  # type: ignore[attr-defined]
    if not isinstance(principal, TokenPrincipal):
        raise ApiProblem(401, "auth.missing_token", _("缺少访问令牌"))
    if not principal.has_scope(scope):
        raise ApiProblem(
            403,
            "auth.missing_scope",
            _("令牌没有“%(scope)s”权限范围") % {"scope": scope},
        )
    with acting_as(principal.actor(current_actor().request_id)):
        yield principal, viewer_for_token(principal)
