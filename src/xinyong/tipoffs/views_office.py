"""Back-office tip-off pages (/office/tipoffs/): the queue (every tip-off for the credit office,
those routed to it for a department), one tip-off with the step forms its viewer may use,
and the credit office's statistics.

Tip-offs are read through `services.visible_to` (anyone else's is "not found"); each step
goes through its service, whose refusal is shown on the page. The informant's contact details
appear only in the answer to the handling department's explicit, audited reveal (a POST), so
no ordinary page view or cache holds them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from xinyong.core.permissions import Viewer
from xinyong.office.access import refused, viewer_of
from xinyong.office.views import office_login_required
from xinyong.tipoffs import services
from xinyong.tipoffs.forms import (
    CloseForm,
    NoteForm,
    PeriodForm,
    RewardForm,
    RouteForm,
    StateFilter,
)
from xinyong.tipoffs.models import TipOff

PAGE_SIZE = 50


def _visible(viewer: Viewer, public_id: str) -> TipOff:
    tipoff = services.visible_to(viewer).filter(public_id=public_id[:32]).first()
    if tipoff is None:
        raise Http404
    return tipoff


@require_GET
@office_login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The tip-offs still to route or handle first, then the closed ones."""
    viewer = viewer_of(request)
    overseer = services.is_overseer(viewer)
    if not overseer and viewer.organisation_id is None:
        return refused(request, _("举报办理"), _("只有信用办和承办部门的工作人员可以办理举报。"))
    filters = StateFilter(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    page = Paginator(services.queue(viewer, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "filters": filters, "state": state, "overseer": overseer}
    return render(request, "tipoffs/office_queue.html", context)


@require_GET
@office_login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """By category, department and state, with the median days to close (credit office)."""
    viewer = viewer_of(request)
    period = PeriodForm(request.GET or None)
    since: datetime.date | None = None
    until: datetime.date | None = None
    if period.is_valid():
        since, until = period.cleaned_data["since"], period.cleaned_data["until"]
    figures = services.statistics(viewer, since=since, until=until)
    if figures is None:
        return refused(request, _("举报统计"), _("举报统计由信用办查看。"))
    context = {"period": period, "figures": figures, "overseer": True}
    return render(request, "tipoffs/office_statistics.html", context)


def _detail(
    request: HttpRequest,
    viewer: Viewer,
    tipoff: TipOff,
    *,
    status: int = 200,
    protected: services.Protected | None = None,
    bound: Mapping[str, forms.Form] | None = None,
) -> HttpResponse:
    bound = bound or {}
    may_route = services.may_route(viewer, tipoff)
    may_handle = services.may_handle(viewer, tipoff)
    may_reward = services.may_reward(viewer, tipoff)
    context: dict[str, Any] = {
        "tipoff": tipoff,
        "attachments": services.attachments_of(tipoff),
        "notes": services.notes_of(tipoff),
        "handles": services.handles(viewer, tipoff),
        "protected": protected,
        "route_form": bound.get("route_form")
        or (RouteForm(services.routing_choices(tipoff)) if may_route else None),
        "note_form": bound.get("note_form") or (NoteForm() if may_handle else None),
        "close_form": bound.get("close_form") or (CloseForm() if may_handle else None),
        "reward_form": bound.get("reward_form") or (RewardForm() if may_reward else None),
        "overseer": services.is_overseer(viewer),
    }
    return render(request, "tipoffs/office_detail.html", context, status=status)


@require_GET
@office_login_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    viewer = viewer_of(request)
    return _detail(request, viewer, _visible(viewer, public_id))


@require_POST
@never_cache
@office_login_required
def reveal(request: HttpRequest, public_id: str) -> HttpResponse:
    """The tip-off with the informant's contact details, for the handling department."""
    viewer = viewer_of(request)
    tipoff = _visible(viewer, public_id)
    try:
        protected = services.reveal(viewer, tipoff)
    except services.TipOffError as exc:
        messages.error(request, exc.message)
        return redirect("office_tipoffs:detail", public_id=tipoff.public_id)
    return _detail(request, viewer, tipoff, protected=protected)


FormFor = Callable[[TipOff, QueryDict], forms.Form]
Act = Callable[[Viewer, TipOff, dict[str, Any]], object]


def _step(
    request: HttpRequest, public_id: str, form_name: str, form_for: FormFor, act: Act, done: Promise
) -> HttpResponse:
    """One step on a tip-off from its form: the service's refusal, or an invalid form, shows
    the tip-off again with the form (as `form_name`) and its errors (400); success returns
    to it."""
    viewer = viewer_of(request)
    tipoff = _visible(viewer, public_id)
    form = form_for(tipoff, request.POST)
    if form.is_valid():
        try:
            act(viewer, tipoff, form.cleaned_data)
        except services.TipOffError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, str(done))
            return redirect("office_tipoffs:detail", public_id=tipoff.public_id)
    return _detail(request, viewer, tipoff, status=400, bound={form_name: form})


@require_POST
@office_login_required
def route(request: HttpRequest, public_id: str) -> HttpResponse:
    return _step(
        request,
        public_id,
        "route_form",
        lambda tipoff, data: RouteForm(services.routing_choices(tipoff), data),
        lambda viewer, tipoff, data: services.route(
            viewer, tipoff, data["department"], data["note"]
        ),
        _("已转办"),
    )


@require_POST
@office_login_required
def note(request: HttpRequest, public_id: str) -> HttpResponse:
    return _step(
        request,
        public_id,
        "note_form",
        lambda _tipoff, data: NoteForm(data),
        lambda viewer, tipoff, data: services.add_note(viewer, tipoff, data["text"]),
        _("已记录"),
    )


@require_POST
@office_login_required
def close(request: HttpRequest, public_id: str) -> HttpResponse:
    return _step(
        request,
        public_id,
        "close_form",
        lambda _tipoff, data: CloseForm(data),
        lambda viewer, tipoff, data: services.close(
            viewer, tipoff, data["outcome"], data["summary"]
        ),
        _("已办结，举报人可凭回执码查看办理结果"),
    )


@require_POST
@office_login_required
def reward(request: HttpRequest, public_id: str) -> HttpResponse:
    return _step(
        request,
        public_id,
        "reward_form",
        lambda _tipoff, data: RewardForm(data),
        lambda viewer, tipoff, data: services.record_reward(
            viewer,
            tipoff,
            amount=data["amount"],
            decided_on=data["decided_on"],
            decided_by=data["decided_by"],
        ),
        _("已记录举报奖励"),
    )


@require_GET
@office_login_required
def attachment(request: HttpRequest, public_id: str, position: int) -> HttpResponse:
    """One of the informant's files, as a download."""
    opened = services.open_attachment(_visible(viewer_of(request), public_id), position)
    if opened is None:
        raise Http404
    kept, handle = opened
    with handle:
        response = HttpResponse(handle.read(), content_type=kept.content_type)
    header = content_disposition_header(True, kept.name)
    assert header is not None  # always set for an attachment
    response["Content-Disposition"] = header
    return response
