"""A bank's side of a request: opening the authorised credit profile and recording decisions.

Both are for the addressed bank's deciding staff only (checked here, whatever the page
offered). The profile is read through `consents.authorised_view`, which writes the read to
the subject's access log; a withdrawn request or an expired or revoked consent is refused.
Each decision is audited and put in the subject's inbox.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.consents import services as consents
from xinyong.core import audit
from xinyong.core.permissions import Viewer
from xinyong.financing.models import (
    NEXT_STATUSES,
    BankReview,
    RequestState,
    ReviewDecision,
    ReviewStatus,
)
from xinyong.financing.permissions import BANK_KINDS, DECIDING_ROLES
from xinyong.financing.policy import financing_policy
from xinyong.financing.services.common import (
    FinancingError,
    checked_decimal,
    checked_int,
    clean_text,
    decision_details,
    review_event,
    review_snapshot,
)
from xinyong.rights.services import notify


def may_decide(viewer: Viewer, review: BankReview) -> bool:
    """Whether `viewer` is deciding staff of the bank `review` is addressed to."""
    return (
        viewer.user_id is not None
        and viewer.organisation_kind in BANK_KINDS
        and viewer.organisation_id == review.organisation_id
        and bool(viewer.roles & DECIDING_ROLES)
    )


def _require_bank(viewer: Viewer, review: BankReview) -> int:
    """The acting user's id, once `viewer` is known to be the addressed bank's deciding staff."""
    if viewer.user_id is None or not may_decide(viewer, review):
        raise FinancingError("financing.not_your_bank", _("只有该银行的经办人员可以办理此融资需求"))
    return viewer.user_id


def read_profile(viewer: Viewer, review: BankReview) -> consents.AuthorisedView:
    """The credit profile the subject granted `review`'s bank with the request, read now;
    `consents.authorised_view` writes the read to the subject's access log and the audit log.
    Refused once the request is withdrawn or its consent expired or revoked."""
    _require_bank(viewer, review)
    request = review.request
    if request.state != RequestState.OPEN:
        raise FinancingError("financing.withdrawn", _("融资需求已撤回，授权已撤销"))
    try:
        return consents.authorised_view(
            review.consent, purpose=_("融资授信审查"), reference=request.number
        )
    except consents.ConsentError as exc:
        raise FinancingError(exc.reason, exc.message) from exc


def _loan_date(value: datetime.date | None, published_on: datetime.date) -> datetime.date:
    if value is None:
        raise FinancingError("financing.loan_date", _("请填写放款日期"))
    if value > timezone.localdate():
        raise FinancingError("financing.loan_date", _("放款日期不能晚于今天"))
    if value < published_on:
        raise FinancingError("financing.loan_date", _("放款日期不能早于融资需求发布日期"))
    return value


def _decision(
    review: BankReview,
    status: str,
    note: str,
    loan: tuple[object, object, object, datetime.date | None],
) -> ReviewDecision:
    """The decision to record, checked (not saved)."""
    if status not in NEXT_STATUSES.get(review.status, ()):
        raise FinancingError(
            "financing.status",
            _("当前状态“%(now)s”下不能办理为“%(to)s”")
            % {
                "now": review.get_status_display(),
                "to": dict(ReviewStatus.choices).get(status, status),
            },
        )
    decision = ReviewDecision(review=review, status=status)
    needs_note = status in (ReviewStatus.DECLINED, ReviewStatus.MORE_INFO)
    label = _("未通过原因") if status == ReviewStatus.DECLINED else _("说明")
    if status == ReviewStatus.MORE_INFO:
        label = _("需补充的材料")
    decision.note = clean_text(note, label, required=needs_note)
    if status == ReviewStatus.GRANTED:
        policy = financing_policy()
        amount, rate, term, day = loan
        decision.loan_amount = checked_decimal(
            amount, _("放款金额（万元）"), policy.amount_wan, "financing.loan_amount"
        )
        decision.loan_rate = checked_decimal(
            rate, _("年利率（%）"), policy.loan_rate_percent, "financing.loan_rate"
        )
        decision.loan_term_months = checked_int(
            term, _("贷款期限（月）"), policy.term_months, "financing.loan_term"
        )
        decision.loan_date = _loan_date(day, review.request.published_on)
    return decision


def decide(
    viewer: Viewer,
    review: BankReview,
    status: str,
    *,
    note: str = "",
    loan_amount: Decimal | str | None = None,
    loan_rate: Decimal | str | None = None,
    loan_term_months: int | str | None = None,
    loan_date: datetime.date | None = None,
) -> ReviewDecision:
    """Record the bank's decision on `review` (受理, 放款 with its terms, 未通过 with the
    reason, 需补充材料 with what is needed) and tell the subject. `FinancingError` if refused."""
    user_id = _require_bank(viewer, review)
    loan = (loan_amount, loan_rate, loan_term_months, loan_date)
    with transaction.atomic():
        locked = (
            BankReview.objects.select_for_update()
            .select_related("request", "request__subject", "organisation", "consent")
            .get(pk=review.pk)
        )
        if locked.request.state != RequestState.OPEN:
            raise FinancingError("financing.withdrawn", _("融资需求已撤回，不能再办理"))
        decision = _decision(locked, status, note, loan)
        before = review_snapshot(locked)
        now = timezone.now()
        decision.decided_at, decision.decided_by_id = now, user_id
        decision.save()
        locked.status, locked.updated_at = status, now
        locked.save(update_fields=["status", "updated_at"])
        audit.record_many(
            [review_event("financing.decide", locked, before, **decision_details(decision))]
        )
        request = locked.request
        notify(
            request.subject,
            title=_("融资需求 %(number)s：%(bank)s %(status)s")
            % {
                "number": request.number,
                "bank": locked.organisation.name,
                "status": decision.get_status_display(),
            },
            body=decision.note,
            link=reverse("financing:detail", args=[request.public_id]),
        )
    review.status, review.updated_at = locked.status, locked.updated_at
    return decision
