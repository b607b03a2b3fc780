"""What the objection services share: the refusal type, clean text, the response deadline,
the mark a record's catalogue item asks for, and the audit entry of a change.

Free text (reasons, replies) is stored with ID-number-shaped runs masked. Audit entries name
the subject by its public id and hold no free text.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from xinyong.catalog.schema import Item, as_loose
from xinyong.catalog.services import PolicyLookupError, deadline_for
from xinyong.core import audit
from xinyong.core import calendar as working_calendar
from xinyong.core.errors import ReasonedError, checked_text
from xinyong.objections.models import Objection
from xinyong.records.models import ObjectionMark, Record

OBJECT_TYPE = "objections.objection"
DEADLINE_KEY = "objection_response"
MAX_TEXT = 2000
MAX_REFERENCE = 100


class ObjectionError(ReasonedError, ValueError):
    """A refused objection step: a stable reason code and a message; nothing was written."""

    @property
    def code(self) -> str:
        return self.reason


def clean_text(value: str, label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    """`value` trimmed, ID numbers in it masked; refused when empty (if required) or long."""
    return checked_text(
        value,
        label,
        error=ObjectionError,
        namespace="objections",
        required=required,
        max_length=max_length,
    )


def response_due(filed_on: datetime.date) -> tuple[datetime.date, bool]:
    """The last day of the department's answer to an objection filed on `filed_on`: the
    policy's `objection_response` working days after it, and whether the calendar of a year
    it crosses is not loaded yet (then counted Monday–Friday, recomputed once it is)."""
    try:
        rule = deadline_for(DEADLINE_KEY, filed_on)
    except PolicyLookupError as exc:
        raise ObjectionError("objections.no_deadline", exc.message) from exc
    return working_calendar.add_working_days_provisional(filed_on, rule.working_days)


def item_of(record: Record) -> Item:
    """The record's catalogue item as currently defined."""
    return as_loose(Item, record.item.definition)


def mark_for(record: Record) -> str:
    """The objection mark the record's catalogue item asks for while an objection is open."""
    withhold = item_of(record).objection == "withhold"
    return ObjectionMark.WITHHELD.value if withhold else ObjectionMark.MARKED.value


def objected_to(objection: Objection) -> str:
    """What the objection is about, in a few words: the record's document number, or the
    model whose grade it contests."""
    if objection.record is not None:
        return objection.record.doc_no
    assert objection.score is not None  # an objection names a record or a score
    return _("%s评价结果") % objection.score.model_version.name


def snapshot(objection: Objection) -> dict[str, Any]:
    """The objection as the audit log shows it (the subject by its public id, no free text)."""

    def day(value: datetime.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "number": objection.number,
        "subject": objection.subject.public_id,
        "record": objection.record_id,
        "score": objection.score_id,
        "new_score": objection.new_score_id,
        "organisation": objection.organisation_id,
        "ground": objection.ground,
        "repair_reference": objection.repair_reference,
        "state": objection.state,
        "mark": objection.mark,
        "filed_on": day(objection.filed_on),
        "due_on": day(objection.due_on),
        "due_provisional": objection.due_provisional,
        "escalated": objection.escalated_at is not None,
        "answered_on": day(objection.answered_on),
        "corrected_version": objection.corrected_version_id,
        "reply_sha256": objection.reply_sha256 or None,
    }


def audit_event(action: str, objection: Objection, before: Any, **details: Any) -> audit.AuditEvent:
    """The audit entry of a change: the objection before and after it, plus `details`."""
    return audit.AuditEvent(
        action=action,
        object_type=OBJECT_TYPE,
        object_id=objection.public_id,
        before=before,
        after={**snapshot(objection), **details},
        purpose=objection.number,
        organisation_id=objection.organisation_id,
    )
