"""Back-office pages for submissions: the list with quality figures, the upload, the detail
with live progress, and the error file.

Every row comes through `xinyong.records.services` (which applies `restrict()`), every write
through its `submit_file`; the views only turn requests into those calls and pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from xinyong.accounts.models import OrganisationKind
from xinyong.accounts.permissions import viewer_for_user
from xinyong.api.submissions import error_file_response, status_of
from xinyong.catalog.schema import Item, as_loose
from xinyong.core.bodylimit import accepts_body
from xinyong.core.permissions import Viewer
from xinyong.office.forms import UploadForm
from xinyong.records import services
from xinyong.records.ingest.errorfile import describe_one
from xinyong.records.ingest.limits import UPLOAD_BODY_LIMIT
from xinyong.records.models import RejectedRow, Submission

REJECTED_ROWS_SHOWN = 200
PAGE_SIZE = 50

office_login_required = login_required(login_url=reverse_lazy("office:login"))


def _viewer(request: HttpRequest) -> Viewer:
    return viewer_for_user(request.user)


def _may_submit(viewer: Viewer) -> bool:
    return bool(viewer.roles & services.SUBMITTING_ROLES) and viewer.organisation_id is not None


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _rejected_rows(viewer: Viewer, submission: Submission) -> list[tuple[int, list[str]]]:
    """The first rejected rows: (row number, each reason as "字段：说明")."""
    rows = RejectedRow.objects.restrict(viewer).filter(submission=submission)
    rows = rows.order_by("row_no")[:REJECTED_ROWS_SHOWN]
    item = as_loose(Item, submission.item_version.content)
    names = {spec.key: spec.name for spec in item.fields}
    return [
        (row.row_no, [describe_one(r["field"], r["message"], names) for r in row.reasons])
        for row in rows
    ]


def _visible(viewer: Viewer, public_id: str) -> Submission:
    submission = services.submissions_visible_to(viewer).filter(public_id=public_id).first()
    if submission is None:
        raise Http404
    return submission


HOME_BY_KIND = {
    OrganisationKind.BANK.value: "office_financing:queue",
    OrganisationKind.AGENCY.value: "office_consents:index",
}
"""Where a bank's or an agency's staff land: they neither submit records nor check lists,
they read what subjects authorised them to."""


@office_login_required
def home(request: HttpRequest) -> HttpResponse:
    organisation = getattr(request.user, "organisation", None)
    kind = organisation.kind if organisation is not None else ""
    return redirect(HOME_BY_KIND.get(kind, "office:submissions"))


@require_GET
@office_login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    """The viewer's submissions, newest first, and the quality figures per organisation
    (the credit office sees every organisation and may pick one)."""
    viewer = _viewer(request)
    quality = services.quality_by_organisation(viewer)
    submissions = services.submissions_visible_to(viewer)
    chosen = request.GET.get("org", "").strip()
    if chosen:
        submissions = submissions.filter(organisation__uscc=chosen)
    page = Paginator(submissions.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {
        "page": page,
        "rows": [(s, _percent(s.accepted / s.rows_done if s.rows_done else None)) for s in page],
        "organisations": [(q.organisation_uscc, q.organisation_name) for q in quality],
        "quality": [
            {
                "figures": q,
                "quality": _percent(q.quality_rate),
                "on_time": _percent(q.on_time_rate),
            }
            for q in quality
            if not chosen or q.organisation_uscc == chosen
        ],
        "chosen": chosen,
        "may_submit": _may_submit(viewer),
    }
    return render(request, "office/submission_list.html", context)


@require_http_methods(["GET", "POST"])
@office_login_required
@accepts_body(UPLOAD_BODY_LIMIT)
def submission_new(request: HttpRequest) -> HttpResponse:
    """Upload a file for one of the catalogue items the organisation may submit."""
    viewer = _viewer(request)
    organisation = getattr(request.user, "organisation", None)
    if organisation is None or not _may_submit(viewer):
        return render(request, "office/not_a_submitter.html", status=403)
    form = UploadForm(organisation, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            submission = services.submit_file(
                organisation=organisation,
                item_code=form.cleaned_data["item"],
                upload=upload,
                file_name=upload.name or "",
                user=request.user,  # type: ignore[arg-type]
            )
        except services.SubmissionRefused as exc:
            form.add_error(None, exc.message)
        else:
            services.enqueue(submission)
            return redirect("office:submission", public_id=submission.public_id)
    return render(request, "office/submission_new.html", {"form": form})


@require_GET
@office_login_required
def submission_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One submission: live progress while it runs, then its counts and rejected rows."""
    viewer = _viewer(request)
    submission = _visible(viewer, public_id)
    status = status_of(submission, reverse("office:submission_errors", args=[public_id]))
    context = {
        "submission": submission,
        "status": status,
        "percent": round(status.progress * 100),
        "rejected_rows": _rejected_rows(viewer, submission),
        "rows_shown": REJECTED_ROWS_SHOWN,
    }
    return render(request, "office/submission_detail.html", context)


@require_GET
@never_cache
@office_login_required
def submission_status(request: HttpRequest, public_id: str) -> JsonResponse:
    """What the detail page polls every second."""
    submission = _visible(_viewer(request), public_id)
    status = status_of(submission, reverse("office:submission_errors", args=[public_id]))
    return JsonResponse(status.model_dump(mode="json"), json_dumps_params={"ensure_ascii": False})


@require_GET
@office_login_required
def submission_errors(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """The error file, in the format the organisation submitted."""
    response = error_file_response(_visible(_viewer(request), public_id))
    if response is None:
        raise Http404
    return response
