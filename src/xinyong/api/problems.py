"""Errors as JSON problems: an HTTP status, a stable code for programs, a message for people.

Every failure of the API — bad token, missing scope, malformed body, unknown submission —
answers in this one shape (`application/problem+json`, after RFC 9457), so a client handles
errors in one place. Messages are in Simplified Chinese (see `api.api`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from pydantic import BaseModel

from xinyong.core import ratelimit

PROBLEM_TYPE = "application/problem+json"


class FieldProblem(BaseModel):
    """One place in the body that is wrong."""

    location: str
    code: str
    message: str


class Problem(BaseModel):
    """The body of every error response."""

    status: int
    code: str
    message: str
    errors: list[FieldProblem] = []


class ApiProblem(Exception):
    """Raised anywhere in a request to answer with a problem (nothing has been written)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | Promise,
        errors: Sequence[FieldProblem] = (),
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = str(message)
        self.errors = list(errors)


def problem_response(problem: ApiProblem) -> HttpResponse:
    body = Problem(
        status=problem.status, code=problem.code, message=problem.message, errors=problem.errors
    )
    response = JsonResponse(
        body.model_dump(mode="json"),
        status=problem.status,
        content_type=PROBLEM_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    if problem.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="xinyong"'
    return response


def throttled(request: HttpRequest, token_id: int | None) -> HttpResponse | None:
    """Count a call against its rate limit — per token, or per client address for anonymous
    callers — and give the 429 answer (with Retry-After) when over it, else None."""
    if token_id is not None:
        verdict = ratelimit.hit("api_token", f"token:{token_id}")
    else:
        verdict = ratelimit.hit("api", ratelimit.client_address(request))
    if verdict.allowed:
        return None
    response = problem_response(
        ApiProblem(
            429,
            "rate_limited",
            _("查询过于频繁：每分钟最多 %(limit)d 次，请在 %(seconds)d 秒后再试")
            % {"limit": verdict.limit, "seconds": verdict.retry_after},
        )
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _location(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def field_problems(errors: Sequence[Mapping[str, Any]]) -> list[FieldProblem]:
    """Pydantic's error list in the problem's terms (its English messages replaced)."""
    found = []
    for error in errors[:50]:
        kind = str(error.get("type", "invalid"))
        found.append(
            FieldProblem(
                location=_location(error.get("loc", ())),
                code=f"body.{kind}",
                message=_describe(kind, error.get("ctx") or {}),
            )
        )
    return found


def _describe(kind: str, ctx: dict[str, Any]) -> str:
    if kind == "missing":
        return _("缺少此项")
    if kind == "too_long":
        return _("项数过多（最多 %(n)s 项）") % {"n": ctx.get("max_length", "?")}
    if kind == "too_short":
        return _("项数过少（至少 %(n)s 项）") % {"n": ctx.get("min_length", "?")}
    if kind == "string_too_long":
        return _("过长（最多 %(n)s 个字符）") % {"n": ctx.get("max_length", "?")}
    if kind == "string_too_short":
        return _("过短（至少 %(n)s 个字符）") % {"n": ctx.get("min_length", "?")}
    if kind == "scalar_type":
        return _("应为文本、数字、布尔值或 null，不能是对象或数组")
    if kind == "extra_forbidden":
        return _("不允许的字段")
    if kind.startswith("json"):
        return _("不是合法的 JSON")
    return _("类型或取值不正确")


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem_response(
        ApiProblem(422, "invalid_request", _("请求内容不符合接口要求"), field_problems(exc.errors))
    )


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        ApiProblem(
            401,
            "auth.missing_token",
            _("缺少访问令牌：请在 Authorization 头中提供 Bearer 令牌"),
        )
    )


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthorizationError):
        return problem_response(ApiProblem(403, "auth.forbidden", _("无权执行此操作")))
    return problem_response(ApiProblem(exc.status_code, "http_error", _("请求无法处理")))


def on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(exc)


def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(ApiProblem(404, "not_found", _("未找到")))


def unknown_path(request: HttpRequest) -> HttpResponse:
    """A path under /api/ that names no route (a typo, a wrong version, a stray slash)."""
    return problem_response(
        ApiProblem(
            404,
            "api.unknown_path",
            _("没有这个接口：请核对路径和版本（接口说明见 /api/docs）"),
        )
    )
