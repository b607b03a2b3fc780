"""The subject's commitment pages in its account (/account/commitments/): its commitments
with their state, signing a new one (choose the type, the matter and the accepting unit,
read the text, agree and sign), and one commitment with its text and history.

Every page finds commitments through the signed-in member's own subject: another subject's
id in an address finds nothing (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xinyong.commitments import services
from xinyong.commitments.forms import SignForm
from xinyong.commitments.policy import ACCOUNT
from xinyong.commitments.services.publishing import needs_legal_rep
from xinyong.rights.models import SubjectMember
from xinyong.rights.session import account_context, subject_required

PREVIEW, SIGN, EDIT = "preview", "sign", "edit"


def _member(request: HttpRequest) -> SubjectMember:
    member: SubjectMember = request.member  # type: ignore[attr-defined]
    return member


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """What the account frame needs (`rights/account_base.html`), plus `extra`."""
    return {**account_context(request, "commitments"), **extra}


@require_GET
@subject_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    """The subject's commitments, newest first, with their state."""
    rows = list(services.commitments_of(_member(request).subject))
    return render(request, "commitments/account/list.html", _context(request, rows=rows))


@require_http_methods(["GET", "POST"])
@subject_required
def commitment_sign(request: HttpRequest) -> HttpResponse:
    """Sign a commitment in two steps: the form, then the text to agree to (or back to
    the form to change it)."""
    member = _member(request)
    form = SignForm(request.POST or None)
    shown: services.Draft | None = None
    step = request.POST.get("step", PREVIEW)
    if request.method == "POST" and step != EDIT and form.is_valid():
        data = form.cleaned_data
        try:
            shown = services.draft(
                member,
                type_code=data["type_code"],
                organisation_id=data["organisation"],
                matter=data["matter"],
            )
            if step == SIGN:
                commitment = services.sign(
                    member,
                    type_code=data["type_code"],
                    organisation_id=data["organisation"],
                    matter=data["matter"],
                    reference=data["reference"],
                    legal_rep=data["legal_rep"],
                    agreed=data["agreed"],
                    text_sha256=data["text_sha256"],
                )
                messages.success(request, _("承诺书已签署，编号 %s") % commitment.number)
                return redirect("commitments:detail", public_id=commitment.public_id)
        except services.CommitmentError as exc:
            form.add_error(None, exc.message)
    context = _context(
        request,
        form=form,
        draft=shown,
        needs_legal_rep=needs_legal_rep(member.subject.kind),
        types=services.policy().types_for(ACCOUNT),
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "commitments/account/sign.html", context, status=status)


@require_GET
@subject_required
def commitment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """One commitment: its text as signed, its state and history."""
    commitment = services.commitment_of(_member(request).subject, public_id)
    if commitment is None:
        raise Http404
    context = _context(request, commitment=commitment, events=services.history(commitment))
    return render(request, "commitments/account/detail.html", context)
