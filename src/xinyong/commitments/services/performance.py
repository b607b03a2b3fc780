"""What the accepting unit records once a commitment has run: kept, broken, or withdrawn.

Fulfilment (已履约) closes the commitment and, when it was published, versions its XYCN
record with 履约. A breach (未履约, 违诺) needs the unit's decision number and the facts: it
versions the XYCN record with 未履约 and lands a negative record of the breach item with the
legal basis the catalogue gives it — the consequence the commitment's text announced. A
withdrawal (a commitment registered in error, or a matter abandoned) withdraws its XYCN
record. Only the accepting unit's acting staff take these steps, on a commitment in force;
each writes an event and an audit entry in one transaction and tells the subject.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from xinyong.commitments.models import Commitment, CommitmentState, EventKind
from xinyong.commitments.services.common import (
    MAX_DOC_NO,
    CommitmentError,
    accepting_staff,
    clean_text,
    locked,
    snapshot,
    step_day,
    write_event,
)
from xinyong.commitments.services.publishing import BROKEN, KEPT, publish, record_breach
from xinyong.core.permissions import Viewer
from xinyong.records import due_process
from xinyong.records.models import RecordState
from xinyong.rights.services import notify


def _in_force(commitment: Commitment) -> None:
    if not commitment.is_in_force:
        raise CommitmentError(
            "commitments.closed",
            _("承诺当前状态为“%s”，不能再办理") % commitment.get_state_display(),
        )


def _tell(commitment: Commitment, title: str, body: str) -> None:
    notify(
        commitment.subject,
        title=title,
        body=body,
        link=reverse("commitments:detail", args=[commitment.public_id]),
    )


def _doc_no_used() -> CommitmentError:
    return CommitmentError("commitments.doc_no_used", _("该认定文书号已用于本单位的另一项违诺认定"))


def fulfil(
    viewer: Viewer, commitment: Commitment, *, on: datetime.date | None = None, note: str = ""
) -> Commitment:
    """Record that the commitment was kept (on `on`, today unless given)."""
    organisation = accepting_staff(viewer, commitment)
    remark = clean_text(note, _("核查意见"), required=False)
    with transaction.atomic():
        current = locked(commitment)
        _in_force(current)
        day = step_day(on, current.signed_on)
        before = snapshot(current)
        current.state, current.closed_on = CommitmentState.FULFILLED, day
        if current.published_record_id is not None:
            publish(current, KEPT)
        write_event(current, EventKind.FULFIL, day, organisation.pk, {"note": remark}, before)
        _tell(
            current,
            _("信用承诺已履约：%s") % current.number,
            _("%(org)s 确认本主体已履行承诺。") % {"org": organisation.name},
        )
    return current


def breach(
    viewer: Viewer,
    commitment: Commitment,
    *,
    doc_no: str,
    facts: str,
    on: datetime.date | None = None,
) -> Commitment:
    """Record the unit's finding that the commitment was broken (decision `doc_no` of `on`,
    with the `facts`): XYCN shows 未履约 and a negative breach record is landed."""
    organisation = accepting_staff(viewer, commitment)
    number = clean_text(doc_no, _("认定文书号"), max_length=MAX_DOC_NO)
    facts_text = clean_text(facts, _("违背承诺的事实"))
    try:
        with transaction.atomic():
            current = locked(commitment)
            _in_force(current)
            day = step_day(on, current.signed_on)
            before = snapshot(current)
            used = Commitment.objects.filter(organisation=organisation, breach_doc_no=number)
            if used.exists():
                raise _doc_no_used()
            current.state, current.closed_on = CommitmentState.BREACHED, day
            current.breach_doc_no, current.breach_facts = number, facts_text
            current.save()
            if current.published_record_id is not None:
                publish(current, BROKEN)
            current.breach_record = record_breach(current)
            details = {"doc_no": number, "facts": facts_text}
            write_event(current, EventKind.BREACH, day, organisation.pk, details, before)
            _tell(
                current,
                _("信用承诺认定为未履约：%s") % current.number,
                _("%(org)s 认定本主体违背承诺（%(doc)s），违诺信息已记入信用记录并依法公示。")
                % {"org": organisation.name, "doc": number},
            )
    except IntegrityError as exc:  # the same number recorded by a concurrent request
        raise _doc_no_used() from exc
    return current


def withdraw(viewer: Viewer, commitment: Commitment, *, reason: str) -> Commitment:
    """Withdraw a commitment in force (registered in error, matter abandoned); its XYCN
    record leaves every public surface."""
    organisation = accepting_staff(viewer, commitment)
    why = clean_text(reason, _("撤销理由"))
    with transaction.atomic():
        current = locked(commitment)
        _in_force(current)
        before = snapshot(current)
        current.state = CommitmentState.WITHDRAWN
        current.closed_on = step_day(None, current.signed_on)
        record = current.published_record
        if record is not None and record.state == RecordState.ACTIVE:
            due_process.withdraw(record, reference=current.number, organisation_id=organisation.pk)
        write_event(
            current, EventKind.WITHDRAW, current.closed_on, organisation.pk, {"reason": why}, before
        )
        _tell(
            current,
            _("信用承诺已撤销：%s") % current.number,
            _("%(org)s 撤销了该承诺，理由：%(why)s") % {"org": organisation.name, "why": why},
        )
    return current
