"""The public tip-off pages: the report form (/tipoffs/new/) and the status lookup by receipt
code (/tipoffs/status/). No account is needed for either.

Spam is held off without any third party: each address is rate-limited
(`XINYONG_RATE_LIMITS["tipoff"]` and `["tipoff_status"]`), sizes are capped by the form and the
services, and every report answers a one-time sum (`tipoffs.challenge`). A refused report is
shown again with everything typed (files must be chosen again: a browser cannot be handed
them back). The receipt code is shown once, in the answer to the report itself, never in an
address, and pages that carry it are not cached.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from xinyong.core.privacy import mask_in_text
from xinyong.core.ratelimit import limit_anonymous
from xinyong.records.public import find_public_subject
from xinyong.subjects.models import SubjectKind
from xinyong.tipoffs import challenge, services
from xinyong.tipoffs.forms import ReceiptForm, TipOffForm
from xinyong.tipoffs.models import ReportedKind
from xinyong.tipoffs.policy import tipoff_policy


def _initial(request: HttpRequest) -> dict[str, Any]:
    """The organisation a subject page's "举报失信行为" link names (`?subject=<public id>`);
    nothing for a natural person, whose page offers no such link."""
    public_id = request.GET.get("subject", "")[:22]
    subject = find_public_subject(public_id=public_id) if public_id else None
    if subject is None or subject.is_person:
        return {}
    kind = (
        ReportedKind.INDIVIDUAL_BUSINESS
        if subject.kind == SubjectKind.INDIVIDUAL_BUSINESS
        else ReportedKind.ORGANISATION
    )
    return {"reported_kind": kind, "reported_name": subject.name, "reported_code": subject.uscc}


def _form_page(
    request: HttpRequest, form: TipOffForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    policy = tipoff_policy()
    context = {
        "form": form,
        "question": challenge.issue(request),
        "error": error,
        "files_dropped": bool(request.FILES),
        "categories": policy.categories,
        "reward_note": policy.reward_note,
    }
    return render(request, "tipoffs/new.html", context, status=status)


def _without_id_numbers(request: HttpRequest, categories: list[tuple[str, str]]) -> TipOffForm:
    """The posted form again, minus the code field and any ID number in the name: a refused
    ID number is not shown back, not even to whoever typed it."""
    data = request.POST.copy()
    data["reported_code"] = ""
    data["reported_name"] = mask_in_text(data.get("reported_name", ""))
    return TipOffForm(categories, data)


@require_http_methods(["GET", "POST"])
@never_cache
@limit_anonymous("tipoff")
def new(request: HttpRequest) -> HttpResponse:
    """The report form; a report that passes shows its receipt code, once."""
    categories = tipoff_policy().choices()
    if request.method != "POST":
        return _form_page(request, TipOffForm(categories, initial=_initial(request)))
    form = TipOffForm(categories, request.POST, request.FILES)
    answered = challenge.passes(
        request, request.POST.get("challenge", ""), request.POST.get("answer", "")
    )
    if not answered:
        error = _("验证题答案不正确或已失效，请计算下面的新题目后再提交。")
        return _form_page(request, form, error=error, status=400)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        filed = services.file_tipoff(form.report(), form.cleaned_data["attachments"])
    except services.TipOffError as exc:
        if exc.reason == "tipoffs.id_number":
            form = _without_id_numbers(request, categories)
        return _form_page(request, form, error=exc.message, status=400)
    context = {"tipoff": filed.tipoff, "code": filed.receipt_code}
    return render(request, "tipoffs/receipt.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
@limit_anonymous("tipoff_status")
def status(request: HttpRequest) -> HttpResponse:
    """The status of the tip-off a posted receipt code names. Every code that names none —
    mistyped, made up, malformed — gets the same answer."""
    found: services.Status | None = None
    looked_up = request.method == "POST"
    if looked_up:
        typed = ReceiptForm(request.POST)
        found = services.status_for(typed.cleaned_data["code"]) if typed.is_valid() else None
    context = {"form": ReceiptForm(), "status": found, "missed": looked_up and found is None}
    return render(request, "tipoffs/status.html", context)
