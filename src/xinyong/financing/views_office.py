"""Back-office financing pages (/office/financing/): a bank's queue of the requests addressed
to it, one request with its decisions and the decision form, the authorised credit profile
(each opening is one read in the subject's access log), and statistics — every bank's for
the credit office, its own for a bank.

Reviews are found through `services.review_for` (a request addressed to another bank is
"not found"); decisions and reads go through the services, whose refusals are shown.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from xinyong.core.permissions import Viewer
from xinyong.financing import services
from xinyong.financing.forms import DecisionForm, PeriodForm, StatusFilter
from xinyong.financing.models import NEXT_STATUSES, BankReview, RequestState
from xinyong.office.access import refused, viewer_of
from xinyong.office.views import office_login_required
from xinyong.subjects.services import display_name

PAGE_SIZE = 50
TITLE = _("融资对接")


def _not_bank(request: HttpRequest) -> HttpResponse:
    return refused(
        request, TITLE, _("融资需求由信用主体推送给所选银行，只有该银行的工作人员可以办理。")
    )


def _review(viewer: Viewer, public_id: str) -> BankReview:
    review = services.review_for(viewer, public_id)
    if review is None:
        raise Http404
    return review


@require_GET
@office_login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The requests addressed to the viewer's bank; the credit office goes to the figures."""
    viewer = viewer_of(request)
    if services.is_overseer(viewer):
        return redirect("office_financing:statistics")
    if not services.is_bank_staff(viewer):
        return _not_bank(request)
    filters = StatusFilter(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(services.bank_queue(viewer, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": [(review, display_name(review.request.subject)) for review in page],
        "filters": filters,
        "status": status,
        "today": timezone.localdate(),
    }
    return render(request, "financing/office/queue.html", context)


def _detail(
    request: HttpRequest, viewer: Viewer, review: BankReview, form: DecisionForm | None = None
) -> HttpResponse:
    financing = review.request
    today = timezone.localdate()
    may_decide = (
        services.may_decide(viewer, review)
        and financing.state == RequestState.OPEN
        and not review.is_final
    )
    if may_decide and form is None:
        form = DecisionForm(NEXT_STATUSES[review.status])
    context = {
        "review": review,
        "financing": financing,
        "subject": display_name(financing.subject),
        "code": financing.subject.uscc,
        "items": services.profile_names(financing),
        "decisions": services.decisions_of(review),
        "consent_state": review.consent.state(today),
        "may_read": services.may_decide(viewer, review) and financing.is_open_on(today),
        "form": form if may_decide else None,
    }
    return render(request, "financing/office/detail.html", context)


@require_GET
@office_login_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One request addressed to the viewer's bank, its decisions and the decision form."""
    viewer = viewer_of(request)
    return _detail(request, viewer, _review(viewer, public_id))


@require_GET
@office_login_required
def profile(request: HttpRequest, public_id: str) -> HttpResponse:
    """The credit profile the subject granted the bank, read now (one access-log entry per
    opening); back to the request with the reason when the read is refused."""
    viewer = viewer_of(request)
    review = _review(viewer, public_id)
    try:
        view = services.read_profile(viewer, review)
    except services.FinancingError as exc:
        messages.error(request, exc.message)
        return redirect("office_financing:detail", public_id=review.request.public_id)
    context = {"review": review, "financing": review.request, "view": view}
    return render(request, "financing/office/profile.html", context)


@require_POST
@office_login_required
def decide(request: HttpRequest, public_id: str) -> HttpResponse:
    """Record a decision; the page again with the reason if it is refused."""
    viewer = viewer_of(request)
    review = _review(viewer, public_id)
    form = DecisionForm(NEXT_STATUSES[review.status], request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                viewer,
                review,
                data["status"],
                note=data["note"],
                loan_amount=data["loan_amount"],
                loan_rate=data["loan_rate"],
                loan_term_months=data["loan_term_months"],
                loan_date=data["loan_date"],
            )
        except services.FinancingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已办理，结果已通知融资主体"))
            return redirect("office_financing:detail", public_id=review.request.public_id)
    return _detail(request, viewer, review, form)


@require_GET
@office_login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Requests, grants and loans by bank and by month (the credit office: every bank; a
    bank: its own)."""
    viewer = viewer_of(request)
    overseer = services.is_overseer(viewer)
    if not overseer and not services.is_bank_staff(viewer):
        return _not_bank(request)
    period = PeriodForm(request.GET or None)
    since: datetime.date | None = None
    until: datetime.date | None = None
    if period.is_valid():
        since, until = period.cleaned_data["since"], period.cleaned_data["until"]
    context = {
        "period": period,
        "stats": services.statistics(viewer, since=since, until=until),
        "overseer": overseer,
    }
    return render(request, "financing/office/statistics.html", context)
