"""Credit reports: `GET /api/v1/reports/{code}` verifies a report by its verification code.

No token needed (a bank's or a procurement system's check of a report it was handed), rate
limited per client address like the other public reads. The answer holds what the report's
signed manifest states — never a record of its content — and the envelope itself, so a
verifier can check the signature offline against /api/v1/keys.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from xinyong.accounts.models import Organisation
from xinyong.accounts.services import TokenPrincipal
from xinyong.api.auth import acting_for, token_optional
from xinyong.api.problems import ApiProblem, Problem, throttled
from xinyong.reports.models import ReportBatch
from xinyong.reports.services.batches import (
    MAX_ROWS,
    enqueue,
    requester_for,
    status_of,
    subject_by_code,
    submit_batch,
    zip_download_name,
    zip_file,
)
from xinyong.reports.services.issuing import issue_report, open_pdf
from xinyong.reports.services.scope import MAX_PURPOSE, ReportRefused, Requester
from xinyong.reports.services.verification import State, verify_code

router = Router(tags=["信用报告"], auth=token_optional())


class ReportFacts(Schema):
    """What the report's signed manifest states (a natural person's name masked)."""

    number: str = Field(description="报告编号")
    code: str = Field(description="验证码")
    type: str = Field(description="报告类型代码")
    type_name: str = Field(description="报告类型名称")
    subject_name: str = Field(description="主体名称（自然人姓名脱敏）")
    subject_uscc: str = Field(description="统一社会信用代码（无则为空）")
    subject_public_id: str = Field(description="主体编号")
    cut_off: str = Field(description="数据截止时间（UTC）")
    issued_at: str = Field(description="出具时间（UTC）")
    sha256: str = Field(description="报告 PDF 文件的 SHA-256（十六进制）")
    key_id: str = Field(description="签名密钥编号（见 /api/v1/keys）")
    revoked_at: str | None = Field(description="撤销时间（UTC），未撤销为 null")


class ReportVerification(Schema):
    """The state of a report and why."""

    state: Literal["current", "superseded", "revoked", "altered"] = Field(
        description=(
            "current 真实、未被改动且主体情况未变；superseded 真实，但主体情况自数据截止后已变化；"
            "revoked 所依据的记录已更正或撤销，报告已撤销；altered 平台存档的签名清单校验不通过"
        )
    )
    state_label: str = Field(description="状态的中文说明")
    genuine: bool = Field(description="是否为平台出具且未被改动的报告")
    message: str = Field(description="给人看的说明")
    reason: str = Field(description="撤销原因，或校验不通过的原因代码")
    changes: list[str] = Field(description="自报告出具以来的变化（superseded 时）")
    report: ReportFacts
    manifest: dict[str, Any] = Field(
        description="平台签署的清单信封（Ed25519），可用 /api/v1/keys 的公钥离线验证"
    )
    checked_at: str = Field(description="核验时间（UTC）")


@router.get(
    "/reports/{code}",
    response={200: ReportVerification, 404: Problem, 429: Problem},
    url_name="report_verify",
    summary="核验信用报告",
    description=(
        "按报告封面上的验证码（16 位，不区分大小写，短横线可省略）核验信用报告："
        "签名是否成立、清单是否与存档一致、是否已撤销、主体情况自数据截止后是否变化。"
        "核对手中的 PDF 时，请比较其 SHA-256 与返回的 sha256。无需令牌，按访问地址限制频率。"
    ),
    openapi_extra={"security": [{}]},
)
def verify_report(request: HttpRequest, code: str) -> ReportVerification | HttpResponse:
    """The verification of the report with this code; 404 when there is none."""
    principal = request.auth if isinstance(request.auth, TokenPrincipal) else None  # type: ignore[attr-defined]
    limited = throttled(request, principal.token_id if principal else None)
    if limited is not None:
        return limited
    result = verify_code(code)
    if result.state == State.UNKNOWN or result.report is None:
        raise ApiProblem(404, "report.unknown", _("没有与该验证码对应的信用报告"))
    data = result.as_data()
    return ReportVerification.model_validate({**data, "manifest": result.report.manifest})


# -- Issuing: one report as a PDF, or a list of subjects as a background job ----------------

SCOPE = "reports:create"
PUBLIC_TYPE = "public"
REFUSAL_STATUS = {
    "report.audience": 403,
    "report.consent": 403,
    "report.subject_kind": 403,
    "subject.not_found": 404,
}
"""HTTP status of a `ReportRefused` code; any other refusal is a 422."""


class ReportIn(Schema):
    """One report (`subject`) or a batch (`subjects`), never both."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    subject: str | None = Field(
        default=None,
        max_length=64,
        description="主体的统一社会信用代码（或其他登记代码）或公开编号；不接受公民身份号码",
        examples=["91120101MA05W8K3XH"],
    )
    subjects: list[Annotated[str, StringConstraints(max_length=200)]] | None = Field(
        default=None,
        max_length=MAX_ROWS,
        description=f"批量出具：主体代码、公开编号或企业名称的列表（最多 {MAX_ROWS} 个），"
        "返回后台任务；需要令牌",
    )
    type: str = Field(max_length=40, description="报告类型代码", examples=["procurement"])
    purpose: str = Field(
        default="", max_length=MAX_PURPOSE, description="用途，印在报告上并记入主体的查询记录"
    )
    print_version: bool = Field(default=False, alias="print", description="打印版（黑白，无彩色）")


class JobOut(Schema):
    job: str = Field(description="任务编号")
    status: Literal["queued", "running", "done", "failed"]
    type: str = Field(description="报告类型代码")
    total: int = Field(description="清单行数")
    done: int = Field(description="已处理行数")
    issued: int = Field(description="已出具报告的行数")
    failed: int = Field(description="未能出具的行数（原因见压缩包内 清单.csv）")
    progress: float = Field(description="进度，0 到 1")
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    zip_url: str | None = Field(description="完成后压缩包的下载地址")


def _refusal(exc: ReportRefused) -> ApiProblem:
    return ApiProblem(REFUSAL_STATUS.get(exc.reason, 422), exc.reason, exc.message)


def _job(request: HttpRequest, batch: ReportBatch) -> JobOut:
    status = status_of(batch)
    url = None
    if zip_file(batch) is not None:
        url = request.build_absolute_uri(reverse("api:report_job_zip", args=[batch.public_id]))
    return JobOut(
        job=batch.public_id,
        status=batch.status,  # type: ignore[arg-type]
        type=batch.type_code,
        total=batch.total,
        done=batch.done,
        issued=int(status["issued"]),  # type: ignore[call-overload]
        failed=batch.failed,
        progress=float(status["progress"]),  # type: ignore[arg-type]
        error=batch.error or None,
        created_at=batch.created_at,
        finished_at=batch.finished_at,
        zip_url=url,
    )


def _own_job(organisation_id: int, job_id: str) -> ReportBatch:
    found = ReportBatch.objects.filter(
        organisation_id=organisation_id, public_id=job_id[:24]
    ).first()
    if found is None:
        raise ApiProblem(404, "job.not_found", _("没有这个批量出具任务"))
    return found


def _pdf(request: HttpRequest, payload: ReportIn, principal: TokenPrincipal | None) -> HttpResponse:
    """One report, issued now, answered as the PDF."""
    if principal is None:
        if payload.type != PUBLIC_TYPE:
            raise ApiProblem(
                401, "auth.missing_token", _("除公共信用信息报告（通用版）外，均需访问令牌")
            )
        requester = Requester.for_public()
    else:
        organisation = Organisation.objects.get(pk=principal.organisation_id)
        requester = requester_for(organisation, principal.actor().label)
    subject = subject_by_code(payload.subject or "")
    if subject is None:
        raise ReportRefused("subject.not_found", _("平台未登记该主体"))
    report = issue_report(
        subject,
        payload.type,
        requester,
        purpose=payload.purpose,
        monochrome=payload.print_version,
    )
    response = HttpResponse(open_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.number}.pdf"'
    response["X-Report-Number"] = report.number
    response["X-Verification-Code"] = report.code
    return response


@router.post(
    "/reports",
    response={
        200: None,
        202: JobOut,
        401: Problem,
        403: Problem,
        404: Problem,
        422: Problem,
        429: Problem,
    },
    summary="出具信用报告（单份 PDF 或批量任务）",
    description=(
        "单份：body 含 subject，返回 application/pdf，响应头 X-Report-Number（报告编号）和 "
        "X-Verification-Code（验证码）。无令牌只能出具 type=public（公共信用信息报告，通用版），"
        "按访问地址限制频率；其他类型需要带 reports:create 权限的令牌，报告范围由令牌所属机构"
        "决定（政府机构按政务共享，银行和信用服务机构须有主体的有效授权）。"
        "批量：body 含 subjects，需要令牌，返回 202 和任务，"
        "用 /api/v1/reports/jobs/{job} 查看进度，"
        "完成后下载压缩包（每个主体一份 PDF 和 清单.csv，未能出具的行注明原因）。"
    ),
    openapi_extra={
        "security": [{}],
        "responses": {
            200: {
                "description": "报告 PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                "headers": {
                    "X-Report-Number": {"description": "报告编号", "schema": {"type": "string"}},
                    "X-Verification-Code": {"description": "验证码", "schema": {"type": "string"}},
                },
            }
        },
    },
)
def create_report(
    request: HttpRequest, response: HttpResponse, payload: ReportIn
) -> HttpResponse | Status[JobOut]:
    principal = request.auth if isinstance(request.auth, TokenPrincipal) else None  # type: ignore[attr-defined]
    if (payload.subject is None) == (payload.subjects is None):
        raise ApiProblem(
            422, "report.subject_missing", _("请给出 subject（单份）或 subjects（批量）之一")
        )
    if principal is not None and not principal.has_scope(SCOPE):
        raise ApiProblem(
            403, "auth.missing_scope", _("令牌没有“%(scope)s”权限范围") % {"scope": SCOPE}
        )
    if payload.subjects is not None:
        with acting_for(request, SCOPE) as (token, _viewer):
            try:
                batch = submit_batch(
                    Organisation.objects.get(pk=token.organisation_id),
                    created_by=token.actor().label,
                    type_code=payload.type,
                    purpose=payload.purpose,
                    monochrome=payload.print_version,
                    queries=payload.subjects,
                )
            except ReportRefused as exc:
                raise _refusal(exc) from exc
            enqueue(batch)
        response["Location"] = request.build_absolute_uri(
            reverse("api:report_job", args=[batch.public_id])
        )
        return Status(202, _job(request, batch))
    limited = throttled(request, principal.token_id if principal else None)
    if limited is not None:
        return limited
    try:
        if principal is None:
            return _pdf(request, payload, None)
        with acting_for(request, SCOPE) as (token, _viewer):
            return _pdf(request, payload, token)
    except ReportRefused as exc:
        raise _refusal(exc) from exc


@router.get(
    "/reports/jobs/{job_id}",
    response={200: JobOut, 401: Problem, 403: Problem, 404: Problem},
    url_name="report_job",
    summary="查看批量出具任务的进度",
)
def read_job(request: HttpRequest, job_id: str) -> JobOut:
    with acting_for(request, SCOPE) as (principal, _viewer):
        return _job(request, _own_job(principal.organisation_id, job_id))


@router.get(
    "/reports/jobs/{job_id}/zip",
    response={200: None, 401: Problem, 403: Problem, 404: Problem},
    url_name="report_job_zip",
    summary="下载批量出具的压缩包（ZIP）",
)
def job_zip(request: HttpRequest, job_id: str) -> FileResponse:
    with acting_for(request, SCOPE) as (principal, _viewer):
        batch = _own_job(principal.organisation_id, job_id)
        path = zip_file(batch)
        if path is None:
            raise ApiProblem(404, "job.not_done", _("批量出具尚未完成"))
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=zip_download_name(batch),
            content_type="application/zip",
        )
