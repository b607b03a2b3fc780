"""The daily escalation of objections the department has not answered in time.

An open objection whose last day for an answer (`due_on`) has passed is escalated to the
credit office's queue: `escalated_at` is set once, with an audit entry and a message in the
subject's inbox, and a second run, or a run days late, finds nothing more to do for it.
Before escalating, deadlines computed on a provisional calendar are settled for the years an
operator has loaded since.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.objections.models import Objection, ObjectionState
from xinyong.objections.services.common import (
    ObjectionError,
    audit_event,
    response_due,
    snapshot,
)
from xinyong.rights.services import notify

CHUNK = 500


def settle_deadlines() -> int:
    """Recompute the provisional deadlines the calendar now knows; how many changed."""
    changed = 0
    pending = Objection.objects.filter(state=ObjectionState.OPEN, due_provisional=True)
    for pk in pending.values_list("pk", flat=True):
        with transaction.atomic():
            objection = Objection.objects.select_for_update().select_related("subject").get(pk=pk)
            due, provisional = response_due(objection.filed_on)
            if provisional or not objection.due_provisional:
                continue
            before = snapshot(objection)
            objection.due_on, objection.due_provisional = due, False
            objection.save(update_fields=["due_on", "due_provisional"])
            audit.record_many([audit_event("objection.deadline", objection, before)])
            changed += 1
    return changed


def _escalate_chunk(day: datetime.date) -> list[str]:
    query = (
        Objection.objects.filter(
            state=ObjectionState.OPEN, escalated_at__isnull=True, due_on__lt=day
        )
        .select_related("subject")
        .order_by("pk")
    )
    if connection.vendor == "postgresql":
        query = query.select_for_update(of=("self",))
    objections = list(query[:CHUNK])
    if not objections:
        return []
    now = timezone.now()
    events = []
    for objection in objections:
        before = snapshot(objection)
        objection.escalated_at = now
        events.append(audit_event("objection.escalate", objection, before, run_for=day.isoformat()))
    Objection.objects.bulk_update(objections, ["escalated_at"])
    audit.record_many(events)
    for objection in objections:
        notify(
            objection.subject,
            title=_("异议已转信用办督办：%s") % objection.number,
            body=_("处理部门未在 %s 前答复，信用办已督促其办理。") % objection.due_on.isoformat(),
            link=reverse("objections:detail", args=[objection.public_id]),
        )
    return [objection.public_id for objection in objections]


def escalate_overdue(as_of: datetime.date | None = None) -> list[str]:
    """Escalate every open objection not answered by its last day before `as_of` (today by
    default) to the credit office; the public ids escalated. Idempotent; a future day is
    refused."""
    day = as_of or timezone.localdate()
    if day > timezone.localdate():
        raise ObjectionError("objections.future_date", _("不能按未来的日期督办异议"))
    escalated: list[str] = []
    while True:
        with transaction.atomic():
            chunk = _escalate_chunk(day)
        if not chunk:
            return escalated
        escalated.extend(chunk)


def daily(as_of: datetime.date) -> dict[str, Any]:
    """The objections' daily job (`XINYONG_DAILY_JOBS`): settle provisional deadlines, then
    escalate the overdue objections."""
    settled = settle_deadlines()
    return {"deadlines_settled": settled, "escalated": len(escalate_overdue(as_of))}
