"""`/api/v1/subjects`: search subjects and read one, showing exactly what the caller may see.

- Anonymous callers (no `Authorization` header) get the public view: the records
  `xinyong.records.public` calls public, personal data masked. They are limited per client
  address (`xinyong.core.ratelimit`), like the portal's search.
- A token must carry `subjects:read`; it gets the same public view, under its own limit.
- A token that also carries `records:read_shared`, of a government organisation, gets the
  government-shared view: the public records plus current records of 授权查询 and 政务共享
  catalogue items. It must state a `purpose`, and every such read is written to the audit log
  (the subject by its opaque public id, the purpose with any ID number masked).

Who may search what (persons only by exact name plus district, never by a fragment) is
decided by `subjects.services.search_subjects`; an ID number is refused here, because a query
string ends up in access logs. A subject is read by its USCC or its public id, never by an
ID number.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import P, PathEx, QueryEx, Router

from xinyong.accounts.models import OrganisationKind
from xinyong.accounts.services import TokenPrincipal
from xinyong.api.auth import acting_for, token_optional
from xinyong.api.problems import ApiProblem, Problem, throttled
from xinyong.api.subject_schemas import (
    ItemRecords,
    ListEntryOut,
    PageLinks,
    RecordField,
    RecordOut,
    SearchPage,
    SubjectHit,
    SubjectInfo,
    SubjectLinks,
    SubjectOut,
    View,
)
from xinyong.catalog.models import Disclosure
from xinyong.core import audit
from xinyong.core.identifiers import IdKind, check, normalise
from xinyong.core.models import District
from xinyong.core.privacy import mask_in_text
from xinyong.lists import public as lists_public
from xinyong.records import public
from xinyong.subjects.models import AccessKind, Subject
from xinyong.subjects.services import (
    Hit,
    access_entry,
    carries_id_number,
    record_access,
    search_subjects,
)

SCOPE = "subjects:read"
SHARED_SCOPE = "records:read_shared"
GOVERNMENT_KINDS = frozenset(
    {
        OrganisationKind.CREDIT_OFFICE,
        OrganisationKind.DEPARTMENT,
        OrganisationKind.DISTRICT,
        OrganisationKind.COURT,
    }
)
"""Organisations whose tokens may read the government-shared view."""

MAX_PAGE_SIZE = 50
MAX_PAGES = 1000
_USCC_SHAPE = re.compile(r"[0-9A-Z]{18}")

_Q = (
    "企业名称（任意连续的字，可含繁体、全角）、统一社会信用代码或旧代码（完整或开头至少 4 位）、"
    "或自然人的完整姓名（须同时给出 district）。不接受公民身份号码。"
)
_DISTRICT = "行政区划代码（如 120101），只查该区的主体"
_PAGE_SIZE = f"每页条数，最多 {MAX_PAGE_SIZE}"
_KEY = "统一社会信用代码（法人和其他组织）或主体的公开编号 public_id；不接受公民身份号码"
_PURPOSE = "查询用途（政务共享视图必填，记入审计日志），如“行政许可审查 津市监许〔2026〕1号”"


router = Router(tags=["信用主体"], auth=token_optional())

_ERRORS: dict[int, Any] = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
_OPENAPI: dict[str, Any] = {
    # Appended to ninja's [{"TokenAuth": []}]: the token is optional (without one, the public
    # view under the anonymous rate limit).
    "security": [{}],
    "responses": {
        429: {
            "description": "查询过于频繁",
            "headers": {
                "Retry-After": {"description": "多少秒后可以再试", "schema": {"type": "integer"}}
            },
        }
    },
}


def _admit(request: HttpRequest) -> tuple[TokenPrincipal | None, HttpResponse | None]:
    """The calling token (None for an anonymous caller), checked for this API's scope and
    counted against its rate limit; the second value is the 429 answer when over it."""
    principal = request.auth if isinstance(request.auth, TokenPrincipal) else None  # type: ignore[attr-defined]
    if principal is not None and not principal.has_scope(SCOPE):
        raise ApiProblem(
            403, "auth.missing_scope", _("令牌没有“%(scope)s”权限范围") % {"scope": SCOPE}
        )
    return principal, throttled(request, principal.token_id if principal else None)


def _links(request: HttpRequest, uscc: str, public_id: str) -> SubjectLinks:
    """Organisations are addressed by USCC, persons (and organisations without one) by their
    public id: never an ID number in an address."""
    if uscc:
        api, page = reverse("api:subject", args=[uscc]), reverse("portal:subject", args=[uscc])
    else:
        api = reverse("api:subject", args=[public_id])
        page = reverse("portal:subject_by_id", args=[public_id])
    return SubjectLinks(api=request.build_absolute_uri(api), page=request.build_absolute_uri(page))


def _hit(
    request: HttpRequest, hit: Hit, status: lists_public.ListStatus | None, objected: set[str]
) -> SubjectHit:
    return SubjectHit(
        name=hit.name,
        kind=hit.kind,
        kind_code=hit.kind_code,
        code=hit.code,
        code_label=hit.code_label,
        district=hit.district,
        status=hit.status,
        public_records=hit.records,
        uscc=hit.uscc or None,
        public_id=hit.public_id,
        match=str(hit.match),
        on_lists=status.kinds if status else [],  # type: ignore[arg-type]
        under_objection=hit.public_id in objected,
        links=_links(request, hit.uscc, hit.public_id),
    )


def _id_number(query: str) -> bool:
    """Whether the query holds an ID-number-shaped run of digits that is not a USCC (some
    USCCs are all digits): such a query is refused, since it sits in the URL."""
    return carries_id_number(query) and not check(normalise(query), IdKind.USCC).valid


def _page_url(request: HttpRequest, params: dict[str, Any], page: int) -> str:
    query = urlencode({k: v for k, v in {**params, "page": page}.items() if v not in ("", None)})
    return request.build_absolute_uri(f"{request.path}?{query}")


@router.get(
    "/subjects",
    response={200: SearchPage, **_ERRORS},
    url_name="subjects",
    summary="查询信用主体",
    description=(
        "按名称、代码查询信用主体，最匹配的在前：完整代码，本区同名自然人，名称相同、以查询词开头、"
        "包含查询词的组织，代码以查询词开头的主体，最后是名称相近的组织。"
        "自然人只能以完整姓名加行政区查到，且姓名、证件号码脱敏；记录数只计社会公开的记录，"
        "on_lists 标明主体是否在已公布的失信惩戒名单、守信激励名单上。"
        "最多可翻阅前 1000 条结果。不带令牌时按访问地址限制频率。"
    ),
    openapi_extra=_OPENAPI,
)
def list_subjects(
    request: HttpRequest,
    q: QueryEx[str, P(min_length=1, max_length=100, description=_Q)],
    district: QueryEx[str, P(max_length=12, description=_DISTRICT)] = "",
    page: QueryEx[int, P(ge=1, le=MAX_PAGES, description="页码，从 1 开始")] = 1,
    page_size: QueryEx[int, P(ge=1, le=MAX_PAGE_SIZE, description=_PAGE_SIZE)] = 20,
) -> SearchPage | HttpResponse:
    """One page of `search_subjects`, for anonymous callers and tokens alike (the OpenAPI
    description says what is found); an ID number in the query is refused."""
    _principal, limited = _admit(request)
    if limited is not None:
        return limited
    if _id_number(q):
        raise ApiProblem(
            422,
            "query.id_number",
            _("接口不按公民身份号码查询：号码会留在网址和日志中。请按姓名和行政区查找自然人。"),
        )
    district = district.strip()
    if district and not District.objects.filter(code=district).exists():
        raise ApiProblem(422, "district.unknown", _("没有这个行政区划代码"))
    results = search_subjects(q, district=district, page=page, per_page=page_size)
    if page > results.pages:
        raise ApiProblem(
            404, "page.not_found", _("没有这一页：结果共 %(n)d 页") % {"n": results.pages}
        )
    params = {"q": results.query, "district": district, "page_size": page_size}
    statuses = lists_public.list_status(hit.public_id for hit in results.hits)
    objected = public.under_objection(hit.public_id for hit in results.hits)
    return SearchPage(
        query=results.query,
        page=results.number,
        page_size=page_size,
        pages=results.pages,
        total=results.total,
        total_capped=results.capped,
        results=[_hit(request, hit, statuses.get(hit.public_id), objected) for hit in results.hits],
        links=PageLinks(
            next=_page_url(request, params, page + 1) if results.has_next else None,
            previous=_page_url(request, params, page - 1) if results.has_previous else None,
        ),
    )


# -- one subject ------------------------------------------------------------------------------


def _find(key: str) -> Subject:
    """The subject a key names: an organisation by USCC, any subject by public id."""
    code = key.strip().upper()
    if _USCC_SHAPE.fullmatch(code):
        found = public.find_public_subject(uscc=code)
    else:
        found = public.find_public_subject(public_id=key.strip())
    if found is None:
        # The key is not repeated: it may be someone's ID number.
        raise ApiProblem(404, "subject.not_found", _("没有这个信用主体"))
    return found


def _record(record: public.PublicRecord) -> RecordOut:
    return RecordOut(
        doc_no=record.doc_no,
        department=record.department,
        decision_date=record.decision_date,
        published_until=record.published_until,
        legal_basis=record.legal_basis,
        summary=record.summary,
        fields=[RecordField(key=f.key, name=f.name, value=f.value) for f in record.fields],
        under_objection=record.under_objection,
    )


def _group(group: public.ItemGroup, disclosure: str) -> ItemRecords:
    return ItemRecords(
        code=group.code,
        name=group.name,
        disclosure=disclosure,  # type: ignore[arg-type]
        polarity=group.polarity,
        description=group.description,
        total=group.total,
        records=[_record(r) for r in group.records],
    )


def _entry(entry: lists_public.PublicEntry) -> ListEntryOut:
    return ListEntryOut(
        list_type=entry.list_type,
        list_name=entry.list_name,
        kind=entry.kind,  # type: ignore[arg-type]
        department=entry.department,
        doc_no=entry.doc_no,
        decision_date=entry.decision_date,
        starts_on=entry.starts_on,
        ends_on=entry.ends_on,
        published_on=entry.published_on,
        reason=entry.reason,
        decision_basis=entry.decision_basis,
        legal_basis=list(entry.legal_basis),
    )


def _subject_out(
    request: HttpRequest, subject: Subject, view: View, groups: list[ItemRecords]
) -> SubjectOut:
    shown = public.profile(subject)
    ref = shown.ref
    return SubjectOut(
        view=view,
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
        records_total=sum(g.total for g in groups),
        items=groups,
        lists=[_entry(e) for e in lists_public.public_entries_of(subject)],
        links=_links(request, ref.uscc, ref.public_id),
    )


def _shared_caller(principal: TokenPrincipal | None, purpose: str) -> bool:
    """Whether the caller gets the shared view; refuses a shared token it cannot honour."""
    if principal is None or not principal.has_scope(SHARED_SCOPE):
        return False
    if principal.organisation_kind not in GOVERNMENT_KINDS:
        raise ApiProblem(
            403,
            "records.shared_government_only",
            _("政务共享信息只向政府部门提供：请使用不含“%(scope)s”权限范围的令牌")
            % {"scope": SHARED_SCOPE},
        )
    if not purpose:
        raise ApiProblem(
            422,
            "purpose.required",
            _("查询政务共享信息须说明用途：请提供 purpose 参数（如办理的业务和文号）"),
        )
    return True


@router.get(
    "/subjects/{key}",
    response={200: SubjectOut, **_ERRORS},
    url_name="subject",
    summary="读取信用主体及其信用记录",
    description=(
        "主体的基本信息和调用方可见的信用记录，按目录项分组（社会公开的目录项在前）。"
        "匿名调用和一般令牌得到社会公开视图：社会公开类目录项下已公示、公示期未满、未撤销的记录。"
        "具有 records:read_shared 权限范围的政府部门令牌得到政务共享视图，另含授权查询、政务共享类"
        "目录项下有效的记录；须提供 purpose，每次查询记入审计日志。两种视图中个人信息均已脱敏。"
        "lists 为主体当前所在的已公布名单条目（失信惩戒名单、守信激励名单），两种视图相同；"
        "期满、提前移出、经信用修复或尚未公布的条目不在其中。异议标注尚未上线，不在返回内容中。"
    ),
    openapi_extra=_OPENAPI,
)
def read_subject(
    request: HttpRequest,
    key: PathEx[str, P(max_length=32, description=_KEY)],
    purpose: QueryEx[str, P(max_length=200, description=_PURPOSE)] = "",
) -> SubjectOut | HttpResponse:
    """The public view, or for a government token with the shared scope the shared view,
    audited with its purpose (see the module doc). The purpose is checked before the key is
    looked up, so a shared token cannot probe keys without stating one."""
    principal, limited = _admit(request)
    if limited is not None:
        return limited
    purpose = purpose.strip()
    shared = _shared_caller(principal, purpose)
    subject = _find(key)
    groups = [_group(g, Disclosure.PUBLIC) for g in public.public_records_for(subject)]
    if not shared:
        return _subject_out(request, subject, "public", groups)
    with acting_for(request, SCOPE) as (token, _viewer), transaction.atomic():
        extra = public.shared_groups(subject)
        groups += [_group(group, disclosure) for disclosure, group in extra]
        audit.record(
            "subject.read",
            "subject",
            subject.public_id,
            after={"view": "shared", "records": {g.code: g.total for _d, g in extra if g.total}},
            purpose=mask_in_text(purpose),
            organisation_id=token.organisation_id,
        )
        record_access(
            access_entry(
                subject.pk,
                kind=AccessKind.SHARED_READ,
                organisation_id=token.organisation_id,
                purpose=purpose,
                legal_basis=_("公共信用信息目录：%(items)s")
                % {"items": "、".join(g.code for _d, g in extra if g.total) or "—"},
            )
        )
    return _subject_out(request, subject, "shared", groups)
