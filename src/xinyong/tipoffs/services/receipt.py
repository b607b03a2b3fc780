"""Receipt codes: how an informant follows a tip-off without an account.

A code is 20 characters drawn at random from 31 unambiguous letters and digits (about 99
bits), shown once when the tip-off is filed and kept only as a keyed hash (HMAC, the data
key's hash key), so neither the database nor a copy of it can give a code back. A lookup
hashes whatever was typed and answers the same way for every code it does not find.
"""

from __future__ import annotations

import datetime
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from xinyong.core.crypto import blind_index
from xinyong.tipoffs.models import RECEIPT_CONTEXT, TipOff, TipOffState

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 20
GROUP = 4
MAX_TYPED = 64
"""Longer input is not a code; it is cut before hashing so a huge paste costs nothing."""


def new_receipt_code() -> str:
    """A fresh code, grouped for reading (`7KQ2-…`)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalised(code: str) -> str:
    """The code as hashed: full-width folded, upper-case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", code[:MAX_TYPED]).upper()
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def receipt_hash(code: str) -> str:
    return blind_index(normalised(code), context=RECEIPT_CONTEXT)


@dataclass(frozen=True)
class Status:
    """What the holder of a receipt code is told about the tip-off."""

    number: str
    state: str
    state_label: str
    category: str
    reported: str
    filed_on: datetime.date
    routed_on: datetime.date | None
    department: str
    investigation_started_on: datetime.date | None
    closed_on: datetime.date | None
    outcome: str
    outcome_summary: str
    reward_amount: Decimal | None
    reward_decided_on: datetime.date | None

    @property
    def closed(self) -> bool:
        return self.state == TipOffState.CLOSED


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def status_for(code: str) -> Status | None:
    """The status of the tip-off whose receipt code is `code`, or None for any other input."""
    digest = receipt_hash(code)
    tipoff = TipOff.objects.select_related("department").filter(receipt_hash=digest).first()
    if tipoff is None or len(normalised(code)) != LENGTH:
        return None
    closed = tipoff.state == TipOffState.CLOSED
    return Status(
        number=tipoff.number,
        state=tipoff.state,
        state_label=str(TipOffState(tipoff.state).label),
        category=tipoff.category_name,
        reported=tipoff.reported_name,
        filed_on=tipoff.filed_on,
        routed_on=_day(tipoff.routed_at),
        department=tipoff.department.name if tipoff.department else "",
        investigation_started_on=_day(tipoff.investigation_started_at),
        closed_on=tipoff.closed_on,
        outcome=tipoff.get_outcome_display() if closed else "",
        outcome_summary=tipoff.outcome_summary if closed else "",
        reward_amount=tipoff.reward_amount,
        reward_decided_on=tipoff.reward_decided_on,
    )
