"""The subject's consent pages in its account (/account/consents/): its grants to agencies
and banks (active, expired, revoked) with a button to revoke each at once, and the form for a
new grant. The reads made under the grants are in 谁查询了我 (`rights.views.access`).

Every page finds consents through the signed-in member's own subject: another subject's
consent id finds nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.consents import services
from xinyong.consents.forms import GrantForm
from xinyong.rights.models import SubjectMember
from xinyong.rights.session import account_context, subject_required


def _member(request: HttpRequest) -> SubjectMember:
    member: SubjectMember = request.member  # type: ignore[attr-defined]
    return member


@require_GET
@subject_required
def consent_list(request: HttpRequest) -> HttpResponse:
    """The subject's grants, newest first, with their state and items."""
    subject = _member(request).subject
    consents = services.consents_of(subject)
    names = services.item_names(code for c in consents for code in c.item_codes)
    today = timezone.localdate()
    rows = [
        {
            "consent": c,
            "state": c.state(today),
            "items": [names.get(code, code) for code in c.item_codes],
        }
        for c in consents
    ]
    context: dict[str, Any] = {
        **account_context(request, "consents"),
        "rows": rows,
        "api_key": services.api_key(subject),
    }
    return render(request, "consents/account_list.html", context)


@require_http_methods(["GET", "POST"])
@subject_required
def consent_new(request: HttpRequest) -> HttpResponse:
    """Grant an agency or bank reads of chosen catalogue items."""
    member = _member(request)
    form = GrantForm(member.subject, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                consent = services.grant(
                    member,
                    organisation=form.chosen_organisation(),
                    item_codes=data["items"],
                    purpose=data["purpose"],
                    valid_until=data["valid_until"],
                )
            except services.ConsentError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("已授权 %(org)s 查询，授权书号 %(number)s")
                    % {"org": consent.organisation.name, "number": consent.number},
                )
                return redirect("consents:list")
        status = 400
    context = {**account_context(request, "consents"), "form": form}
    return render(request, "consents/account_new.html", context, status=status)


@require_POST
@subject_required
def consent_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    """Revoke one grant at once; the organisation's next read under it is refused."""
    try:
        consent = services.revoke(_member(request), public_id)
    except services.ConsentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已撤回对 %(org)s 的授权（授权书号 %(number)s），即时生效")
            % {"org": consent.organisation.name, "number": consent.number},
        )
    return redirect("consents:list")
