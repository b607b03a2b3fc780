"""Back-office pages of batch comparison (批量比对): the organisation's batches, the
upload, and one batch with live progress, its result file and its signed receipt.

The upload is stored and queued by `xinyong.checks.services.batch`; the worker runs it.
An organisation sees only its own batches (another's is "not found").
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from xinyong.checks.models import BatchCheck, BatchStatus
from xinyong.checks.services import CheckError
from xinyong.checks.services.batch import enqueue, submit_batch
from xinyong.core.bodylimit import accepts_body
from xinyong.office.access import may_check, organisation_of, refused, viewer_of
from xinyong.office.check_forms import BatchForm
from xinyong.office.check_views import scenario_names
from xinyong.office.views import office_login_required
from xinyong.records.ingest.limits import UPLOAD_BODY_LIMIT

PAGE_SIZE = 50


def _own(request: HttpRequest, public_id: str) -> BatchCheck:
    organisation = organisation_of(request)
    found = None
    if organisation is not None:
        found = BatchCheck.objects.filter(
            organisation=organisation, public_id=public_id[:24]
        ).first()
    if found is None:
        raise Http404
    return found


def _progress(batch: BatchCheck) -> float:
    if batch.status == BatchStatus.DONE:
        return 1.0
    if batch.rows_total:
        return min(batch.rows_done / batch.rows_total, 1.0)
    return 0.0


def status_of(batch: BatchCheck) -> dict[str, object]:
    """What the batch page shows and polls: state, progress and counts."""
    return {
        "status": batch.status,
        "status_label": str(BatchStatus(batch.status).label),
        "progress": _progress(batch),
        "rows_total": batch.rows_total,
        "rows_done": batch.rows_done,
        "hits": batch.hits,
        "unknown": batch.unknown,
        "error": batch.error_message or None,
    }


@require_GET
@office_login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    """The organisation's batch comparisons, newest first."""
    organisation = organisation_of(request)
    if organisation is None:
        return refused(request, _("批量比对"), _("只有机构工作人员可以使用批量比对。"))
    batches = BatchCheck.objects.filter(organisation=organisation).order_by("-created_at")
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    names = scenario_names()
    context = {
        "page": page,
        "rows": [(batch, names.get(batch.scenario, batch.scenario)) for batch in page],
        "may_check": may_check(viewer_of(request)),
    }
    return render(request, "office/batch_list.html", context)


@require_http_methods(["GET", "POST"])
@office_login_required
@accepts_body(UPLOAD_BODY_LIMIT)
def batch_new(request: HttpRequest) -> HttpResponse:
    """Upload a file of codes or names for one scenario; it is compared in the background."""
    viewer, organisation = viewer_of(request), organisation_of(request)
    if organisation is None or not may_check(viewer):
        return refused(
            request, _("批量比对"), _("批量比对需要核查员、操作员、审核员或管理员角色。")
        )
    form = BatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = submit_batch(
                organisation,
                upload=upload,
                file_name=upload.name or "",
                scenario=form.cleaned_data["scenario"],
                matter=form.cleaned_data["matter"],
                created_by=viewer.label,
            )
        except CheckError as exc:
            form.add_error(None, exc.message)
        else:
            enqueue(batch)
            return redirect("office:batch", batch_id=batch.public_id)
    return render(request, "office/batch_new.html", {"form": form})


@require_GET
@office_login_required
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    """One batch: live progress while it runs, then its counts, result file and receipt."""
    batch = _own(request, batch_id)
    context = {
        "batch": batch,
        "status": status_of(batch),
        "percent": round(_progress(batch) * 100),
        "scenario": scenario_names().get(batch.scenario, batch.scenario),
        "signature": (batch.receipt or {}).get("signature"),
    }
    return render(request, "office/batch_detail.html", context)


@require_GET
@never_cache
@office_login_required
def batch_status(request: HttpRequest, batch_id: str) -> JsonResponse:
    """What the batch page polls every second."""
    return JsonResponse(
        status_of(_own(request, batch_id)), json_dumps_params={"ensure_ascii": False}
    )


@require_GET
@office_login_required
def batch_result(request: HttpRequest, batch_id: str) -> FileResponse:
    """The result file (CSV, UTF-8 with BOM): one row per row uploaded."""
    batch = _own(request, batch_id)
    if batch.status != BatchStatus.DONE or not batch.result_path:
        raise Http404
    return FileResponse(
        (settings.XINYONG_VAR_DIR / batch.result_path).open("rb"),
        as_attachment=True,
        filename=f"比对结果-{batch.public_id}.csv",
        content_type="text/csv; charset=utf-8",
    )


@require_GET
@office_login_required
def batch_receipt(request: HttpRequest, batch_id: str) -> HttpResponse:
    """The signed receipt of a finished batch (it signs the result file's SHA-256)."""
    batch = _own(request, batch_id)
    if batch.receipt is None:
        raise Http404
    response = HttpResponse(
        json.dumps(batch.receipt, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="receipt-{batch.public_id}.json"'
    return response
