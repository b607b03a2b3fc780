"""Back-office pages of the agency registry (/office/agencies/), for the credit office: the
list by status, the filing form, and one filing with its history and the change and
cancellation forms.

Filings are read through `services.visible_to` (anyone else is refused, and a filing they
cannot see is "not found"); every step goes through the services, whose refusals are
shown on the form that asked for it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.agencies import services
from xinyong.agencies.forms import CancelForm, ChangeForm, FilingForm, StatusFilter
from xinyong.agencies.models import AgencyFiling, AgencyStatus
from xinyong.core.permissions import Viewer
from xinyong.office.access import refused, viewer_of
from xinyong.office.views import office_login_required

PAGE_SIZE = 50
TITLE = _("信用服务机构备案")


def _refused(request: HttpRequest) -> HttpResponse:
    return refused(request, TITLE, _("信用服务机构备案由信用办办理。"))


def _visible(viewer: Viewer, public_id: str) -> AgencyFiling:
    filing = services.filing_of(viewer, public_id)
    if filing is None:
        raise Http404
    return filing


@require_GET
@office_login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    """Every filing, of one status when chosen, the latest filed first."""
    viewer = viewer_of(request)
    if not services.may_view(viewer):
        return _refused(request)
    filters = StatusFilter(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(services.office_list(viewer, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = services.status_counts(viewer)
    context = {
        "page": page,
        "status": status,
        "total": sum(counts.values()),
        "states": [(value, label, counts[value]) for value, label in AgencyStatus.choices],
        "may_manage": services.may_manage(viewer),
    }
    return render(request, "agencies/office_list.html", context)


@require_http_methods(["GET", "POST"])
@office_login_required
def agency_new(request: HttpRequest) -> HttpResponse:
    """File a new agency; the form again with the reason when the service refuses."""
    viewer = viewer_of(request)
    if not services.may_manage(viewer):
        return _refused(request)
    organisation = getattr(request.user, "organisation", None)
    form = FilingForm(
        request.POST or None, initial={"authority": organisation.name if organisation else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.file_agency(
                viewer,
                uscc=form.cleaned_data["uscc"],
                details=form.details(),
                number=form.cleaned_data["number"],
                filed_on=form.cleaned_data["filed_on"],
            )
        except services.AgencyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已备案，备案编号 %(number)s") % {"number": filing.number})
            return redirect("office_agencies:detail", public_id=filing.public_id)
    return render(request, "agencies/office_new.html", {"form": form})


def _detail(
    request: HttpRequest,
    viewer: Viewer,
    filing: AgencyFiling,
    change: ChangeForm | None = None,
    cancel: CancelForm | None = None,
) -> HttpResponse:
    may_manage = services.may_manage(viewer) and not filing.is_cancelled
    context = {
        "filing": filing,
        "steps": services.history_of(filing),
        "forms": [
            ("change", _("变更备案事项"), change or ChangeForm.of(filing)),
            ("cancel", _("注销备案"), cancel or CancelForm(prefix="cancel")),
        ]
        if may_manage
        else [],
    }
    return render(request, "agencies/office_detail.html", context)


@require_GET
@office_login_required
def agency_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One filing: its details, its history, and (for those who may) the change and
    cancellation forms."""
    viewer = viewer_of(request)
    if not services.may_view(viewer):
        return _refused(request)
    return _detail(request, viewer, _visible(viewer, public_id))


@require_POST
@office_login_required
def agency_change(request: HttpRequest, public_id: str) -> HttpResponse:
    viewer = viewer_of(request)
    if not services.may_manage(viewer):
        return _refused(request)
    filing = _visible(viewer, public_id)
    form = ChangeForm(request.POST, prefix="change")
    if form.is_valid():
        try:
            services.change_agency(
                viewer,
                filing,
                form.details(),
                changed_on=form.cleaned_data["changed_on"],
                note=form.cleaned_data["note"],
            )
        except services.AgencyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录变更"))
            return redirect("office_agencies:detail", public_id=filing.public_id)
    return _detail(request, viewer, filing, change=form)


@require_POST
@office_login_required
def agency_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    viewer = viewer_of(request)
    if not services.may_manage(viewer):
        return _refused(request)
    filing = _visible(viewer, public_id)
    form = CancelForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            services.cancel_agency(
                viewer,
                filing,
                reason=form.cleaned_data["reason"],
                cancelled_on=form.cleaned_data["cancelled_on"],
            )
        except services.AgencyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已注销备案，该机构的账号和 API 令牌已停用"))
            return redirect("office_agencies:detail", public_id=filing.public_id)
    return _detail(request, viewer, filing, cancel=form)
