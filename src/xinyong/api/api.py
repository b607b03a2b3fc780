"""The NinjaAPI instance: version 1 routes under /api/v1/, OpenAPI at /api/openapi.json.

Mounted outside the language prefixes (`path("api/", api.urls)`), so its paths do not change
with the language. Its messages are in Simplified Chinese whatever Accept-Language says:
several services the API calls store text they word (report content and its fingerprint,
access-log purposes), which must not change with the caller's language (docs/decisions.md).
"""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from xinyong.api import problems
from xinyong.api.auth import TokenAuth
from xinyong.api.authorised import router as authorised_router
from xinyong.api.check_batches import router as check_batches_router
from xinyong.api.checks import router as checks_router
from xinyong.api.evaluation import router as evaluation_router
from xinyong.api.keys import router as keys_router
from xinyong.api.reports import router as reports_router
from xinyong.api.subjects import router as subjects_router
from xinyong.api.submissions import router as submissions_router

api = NinjaAPI(
    title="xinyong 公共信用信息平台接口",
    version="1",
    description=(
        "部门报送信用记录、查询报送结果的接口。以机构的 API 令牌认证："
        "`Authorization: Bearer xy_…`；每个接口注明所需的权限范围。"
        "所有错误以 application/problem+json 返回，含稳定的 code 和中文 message。"
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=TokenAuth(),
)
api.add_exception_handler(problems.ApiProblem, problems.on_problem)  # type: ignore[arg-type]
api.add_exception_handler(ValidationError, problems.on_validation_error)  # type: ignore[arg-type]
api.add_exception_handler(
    AuthenticationError,
    problems.on_authentication_error,  # type: ignore[arg-type]
)
api.add_exception_handler(HttpError, problems.on_http_error)  # type: ignore[arg-type]
api.add_exception_handler(Http404, problems.not_found)  # type: ignore[arg-type]
api.add_router("/v1/", submissions_router)
api.add_router("/v1/", subjects_router)
api.add_router("/v1/", keys_router)
api.add_router("/v1/", checks_router)
api.add_router("/v1/", check_batches_router)
api.add_router("/v1/", authorised_router)
api.add_router("/v1/", evaluation_router)
api.add_router("/v1/", reports_router)
