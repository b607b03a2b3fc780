"""`/api/v1/submissions`: push records or a file, then follow the submission to its end.

A submission is stored and queued at once (202); the background worker runs the pipeline.
Everything is read and written through `xinyong.records.services`, which checks the
organisation's right to submit the item and audits; this module only speaks HTTP.
"""

from __future__ import annotations

from typing import Any

import pydantic
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from xinyong.accounts.services import find_token
from xinyong.api.auth import acting_for
from xinyong.api.problems import ApiProblem, FieldProblem, Problem, field_problems
from xinyong.api.schemas import (
    MAX_RECORDS_PER_REQUEST,
    SubmissionAccepted,
    SubmissionError,
    SubmissionIn,
    SubmissionOut,
)
from xinyong.core.permissions import Viewer
from xinyong.records import services
from xinyong.records.ingest.errorfile import error_file_name, output_encoding, output_format
from xinyong.records.ingest.readers import MAX_FILE_BYTES
from xinyong.records.models import Submission, SubmissionStatus

SCOPE = "records:submit"
MULTIPART_OVERHEAD = 64 * 1024
"""Bytes a multipart body may carry beyond the file itself (boundaries, the item field)."""

REFUSAL_STATUS = {
    "organisation.inactive": 403,
    "token.other_organisation": 403,
    "token.inactive": 403,
    "token.scope": 403,
    "item.not_source": 403,
    "file.too_large": 413,
    "records.too_many": 413,
}
"""HTTP status of the services' refusals: "may not" is 403, "too big" 413, the rest 422."""

router = Router(tags=["报送"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem}
_SUBMIT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": SubmissionIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["item", "file"],
                    "properties": {
                        "item": {"type": "string", "maxLength": 32, "examples": ["XZCF"]},
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV（UTF-8 或 GB18030）、XLSX、XLS、JSON、JSON Lines；"
                            f"不超过 {MAX_FILE_BYTES} 字节",
                        },
                    },
                }
            },
        },
    }
}
_ERRORS_FILE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "错误行文件（与报送文件格式相同；XLS 以 XLSX 返回）",
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                "application/json": {},
                "application/jsonl": {},
            },
        }
    }
}
_CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "jsonl": "application/jsonl",
}


def _refused(exc: services.SubmissionRefused) -> ApiProblem:
    return ApiProblem(REFUSAL_STATUS.get(exc.code, 422), exc.code, exc.message)


def _json_body(request: HttpRequest) -> SubmissionIn:
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise ApiProblem(
            413,
            "body.too_large",
            _("请求体过大：每次最多 %(n)d 条记录，更多请以文件报送")
            % {"n": MAX_RECORDS_PER_REQUEST},
        ) from exc
    try:
        return SubmissionIn.model_validate_json(body)
    except pydantic.ValidationError as exc:
        raise ApiProblem(
            422, "invalid_request", _("请求内容不符合接口要求"), field_problems(exc.errors())
        ) from exc


def _accepted(
    request: HttpRequest, response: HttpResponse, submission: Submission
) -> Status[SubmissionAccepted]:
    services.enqueue(submission)
    url = request.build_absolute_uri(reverse("api:submission", args=[submission.public_id]))
    response["Location"] = url  # where the 202's work can be followed (RFC 9110 §15.3.3)
    accepted = SubmissionAccepted(
        submission=submission.public_id, status=submission.status, status_url=url
    )
    return Status(202, accepted)


def _submit_file(request: HttpRequest) -> Submission:
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > MAX_FILE_BYTES + MULTIPART_OVERHEAD:
        raise _too_large()
    item = request.POST.get("item", "").strip()
    upload = request.FILES.get("file")
    missing = []
    if not item:
        missing.append(FieldProblem(location="item", code="body.missing", message=_("缺少此项")))
    if upload is None:
        missing.append(FieldProblem(location="file", code="body.missing", message=_("缺少此项")))
    if missing or upload is None:
        raise ApiProblem(422, "invalid_request", _("请求内容不符合接口要求"), missing)
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise _too_large()
    token = find_token(request.auth.prefix)  # type: ignore[attr-defined]
    return services.submit_file(
        organisation=token.organisation,
        item_code=item,
        upload=upload,
        file_name=upload.name or "",
        token=token,
    )


def _too_large() -> ApiProblem:
    return ApiProblem(
        413, "file.too_large", _("文件过大：不超过 %(n)d 字节") % {"n": MAX_FILE_BYTES}
    )


@router.post(
    "/submissions",
    response={202: SubmissionAccepted, 413: Problem, 415: Problem, 422: Problem, **_ERRORS},
    url_name="submissions",
    summary="报送信用记录（JSON 记录或文件）",
    openapi_extra=_SUBMIT_BODY,
)
def create_submission(request: HttpRequest, response: HttpResponse) -> Status[SubmissionAccepted]:
    """Store the records or the file as a new submission and queue it for processing.
    Nothing is created when the body, the item or the organisation's right is wrong."""
    with acting_for(request, SCOPE):
        content_type = request.content_type or ""
        try:
            if content_type == "application/json":
                body = _json_body(request)
                token = find_token(request.auth.prefix)  # type: ignore[attr-defined]
                submission = services.submit_records(
                    organisation=token.organisation,
                    item_code=body.item,
                    records=[dict(record) for record in body.records],
                    token=token,
                )
            elif content_type == "multipart/form-data":
                submission = _submit_file(request)
            else:
                raise ApiProblem(
                    415,
                    "body.unsupported_media_type",
                    _("请以 application/json 或 multipart/form-data 提交"),
                )
        except services.SubmissionRefused as exc:
            raise _refused(exc) from exc
        return _accepted(request, response, submission)


def _visible(viewer: Viewer, submission_id: str) -> Submission:
    submission = services.submissions_visible_to(viewer).filter(public_id=submission_id).first()
    if submission is None:
        raise ApiProblem(404, "submission.not_found", _("没有这个报送批次，或无权查看"))
    return submission


def _progress(summary: dict[str, Any]) -> float:
    return max(0.0, min(1.0, float(summary.get("progress") or 0.0)))


def status_of(submission: Submission, errors_url: str) -> SubmissionOut:
    """The status body, shared with the back office's polling endpoint; `errors_url` is
    where this surface serves the error file (given only when there is one)."""
    summary = services.submission_summary(submission)
    has_errors = services.error_file_path(submission) is not None
    error = None
    if submission.status == SubmissionStatus.FAILED:
        error = SubmissionError(code=submission.error_code, message=submission.error_message)
    return SubmissionOut(
        submission=submission.public_id,
        status=submission.status,
        status_label=str(SubmissionStatus(submission.status).label),
        item=submission.item.code,
        channel=submission.channel,
        file_name=submission.file_name,
        received_at=submission.received_at,
        started_at=submission.started_at,
        finished_at=submission.finished_at,
        progress=_progress(summary),
        rows=summary.get("rows"),
        rows_done=submission.rows_done,
        accepted=int(summary.get("accepted") or 0),
        rejected=int(summary.get("rejected") or 0),
        unchanged=int(summary.get("unchanged") or 0),
        new_records=int(summary.get("new_records") or 0),
        new_versions=int(summary.get("new_versions") or 0),
        late=int(summary.get("late") or 0),
        error=error,
        errors_url=errors_url if has_errors else None,
    )


@router.get(
    "/submissions/{submission_id}",
    response={200: SubmissionOut, **_ERRORS},
    url_name="submission",
    summary="报送批次的状态、进度和计数",
)
def get_submission(request: HttpRequest, submission_id: str) -> SubmissionOut:
    with acting_for(request, SCOPE) as (_principal, viewer):
        submission = _visible(viewer, submission_id)
        url = reverse("api:submission_errors", args=[submission.public_id])
        return status_of(submission, request.build_absolute_uri(url))


def error_file_response(submission: Submission) -> FileResponse | None:
    """The error file as a download named after the submitted file (API and back office);
    None when the submission has none (not finished, or no row rejected)."""
    path = services.error_file_path(submission)
    if path is None:
        return None
    fmt = output_format(submission.file_format)
    content_type = _CONTENT_TYPES[fmt]
    if fmt == "csv":
        charset = output_encoding(submission.encoding).removesuffix("-sig")
        content_type = f"{content_type}; charset={charset}"
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=error_file_name(submission.file_name, submission.file_format),
        content_type=content_type,
    )


@router.get(
    "/submissions/{submission_id}/errors",
    response=_ERRORS,
    url_name="submission_errors",
    summary="下载错误行文件",
    openapi_extra=_ERRORS_FILE,
)
def get_submission_errors(request: HttpRequest, submission_id: str) -> FileResponse:
    with acting_for(request, SCOPE) as (_principal, viewer):
        response = error_file_response(_visible(viewer, submission_id))
    if response is None:
        raise ApiProblem(404, "submission.no_error_file", _("这个报送批次没有错误行文件"))
    return response
