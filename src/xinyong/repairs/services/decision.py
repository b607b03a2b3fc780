"""The department's decision on an accepted application: approve or deny.

An approval takes effect at once and in one transaction (RULES.md, credit repair):
- the record is marked repaired (`records.due_process.mark_repaired`): the public rule and
  the government-shared reads exclude it from that day, so it leaves every page, search
  count, API answer and export together, and sharing stops;
- every list entry in force that rests on the record is removed with the outcome "repair"
  (`lists.services.remove_by_outcome`), which lifts its measures: checks stop hitting;
- re-evaluation and the peer feeds are queued by the RECORD_REPAIRED event that
  `mark_repaired` writes in the same transaction;
- the decision document (信用修复决定书) is rendered, kept and hashed on the application;
- the subject is told in its account.
If any part is refused, nothing of it happens. A denial is a decision too: it carries its
reasons and a document (不予信用修复决定书).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.core.permissions import Viewer
from xinyong.lists.models import ListEntry, RemovalKind
from xinyong.lists.services import ListError, entries_resting_on, remove_by_outcome
from xinyong.records.due_process import DueProcessError, mark_repaired
from xinyong.repairs.models import RepairApplication, RepairState, StepKind
from xinyong.repairs.services.common import (
    MAX_DOC_NO,
    RepairError,
    clean_text,
    department_staff,
    last_step_day,
    locked,
    require_state,
    snapshot,
    step_day,
    tell_subject,
    write_step,
)
from xinyong.repairs.services.documents import render_decision, store_decision


def _decision_no(application: RepairApplication, value: str) -> str:
    number = clean_text(value, _("决定书文号"), max_length=MAX_DOC_NO)
    taken = RepairApplication.objects.filter(
        department_id=application.department_id, decision_no=number
    ).exclude(pk=application.pk)
    if taken.exists():
        raise RepairError("repairs.decision_no_taken", _("本部门已使用决定书文号 %s") % number)
    return number


def _lift(
    viewer: Viewer, application: RepairApplication, entries: list[ListEntry], day: datetime.date
) -> None:
    for entry in entries:
        try:
            remove_by_outcome(
                viewer,
                entry,
                outcome=RemovalKind.REPAIR,
                reference=application.decision_no,
                decided_on=day,
                note=_("信用修复申请 %s 准予修复") % application.public_id,
            )
        except ListError as exc:
            raise RepairError(exc.reason, exc.message) from exc


@dataclass(frozen=True)
class _Closing:
    department: Organisation
    day: datetime.date
    number: str
    text: str
    before: dict[str, Any]


def _close(
    viewer: Viewer,
    application: RepairApplication,
    state: str,
    decision_no: str,
    text: str,
    label: str,
    on: datetime.date | None,
) -> tuple[RepairApplication, _Closing]:
    """What approval and denial share, inside the caller's transaction: the locked
    application, checked and moved to `state` with its decision number, day and reasons."""
    application = locked(application)
    department = department_staff(viewer, application)
    require_state(application, RepairState.ACCEPTED)
    number = _decision_no(application, decision_no)
    cleaned = clean_text(text, label)
    day = step_day(on, after=last_step_day(application))
    before = snapshot(application)
    application.state = state
    application.closed_on, application.decision_no = day, number
    application.decision_reason = cleaned
    return application, _Closing(department, day, number, cleaned, before)


def approve(
    viewer: Viewer,
    application: RepairApplication,
    *,
    decision_no: str,
    opinion: str,
    on: datetime.date | None = None,
) -> RepairApplication:
    """Approve the repair (see the module doc for everything that happens at once)."""
    with transaction.atomic():
        application, closing = _close(
            viewer, application, RepairState.APPROVED, decision_no, opinion, _("审查意见"), on
        )
        department, day, number, text = (
            closing.department,
            closing.day,
            closing.number,
            closing.text,
        )
        lifted = entries_resting_on(application.record_id, after=day)
        # Rendered before the first audited write: the audit chain's lock is then held for
        # the writes only, not for the rendering.
        document = render_decision(application, [str(e.list_type.name) for e in lifted])
        try:
            mark_repaired(
                application.record, on=day, reference=number, organisation_id=department.pk
            )
        except DueProcessError as exc:
            raise RepairError(exc.code, exc.message) from exc
        _lift(viewer, application, lifted, day)
        store_decision(application, document)
        details = {
            "decision_no": number,
            "opinion": text,
            "lifted_entries": [entry.public_id for entry in lifted],
            "decision_pdf_sha256": application.decision_pdf_sha256,
        }
        write_step(application, StepKind.APPROVE, day, department.pk, details, closing.before)
        tell_subject(
            application,
            _("信用修复申请已准予"),
            _("该条信息已于 %s 终止公示并停止共享，可下载信用修复决定书。") % day.isoformat(),
        )
    return application


def deny(
    viewer: Viewer,
    application: RepairApplication,
    *,
    decision_no: str,
    reason: str,
    on: datetime.date | None = None,
) -> RepairApplication:
    """Deny the repair, with reasons the subject reads in the decision document."""
    with transaction.atomic():
        application, closing = _close(
            viewer, application, RepairState.DENIED, decision_no, reason, _("不予修复理由"), on
        )
        department, day, number, text = (
            closing.department,
            closing.day,
            closing.number,
            closing.text,
        )
        store_decision(application, render_decision(application, []))
        details = {
            "decision_no": number,
            "reason": text,
            "decision_pdf_sha256": application.decision_pdf_sha256,
        }
        write_step(application, StepKind.DENY, day, department.pk, details, closing.before)
        tell_subject(application, _("信用修复申请不予修复"), text)
    return application
