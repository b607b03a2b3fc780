"""`/api/v1/check-batches`: batch comparison (批量比对) — upload a file of up to 100,000
codes or names with a scenario, follow the job, download the result and its signed receipt.

The job runs in the background (`xinyong worker`); this module only speaks HTTP.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from xinyong.accounts.models import Organisation
from xinyong.api.auth import acting_for
from xinyong.api.problems import ApiProblem, FieldProblem, Problem
from xinyong.checks.models import BatchCheck, BatchStatus
from xinyong.checks.services import CheckError
from xinyong.checks.services.batch import MAX_ROWS, enqueue, submit_batch
from xinyong.records.ingest.readers import MAX_FILE_BYTES

SCOPE = "lists:check"
MULTIPART_OVERHEAD = 64 * 1024
router = Router(tags=["联合奖惩核查"])
_ERRORS = {401: Problem, 403: Problem, 404: Problem, 413: Problem, 422: Problem}
_UPLOAD: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "scenario", "matter"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": f"CSV（UTF-8 或 GB18030）、XLSX 或 XLS，一列代码或名称，"
                            f"不超过 {MAX_ROWS} 行",
                        },
                        "scenario": {"type": "string", "examples": ["public_bidding"]},
                        "matter": {"type": "string", "maxLength": 200},
                    },
                }
            }
        },
    }
}


class BatchOut(Schema):
    batch: str
    status: str
    scenario: str
    rows_total: int | None
    rows_done: int
    hits: int
    unknown: int
    error: str | None
    result_url: str | None
    receipt: dict[str, Any] | None


def _out(request: HttpRequest, batch: BatchCheck) -> BatchOut:
    done = batch.status == BatchStatus.DONE
    url = reverse("api:check_batch_result", args=[batch.public_id]) if done else None
    return BatchOut(
        batch=batch.public_id,
        status=batch.status,
        scenario=batch.scenario,
        rows_total=batch.rows_total,
        rows_done=batch.rows_done,
        hits=batch.hits,
        unknown=batch.unknown,
        error=batch.error_message or None,
        result_url=request.build_absolute_uri(url) if url else None,
        receipt=batch.receipt,
    )


def _own(organisation_id: int, public_id: str) -> BatchCheck:
    batch = BatchCheck.objects.filter(organisation_id=organisation_id, public_id=public_id[:24])
    found = batch.first()
    if found is None:
        raise ApiProblem(404, "batch.not_found", _("没有这个批量比对任务"))
    return found


@router.post(
    "/check-batches",
    response={202: BatchOut, **_ERRORS},
    summary="批量比对（上传代码或名称清单）",
    openapi_extra=_UPLOAD,
)
def create_batch(request: HttpRequest, response: HttpResponse) -> Status[BatchOut]:
    with acting_for(request, SCOPE) as (principal, _viewer):
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FILE_BYTES + MULTIPART_OVERHEAD:
            raise ApiProblem(
                413, "file.too_large", _("文件过大：最多 %d MB") % (MAX_FILE_BYTES >> 20)
            )
        upload = request.FILES.get("file")
        fields = {k: request.POST.get(k, "").strip() for k in ("scenario", "matter")}
        missing = [k for k, v in {**fields, "file": upload}.items() if not v]
        if missing or upload is None:
            problems = [
                FieldProblem(location=k, code="body.missing", message=_("缺少此项"))
                for k in missing
            ]
            raise ApiProblem(422, "invalid_request", _("请求内容不符合接口要求"), problems)
        try:
            batch = submit_batch(
                Organisation.objects.get(pk=principal.organisation_id),
                upload=upload,
                file_name=upload.name or "",
                scenario=fields["scenario"],
                matter=fields["matter"],
                created_by=principal.actor().label,
            )
        except CheckError as exc:
            status = 413 if exc.reason == "file.too_large" else 422
            raise ApiProblem(status, exc.reason, exc.message) from exc
        enqueue(batch)
    response["Location"] = request.build_absolute_uri(
        reverse("api:check_batch", args=[batch.public_id])
    )
    return Status(202, _out(request, batch))


@router.get(
    "/check-batches/{batch_id}",
    response={200: BatchOut, **_ERRORS},
    url_name="check_batch",
    summary="查看批量比对进度与结果",
)
def read_batch(request: HttpRequest, batch_id: str) -> BatchOut:
    with acting_for(request, SCOPE) as (principal, _viewer):
        return _out(request, _own(principal.organisation_id, batch_id))


@router.get(
    "/check-batches/{batch_id}/result",
    response={200: None, **_ERRORS},
    url_name="check_batch_result",
    summary="下载批量比对结果（CSV）",
)
def batch_result(request: HttpRequest, batch_id: str) -> FileResponse:
    with acting_for(request, SCOPE) as (principal, _viewer):
        batch = _own(principal.organisation_id, batch_id)
        if batch.status != BatchStatus.DONE:
            raise ApiProblem(404, "batch.not_done", _("比对尚未完成"))
        path = settings.XINYONG_VAR_DIR / batch.result_path
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"比对结果-{batch.public_id}.csv",
            content_type="text/csv; charset=utf-8",
        )
