"""The only writer of a record's due-process state: the objection mark, withdrawal, repair.

Objections and repairs are decided in the rights apps; what they do to a record happens here,
each in the caller's transaction with an audit entry, so the public rule (`records.public`)
and the events the worker hands on (lists, evaluation, peer feeds) see one consistent state.
A correction is not here: it is a new version, made by the ingestion pipeline.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from xinyong.core import audit
from xinyong.records.models import EventKind, ObjectionMark, Record, RecordEvent, RecordState


class DueProcessError(Exception):
    """A change the record's state does not allow; `code` is stable, the message is Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _locked(record: Record) -> Record:
    return Record.objects.select_for_update().get(pk=record.pk)


def set_objection_mark(
    record: Record, mark: str, *, reference: str, organisation_id: int | None
) -> Record:
    """Mark `record` 异议处理中 (`mark` = marked or withheld) or clear the mark (`mark` = "").
    `reference` names the objection, for the audit trail."""
    if mark not in ObjectionMark.values:
        raise ValueError(f"unknown objection mark {mark!r}")
    with transaction.atomic():
        locked = _locked(record)
        before = locked.objection_mark
        if before == mark:
            return locked
        locked.objection_mark = mark
        locked.save(update_fields=["objection_mark", "updated_at"])
        audit.record(
            "record.objection_mark",
            "record",
            locked.pk,
            before={"objection_mark": before},
            after={"objection_mark": mark},
            purpose=reference,
            organisation_id=organisation_id,
        )
    return locked


def withdraw(record: Record, *, reference: str, organisation_id: int | None) -> Record:
    """Withdraw `record` (撤销, e.g. an objection found it should not exist): it leaves every
    surface; list entries resting on it are removed by the worker (RECORD_WITHDRAWN)."""
    with transaction.atomic():
        locked = _locked(record)
        if locked.state == RecordState.WITHDRAWN:
            raise DueProcessError("records.already_withdrawn", "该记录已撤销")
        locked.state = RecordState.WITHDRAWN
        locked.objection_mark = ObjectionMark.NONE
        locked.save(update_fields=["state", "objection_mark", "updated_at"])
        RecordEvent.objects.create(kind=EventKind.RECORD_WITHDRAWN, record=locked)
        audit.record(
            "record.withdraw",
            "record",
            locked.pk,
            before={"state": RecordState.ACTIVE},
            after={"state": RecordState.WITHDRAWN},
            purpose=reference,
            organisation_id=organisation_id,
        )
    return locked


def mark_repaired(
    record: Record, *, on: datetime.date, reference: str, organisation_id: int | None
) -> Record:
    """Record an approved credit repair: from `on`, publication and sharing stop (the public
    rule and the shared reads exclude repaired records). RECORD_REPAIRED tells later stages
    (re-evaluation, peer feeds)."""
    with transaction.atomic():
        locked = _locked(record)
        if locked.repaired_on is not None:
            raise DueProcessError("records.already_repaired", "该记录已完成信用修复")
        if locked.state != RecordState.ACTIVE:
            raise DueProcessError("records.not_active", "该记录已撤销，无需修复")
        locked.repaired_on = on
        locked.save(update_fields=["repaired_on", "updated_at"])
        RecordEvent.objects.create(kind=EventKind.RECORD_REPAIRED, record=locked)
        audit.record(
            "record.repair",
            "record",
            locked.pk,
            before={"repaired_on": None},
            after={"repaired_on": on.isoformat()},
            purpose=reference,
            organisation_id=organisation_id,
        )
    return locked
