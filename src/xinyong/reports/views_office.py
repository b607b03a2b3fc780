"""Back-office report pages (/office/reports/) for government organisations — a procurement
or bidding centre, a department, the credit office: one report as a PDF download, a list of
bidders as a batch issued in the background, and the organisation's batches with live
progress and their ZIP.

Everything is decided by `services.issuing` and `services.batches`; these views only choose
what to offer. An organisation sees only its own batches (another's is "not found").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.accounts.models import Organisation
from xinyong.office.access import may_check, organisation_of, refused, viewer_of
from xinyong.office.list_forms import MaskedTextInput
from xinyong.office.views import office_login_required
from xinyong.reports.models import ReportBatch
from xinyong.reports.policy import report_types
from xinyong.reports.services.batches import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    enqueue,
    requester_for,
    status_of,
    subject_by_code,
    submit_batch,
    zip_download_name,
    zip_file,
)
from xinyong.reports.services.issuing import issue_report, open_pdf
from xinyong.reports.services.scope import GOVERNMENT, GOVERNMENT_KINDS, MAX_PURPOSE, ReportRefused

PAGE_SIZE = 20
SUFFIXES = (".csv", ".xlsx", ".xls")


def type_choices() -> list[tuple[str, str]]:
    """The report types a government organisation may request, by their stable codes."""
    return [(t.code, str(t.name)) for t in report_types() if GOVERNMENT in t.audiences]


class _Request(forms.Form):
    type_code = forms.ChoiceField(label=_("报告类型"))
    purpose = forms.CharField(
        label=_("用途"),
        max_length=MAX_PURPOSE,
        required=False,
        help_text=_("印在报告上并记入主体的查询记录，如“津财采〔2026〕8号 供应商资格审查”"),
    )
    monochrome = forms.BooleanField(label=_("打印版（黑白）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["type_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = type_choices()


class ReportForm(_Request):
    """One report: the subject and what the report is for."""

    subject = forms.CharField(
        label=_("主体代码"),
        max_length=64,
        help_text=_("统一社会信用代码或主体公开编号"),
        widget=MaskedTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["subject", "type_code", "purpose", "monochrome"]


class BatchForm(_Request):
    """A list of bidders: a file with one column of codes or names."""

    file = forms.FileField(
        label=_("主体清单文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )
    field_order = ["file", "type_code", "purpose", "monochrome"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV（UTF-8 或 GB18030）、XLSX 或 XLS，一列统一社会信用代码、公开编号或企业名称，"
            "表头如“统一社会信用代码”；最多 %(rows)d 行、%(mb)d MB"
        ) % {"rows": MAX_ROWS, "mb": MAX_UPLOAD_BYTES >> 20}


def _organisation(request: HttpRequest) -> Organisation | None:
    """The signed-in staff's government organisation, when they may request reports."""
    organisation = organisation_of(request)
    if organisation is None or organisation.kind not in GOVERNMENT_KINDS:
        return None
    return organisation if may_check(viewer_of(request)) else None


def _refused(request: HttpRequest) -> HttpResponse:
    return refused(
        request,
        _("信用报告"),
        _(
            "为其他主体出具信用报告需要政府机构（信用办、部门、区政府、法院）的核查员、操作员、审核员或管理员角色。"
        ),
    )


def _index(
    request: HttpRequest,
    organisation: Organisation,
    *,
    one: ReportForm | None = None,
    batch: BatchForm | None = None,
    status: int = 200,
) -> HttpResponse:
    batches = ReportBatch.objects.filter(organisation=organisation).order_by("-created_at")
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(type_choices())
    context = {
        "one": one or ReportForm(prefix="one"),
        "batch": batch or BatchForm(prefix="batch"),
        "page": page,
        "rows": [(b, names.get(b.type_code, b.type_code), status_of(b)) for b in page],
    }
    return render(request, "reports/office_index.html", context, status=status)


@require_GET
@office_login_required
def index(request: HttpRequest) -> HttpResponse:
    """The two forms and the organisation's batches, newest first."""
    organisation = _organisation(request)
    if organisation is None:
        return _refused(request)
    return _index(request, organisation)


@require_POST
@office_login_required
def issue(request: HttpRequest) -> HttpResponse:
    """One report, answered as the PDF download."""
    organisation = _organisation(request)
    if organisation is None:
        return _refused(request)
    form = ReportForm(request.POST, prefix="one")
    if form.is_valid():
        try:
            subject = subject_by_code(form.cleaned_data["subject"])
            if subject is None:
                raise ReportRefused("subject.not_found", _("平台未登记该主体"))
            report = issue_report(
                subject,
                form.cleaned_data["type_code"],
                requester_for(organisation, viewer_of(request).label),
                purpose=form.cleaned_data["purpose"],
                monochrome=form.cleaned_data["monochrome"],
            )
        except ReportRefused as exc:
            field = "subject" if exc.reason in ("subject.not_found", "report.id_number") else None
            form.add_error(field, exc.message)
        else:
            response = HttpResponse(open_pdf(report), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{report.number}.pdf"'
            return response
    return _index(request, organisation, one=form, status=422)


@require_http_methods(["POST"])
@office_login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    """Submit a list of subjects; its reports are issued in the background."""
    organisation = _organisation(request)
    if organisation is None:
        return _refused(request)
    form = BatchForm(request.POST, request.FILES, prefix="batch")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = submit_batch(
                organisation,
                created_by=viewer_of(request).label,
                type_code=form.cleaned_data["type_code"],
                purpose=form.cleaned_data["purpose"],
                monochrome=form.cleaned_data["monochrome"],
                upload=upload,
                file_name=upload.name or "",
            )
        except ReportRefused as exc:
            form.add_error(
                "file" if exc.reason.startswith(("file.", "batch.")) else None, exc.message
            )
        else:
            enqueue(batch)
            return redirect("office_reports:detail", batch_id=batch.public_id)
    return _index(request, organisation, batch=form, status=422)


def _own(request: HttpRequest, public_id: str) -> ReportBatch:
    organisation = _organisation(request)
    found = None
    if organisation is not None:
        found = ReportBatch.objects.filter(
            organisation=organisation, public_id=public_id[:24]
        ).first()
    if found is None:
        raise Http404
    return found


@require_GET
@office_login_required
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    """One batch: live progress while it runs, then its counts and the ZIP."""
    batch = _own(request, batch_id)
    status = status_of(batch)
    context = {
        "batch": batch,
        "status": status,
        "percent": round(float(status["progress"]) * 100),  # type: ignore[arg-type]
        "type_name": dict(type_choices()).get(batch.type_code, batch.type_code),
    }
    return render(request, "reports/office_batch.html", context)


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
def batch_zip(request: HttpRequest, batch_id: str) -> FileResponse:
    """The finished batch's ZIP: the PDFs and 清单.csv."""
    batch = _own(request, batch_id)
    path = zip_file(batch)
    if path is None:
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=zip_download_name(batch),
        content_type="application/zip",
    )
