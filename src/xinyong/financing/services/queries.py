"""Reading financing requests: a subject's own with each bank's status, and a bank's queue of
the requests addressed to it (through `restrict()`, so another bank's are never found)."""

from __future__ import annotations

from django.db.models import QuerySet

from xinyong.consents import services as consents
from xinyong.core.permissions import Viewer
from xinyong.financing.models import BankReview, FinancingRequest, ReviewDecision
from xinyong.financing.permissions import BANK_KINDS, CREDIT_OFFICE_KINDS, OVERSEEING_ROLES
from xinyong.subjects.models import Subject


def requests_of(subject: Subject) -> QuerySet[FinancingRequest]:
    """The subject's own requests, newest first (for its account)."""
    return FinancingRequest.objects.filter(subject=subject)


def request_of(subject: Subject, public_id: str) -> FinancingRequest | None:
    """One of the subject's requests; None for another subject's or an unknown id."""
    return requests_of(subject).filter(public_id=public_id[:32]).first()


def profile_names(request: FinancingRequest) -> list[str]:
    """The names of the catalogue items a request's banks were granted, in the grant's order."""
    names = consents.item_names(request.item_codes)
    return [names.get(code, code) for code in request.item_codes]


def reviews_of(request: FinancingRequest) -> list[BankReview]:
    """Every bank's review of a request, with its consent and decisions (for the subject)."""
    return list(
        request.reviews.select_related("organisation", "consent")
        .prefetch_related("decisions")
        .order_by("pk")
    )


def is_bank_staff(viewer: Viewer) -> bool:
    """Whether `viewer` works for an active bank (the queue's audience)."""
    return viewer.organisation_kind in BANK_KINDS and viewer.organisation_id is not None


def is_overseer(viewer: Viewer) -> bool:
    """Whether `viewer` watches every bank's figures (the credit office)."""
    return viewer.organisation_kind in CREDIT_OFFICE_KINDS and (
        viewer.is_superuser or bool(viewer.roles & OVERSEEING_ROLES)
    )


def bank_queue(viewer: Viewer, *, status: str = "") -> QuerySet[BankReview]:
    """The viewer's bank's reviews, open requests' newest first; `status` narrows them."""
    if viewer.organisation_id is None:
        return BankReview.objects.none()
    reviews = BankReview.objects.restrict(viewer).filter(organisation_id=viewer.organisation_id)
    if status:
        reviews = reviews.filter(status=status)
    return reviews.select_related("request", "request__subject").order_by(
        "request__state", "-request__published_at", "-pk"
    )


def review_for(viewer: Viewer, public_id: str) -> BankReview | None:
    """The viewer's bank's review of request `public_id`; None for a request addressed
    elsewhere, whoever asks."""
    if viewer.organisation_id is None:
        return None
    return (
        BankReview.objects.restrict(viewer)
        .filter(request__public_id=public_id[:32], organisation_id=viewer.organisation_id)
        .select_related("request", "request__subject", "organisation", "consent")
        .first()
    )


def decisions_of(review: BankReview) -> list[ReviewDecision]:
    return list(review.decisions.select_related("decided_by").order_by("decided_at", "pk"))
