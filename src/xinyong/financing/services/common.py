"""What the financing services share: the refusal type, checked text and amounts, and the
audit entries of a change.

Audit entries name the subject by its public id and hold figures and states, not the
subject's or the bank's free text.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.core.errors import ReasonedError, checked_text
from xinyong.financing.models import BankReview, FinancingRequest, ReviewDecision
from xinyong.financing.policy import Bounds

REQUEST_TYPE = "financing.request"
REVIEW_TYPE = "financing.review"
MAX_PURPOSE = 200
MAX_TEXT = 2000
CENT = Decimal("0.01")


class FinancingError(ReasonedError, ValueError):
    """A refused financing step: a stable reason code and a message; nothing was written."""


def clean_text(value: str, label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    """`value` trimmed, ID numbers in it masked; refused when empty (if required) or long."""
    return checked_text(
        value,
        label,
        error=FinancingError,
        namespace="financing",
        required=required,
        max_length=max_length,
    )


def checked_decimal(value: object, label: str, bounds: Bounds, reason: str) -> Decimal:
    """`value` as a decimal of at most two places within `bounds`; refused otherwise."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise FinancingError(reason, _("%s应为数字") % label) from None
    if not number.is_finite() or number != number.quantize(CENT):
        raise FinancingError(reason, _("%s最多保留两位小数") % label)
    if not bounds.min <= number <= bounds.max:
        raise FinancingError(
            reason,
            _("%(label)s应在 %(min)s 至 %(max)s 之间")
            % {"label": label, "min": bounds.min, "max": bounds.max},
        )
    return number.quantize(CENT)


def checked_int(value: object, label: str, bounds: Bounds, reason: str) -> int:
    """`value` as a whole number within `bounds`; refused otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FinancingError(reason, _("%s应为整数") % label)
    text = str(value).strip()
    if not text.isdigit():
        raise FinancingError(reason, _("%s应为整数") % label)
    number = int(text)
    if not bounds.min <= number <= bounds.max:
        raise FinancingError(
            reason,
            _("%(label)s应在 %(min)s 至 %(max)s 之间")
            % {"label": label, "min": bounds.min, "max": bounds.max},
        )
    return number


def request_snapshot(request: FinancingRequest) -> dict[str, Any]:
    """The request as the audit log shows it (the subject by its public id, no free text)."""
    return {
        "number": request.number,
        "subject": request.subject.public_id,
        "amount": str(request.amount),
        "term_months": request.term_months,
        "items": list(request.item_codes),
        "state": request.state,
        "published_on": request.published_on.isoformat(),
        "valid_until": request.valid_until.isoformat(),
    }


def review_snapshot(review: BankReview) -> dict[str, Any]:
    return {
        "request": review.request.number,
        "organisation": review.organisation_id,
        "consent": review.consent.public_id,
        "status": review.status,
    }


def decision_details(decision: ReviewDecision) -> dict[str, Any]:
    """A decision's figures for the audit log (the note is not copied)."""
    details: dict[str, Any] = {"decision": decision.status}
    if decision.loan_amount is not None:
        details["loan"] = {
            "amount": str(decision.loan_amount),
            "rate": str(decision.loan_rate),
            "term_months": decision.loan_term_months,
            "date": decision.loan_date.isoformat() if decision.loan_date else None,
        }
    return details


def review_event(action: str, review: BankReview, before: Any, **details: Any) -> audit.AuditEvent:
    """The audit entry of a step on a bank's review, filed under the bank."""
    return audit.AuditEvent(
        action=action,
        object_type=REVIEW_TYPE,
        object_id=f"{review.request.public_id}:{review.organisation_id}",
        before=before,
        after={**review_snapshot(review), **details},
        purpose=review.request.number,
        organisation_id=review.organisation_id,
    )
