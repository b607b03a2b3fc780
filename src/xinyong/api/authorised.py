"""`GET /api/v1/authorised/{key}`: a credit service agency or bank reads what a subject
authorised it to read (授权查询), and nothing else.

- The token must carry `records:read_authorised` and belong to an active agency or bank (a
  deactivated organisation's tokens stop working altogether).
- `{key}` is the subject's USCC (organisations) or its opaque public id (any subject, the
  only way to name a natural person: the subject's consent page shows it). An ID number is
  never accepted, here or anywhere in the request: it would sit in URLs and logs.
- The read relies on one consent: the one named by `consent`, or else the subject's newest
  consent to the organisation that is in force. It returns the consented items' current
  records only, masked as on public surfaces; `items` narrows them, and naming an item
  outside the grant is refused.
- Every served read writes one entry of the subject's access log (授权查询, the purpose,
  "信用主体授权（授权书 <number>）", the reference) and one audit entry, in the same
  transaction. A refusal writes nothing to the subject's log; it is audited with its code.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, QueryEx, Router, Schema

from xinyong.accounts.models import Organisation
from xinyong.accounts.services import TokenPrincipal
from xinyong.api.auth import acting_for
from xinyong.api.problems import ApiProblem, Problem, problem_response
from xinyong.api.subject_schemas import ItemRecords, SubjectInfo
from xinyong.api.subjects import _group as item_records
from xinyong.consents import services
from xinyong.consents.services import AuthorisedView, ConsentError
from xinyong.core import ratelimit
from xinyong.core.context import acting_as, current_actor
from xinyong.records import public
from xinyong.subjects.models import Subject

SCOPE = "records:read_authorised"
MAX_ITEMS_PARAM = 500
_USCC_SHAPE = re.compile(r"[0-9A-Z]{18}")
_ITEM_CODE = re.compile(r"[A-Za-z0-9_]{1,32}")

_KEY = (
    "统一社会信用代码（法人和其他组织）或主体的公开编号 public_id（自然人只能用公开编号，"
    "主体在“授权查询”页面可以看到）；不接受公民身份号码"
)
_PURPOSE = "本次查询的用途，记入主体的查询记录；不填时记为授权书载明的用途"
_REFERENCE = "业务编号（如贷款申请号），记入主体的查询记录"
_CONSENT = "授权书编号 consent.id；不填时使用主体对本机构最新的有效授权"
_ITEMS = "只查询其中几个目录项，逗号分隔（如 XZCF,XZXK）；须在授权范围内"

router = Router(tags=["授权查询"])


class ConsentOut(Schema):
    """The consent a read relied on."""

    id: str = Field(description="授权书编号（接口参数 consent 用）")
    number: str = Field(description="授权书号，如 SQ2026000001，记入主体的查询记录")
    organisation: str = Field(description="被授权机构")
    items: list[str] = Field(description="授权查询的目录项代码")
    purpose: str = Field(description="授权书载明的用途")
    valid_from: date = Field(description="授权生效日期")
    valid_until: date = Field(description="授权截止日期（含当日）")
    reference: str = Field(description="授权关联的业务，如 financing:<编号>；直接授权为空")


class AccessOut(Schema):
    """The entry this read wrote in the subject's access log."""

    accessed_at: datetime = Field(description="查询时间")
    purpose: str = Field(description="记入的用途（身份证号已脱敏）")
    legal_basis: str = Field(description="记入的依据")
    reference: str = Field(description="记入的业务编号")


class AuthorisedOut(Schema):
    """A subject and the records it authorised the caller to read."""

    consent: ConsentOut
    subject: SubjectInfo
    records_total: int = Field(description="返回的目录项下记录总数")
    items: list[ItemRecords] = Field(
        description="按目录项分组的记录：授权范围内（或 items 指定的）每个目录项各一组"
    )
    access: AccessOut


_ERRORS: dict[int, Any] = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}


def _organisation(principal: TokenPrincipal) -> Organisation:
    organisation = Organisation.objects.get(pk=principal.organisation_id)
    verdict = ratelimit.hit("api_token", f"token:{principal.token_id}")
    if not verdict.allowed:
        raise ApiProblem(
            429,
            "rate_limited",
            _("查询过于频繁：每分钟最多 %(limit)d 次，请在 %(seconds)d 秒后再试")
            % {"limit": verdict.limit, "seconds": verdict.retry_after},
        )
    return organisation


def _subject(key: str) -> Subject | None:
    """The subject a key names: an organisation by USCC, any subject by public id."""
    code = key.strip().upper()
    if _USCC_SHAPE.fullmatch(code):
        return public.find_public_subject(uscc=code)
    return public.find_public_subject(public_id=key.strip())


def _items(raw: str) -> list[str] | None:
    if not raw.strip():
        return None
    codes = [code.strip() for code in raw.split(",") if code.strip()]
    if not codes or not all(_ITEM_CODE.fullmatch(code) for code in codes):
        raise ApiProblem(422, "items.invalid", _("items 应为逗号分隔的目录项代码，如 XZCF,XZXK"))
    return codes


def _out(view: AuthorisedView) -> AuthorisedOut:
    consent, shown, access = view.consent, view.profile, view.access
    ref = shown.ref
    return AuthorisedOut(
        consent=ConsentOut(
            id=consent.public_id,
            number=consent.number,
            organisation=consent.organisation.name,
            items=list(consent.item_codes),
            purpose=consent.purpose,
            valid_from=consent.valid_from,
            valid_until=consent.valid_until,
            reference=consent.reference,
        ),
        subject=SubjectInfo(
            name=ref.name,
            kind=ref.kind,
            kind_code=shown.kind_code,
            uscc=ref.uscc or None,
            public_id=ref.public_id,
            masked_id=shown.masked_id or None,
            district=shown.district,
            status=shown.status,
            former_names=list(shown.former_names),
        ),
        records_total=view.records_total,
        items=[item_records(group, disclosure) for disclosure, group in view.groups],
        access=AccessOut(
            accessed_at=access.accessed_at,
            purpose=access.purpose,
            legal_basis=access.legal_basis,
            reference=access.reference,
        ),
    )


@router.get(
    "/authorised/{key}",
    response={200: AuthorisedOut, **_ERRORS},
    url_name="authorised",
    summary="授权查询信用记录",
    description=(
        "信用服务机构或银行凭信用主体的授权，查询授权范围内目录项的有效记录（含授权查询类目录项）；"
        "授权范围外的目录项一律不返回。需要 records:read_authorised 权限范围。"
        "每次查询都记入主体的“谁查询了我”（类别“授权查询”，依据为授权书号），并记入审计日志；"
        "个人信息已脱敏。拒绝时返回 403 及代码：consent.none（无授权）、"
        "consent.expired（授权已过期）、consent.revoked（授权已撤回）、"
        "consent.item_not_granted（items 含授权范围外的目录项）、"
        "consent.organisation_kind（本机构不是信用服务机构或银行）、"
        "auth.missing_scope（令牌缺少权限范围）。"
        "机构被停用后其令牌失效（401）。"
    ),
)
def read_authorised(
    request: HttpRequest,
    key: PathEx[str, P(max_length=32, description=_KEY)],
    purpose: QueryEx[str, P(max_length=200, description=_PURPOSE)] = "",
    reference: QueryEx[str, P(max_length=64, description=_REFERENCE)] = "",
    consent: QueryEx[str, P(max_length=32, description=_CONSENT)] = "",
    items: QueryEx[str, P(max_length=MAX_ITEMS_PARAM, description=_ITEMS)] = "",
) -> AuthorisedOut | HttpResponse:
    """One authorised read (see the module doc)."""
    principal = request.auth  # type: ignore[attr-defined]
    if isinstance(principal, TokenPrincipal) and not principal.has_scope(SCOPE):
        with acting_as(principal.actor(current_actor().request_id)):
            refusal = ConsentError("auth.missing_scope", "")
            services.record_refusal(principal.organisation_id, None, refusal)
    with acting_for(request, SCOPE) as (principal, _viewer):
        organisation = _organisation(principal)
        wanted = _items(items)
        subject = _subject(key)
        try:
            found = services.consent_for_read(subject, organisation, consent_id=consent.strip())
            view = services.authorised_view(
                found,
                purpose=purpose.strip() or found.purpose,
                reference=reference.strip(),
                items=wanted,
            )
        except ConsentError as error:
            services.record_refusal(organisation.pk, subject, error)
            return problem_response(ApiProblem(403, error.code, error.message))
    return _out(view)
