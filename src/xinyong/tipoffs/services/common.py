"""What the tip-off services share: the refusal type, clean text, and the audit entry of a step.

Audit entries name the reported organisation by its linked subject's public id, a natural
person not at all, and hold no free text and nothing of the informant: the log is read by
people, including the credit office, who may not know who informed.
"""

from __future__ import annotations

import datetime
from typing import Any

from xinyong.core import audit
from xinyong.core.errors import ReasonedError, checked_text
from xinyong.tipoffs.models import ReportedKind, TipOff

OBJECT_TYPE = "tipoffs.tipoff"
MAX_FACTS = 2000
MAX_TEXT = 1000
MAX_NAME = 100


class TipOffError(ReasonedError, ValueError):
    """A refused tip-off step: a stable reason code and a message; nothing was written."""

    @property
    def code(self) -> str:
        return self.reason


def clean_text(value: str, label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    """`value` trimmed, ID numbers in it masked; refused when empty (if required) or long."""
    return checked_text(
        value,
        label,
        error=TipOffError,
        namespace="tipoffs",
        required=required,
        max_length=max_length,
    )


def snapshot(tipoff: TipOff) -> dict[str, Any]:
    """The tip-off as the audit log shows it (see the module doc)."""

    def day(value: datetime.date | None) -> str | None:
        return value.isoformat() if value else None

    person = tipoff.reported_kind == ReportedKind.PERSON
    return {
        "number": tipoff.number,
        "category": tipoff.category,
        "reported_kind": tipoff.reported_kind,
        "reported": None if person else tipoff.reported_name,
        "subject": tipoff.subject.public_id if tipoff.subject_id and tipoff.subject else None,
        "anonymous": tipoff.anonymous,
        "state": tipoff.state,
        "filed_on": day(tipoff.filed_on),
        "department": tipoff.department_id,
        "outcome": tipoff.outcome or None,
        "closed_on": day(tipoff.closed_on),
        "reward": str(tipoff.reward_amount) if tipoff.reward_amount is not None else None,
        "reward_decided_on": day(tipoff.reward_decided_on),
    }


def audit_event(action: str, tipoff: TipOff, before: Any, **details: Any) -> audit.AuditEvent:
    """The audit entry of a step: the tip-off before and after it, plus `details`."""
    return audit.AuditEvent(
        action=action,
        object_type=OBJECT_TYPE,
        object_id=tipoff.public_id,
        before=before,
        after={**snapshot(tipoff), **details},
        purpose=tipoff.number,
        organisation_id=tipoff.department_id,
    )
