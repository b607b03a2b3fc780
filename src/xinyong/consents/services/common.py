"""What the consent services share: the refusal type, the limits, and the audited view.

Refusal reasons are the API's problem codes as well (`consent.none`, `consent.expired`, …), so
a page, the API and the tests all name a refusal the same way.
"""

from __future__ import annotations

import datetime
from typing import Any

from xinyong.consents.models import Consent
from xinyong.core.errors import ReasonedError

OBJECT_TYPE = "consents.consent"
MAX_PURPOSE = 200
MAX_REFERENCE = 64
MAX_ITEMS = 50


class ConsentError(ReasonedError, ValueError):
    """A refused grant, revocation or read: a stable reason code and a message; nothing was
    written to the consent or the subject's access log."""

    @property
    def code(self) -> str:
        return self.reason


def one_year_after(day: datetime.date) -> datetime.date:
    """The same date a year later (29 February → 28 February): the longest a grant may run.

    A year matches what lenders ask for (a loan's review and its first year) while keeping the
    subject's exposure bounded; a longer relationship renews the grant, which the subject
    sees and can refuse."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def snapshot(consent: Consent) -> dict[str, Any]:
    """The consent as the audit log shows it: the subject by its public id, the grantee by
    its USCC, no free text (the purpose stays in the consent row)."""
    return {
        "number": consent.number,
        "subject": consent.subject.public_id,
        "organisation": consent.organisation.uscc,
        "items": list(consent.item_codes),
        "valid_from": consent.valid_from.isoformat(),
        "valid_until": consent.valid_until.isoformat(),
        "reference": consent.reference,
        "revoked_at": consent.revoked_at.isoformat() if consent.revoked_at else None,
    }
