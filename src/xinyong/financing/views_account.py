"""The subject's financing pages in its account (/account/financing/): its requests with each
bank's status, a new request (amount, term, purpose, the banks to send it to, the credit
profile they will be allowed to read), one request with the banks' decisions, and its
withdrawal.

Every page finds requests through the signed-in member's own subject: another subject's id
in an address finds nothing (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.financing import services
from xinyong.financing.forms import RequestForm
from xinyong.financing.models import FinancingRequest
from xinyong.financing.policy import financing_policy
from xinyong.rights.models import SubjectMember
from xinyong.rights.session import account_context, subject_required


def _member(request: HttpRequest) -> SubjectMember:
    member: SubjectMember = request.member  # type: ignore[attr-defined]
    return member


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """What the account frame needs (`rights/account_base.html`), plus `extra`."""
    return {**account_context(request, "financing"), **extra}


def _own(request: HttpRequest, public_id: str) -> FinancingRequest:
    found = services.request_of(_member(request).subject, public_id)
    if found is None:
        raise Http404
    return found


@require_GET
@subject_required
def request_list(request: HttpRequest) -> HttpResponse:
    """The subject's requests, newest first, with each bank's status."""
    member = _member(request)
    rows = services.requests_of(member.subject).prefetch_related("reviews__organisation")
    context = _context(
        request,
        rows=rows,
        today=timezone.localdate(),
        may_publish=services.may_publish(member),
    )
    return render(request, "financing/account/list.html", context)


@require_http_methods(["GET", "POST"])
@subject_required
def request_new(request: HttpRequest) -> HttpResponse:
    """Publish a financing request to chosen banks."""
    member = _member(request)
    banks = services.bank_choices()
    form = RequestForm(banks, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            published = services.publish(
                member,
                amount=data["amount"],
                term_months=data["term_months"],
                purpose=data["purpose"],
                notes=data["notes"],
                bank_ids=data["banks"],
            )
        except services.FinancingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("融资需求已发布，编号 %s") % published.number)
            return redirect("financing:detail", public_id=published.public_id)
    policy = financing_policy()
    context = _context(
        request,
        form=form,
        banks=banks,
        may_publish=services.may_publish(member),
        items=services.profile_items(member.subject),
        open_days=policy.open_days,
        max_banks=policy.max_banks,
    )
    return render(request, "financing/account/new.html", context)


@require_GET
@subject_required
def request_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One request: what was asked, what the banks may read and until when, and each bank's
    decisions."""
    found = _own(request, public_id)
    today = timezone.localdate()
    context = _context(
        request,
        financing=found,
        items=services.profile_names(found),
        reviews=[(r, r.consent.state(today)) for r in services.reviews_of(found)],
        is_open=found.is_open_on(today),
        today=today,
    )
    return render(request, "financing/account/detail.html", context)


@require_POST
@subject_required
def request_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    """Withdraw the request: the banks' consents are revoked at once."""
    found = _own(request, public_id)
    try:
        services.withdraw(_member(request), found.public_id)
    except services.FinancingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("融资需求已撤回，银行的查阅授权已撤销"))
    return redirect("financing:detail", public_id=found.public_id)
