"""Filing an objection: the subject's own active record, one open objection per record.

The record is marked at once (异议处理中, or withheld from publication when its catalogue
item says so) in the same transaction as the objection, so no surface shows it unmarked
after the subject was told the objection was received. Attachments are checked and kept by
`rights.files` before anything is written; a refused file keeps nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.objections.models import (
    RECORD_GROUNDS,
    Ground,
    Objection,
    ObjectionAttachment,
    new_public_id,
)
from xinyong.objections.services.common import (
    MAX_REFERENCE,
    ObjectionError,
    audit_event,
    clean_text,
    mark_for,
    response_due,
)
from xinyong.objections.services.queries import open_objection_on
from xinyong.records import due_process
from xinyong.records.models import Record, RecordState
from xinyong.rights.files import (
    MAX_FILES,
    EvidenceRefused,
    StoredFile,
    discard_evidence,
    store_evidence,
)
from xinyong.rights.models import SubjectMember
from xinyong.rights.services import notify

Upload = IO[bytes]


def may_object(member: SubjectMember, record: Record) -> bool:
    """Whether `member` may object to `record` now: its own subject's active record with no
    objection open (the service checks again when it is filed)."""
    return (
        member.is_active
        and record.subject_id == member.subject_id
        and record.state == RecordState.ACTIVE
        and open_objection_on(record) is None
    )


def _check(member: SubjectMember, record: Record, ground: str) -> None:
    if not member.is_active or record.subject_id != member.subject_id:
        raise ObjectionError("objections.not_own_record", _("只能对本主体的信用记录提出异议"))
    if record.state != RecordState.ACTIVE:
        raise ObjectionError("objections.record_withdrawn", _("该记录已撤销，无需提出异议"))
    if ground not in RECORD_GROUNDS:
        raise ObjectionError("objections.ground", _("请选择异议事项"))
    if open_objection_on(record) is not None:
        raise ObjectionError(
            "objections.already_open", _("该记录已有正在处理的异议，请等待答复后再提出")
        )


def file_evidence(objection: Objection, stored: Sequence[StoredFile]) -> None:
    """Keep `stored` as the new objection's attachments, in order, and audit the filing
    with their hashes (inside the filing's transaction)."""
    ObjectionAttachment.objects.bulk_create(
        ObjectionAttachment(
            objection=objection,
            position=position,
            name=kept.name,
            size=kept.size,
            content_type=kept.content_type,
            sha256=kept.sha256,
            stored_path=kept.stored_path,
        )
        for position, kept in enumerate(stored, start=1)
    )
    attached = [kept.sha256 for kept in stored]
    audit.record_many([audit_event("objection.file", objection, None, attachments=attached)])


def store_uploads(uploads: Sequence[Upload], folder: str) -> list[StoredFile]:
    """Check and keep the evidence files of an objection; all or none are kept."""
    if len(uploads) > MAX_FILES:
        raise ObjectionError("objections.too_many_files", _("最多上传 %d 个证明材料") % MAX_FILES)
    stored: list[StoredFile] = []
    try:
        for upload in uploads:
            stored.append(store_evidence(upload, folder))
    except EvidenceRefused as exc:
        for kept in stored:
            discard_evidence(kept)
        raise ObjectionError(exc.code, exc.message) from exc
    return stored


def file_objection(
    member: SubjectMember,
    record: Record,
    ground: str,
    reason: str,
    attachments: Sequence[Upload] = (),
    *,
    repair_reference: str = "",
) -> Objection:
    """File `member`'s subject's objection to `record` and mark the record; the subject's
    inbox gets the receipt with the answer's deadline. `ObjectionError` if refused."""
    _check(member, record, ground)
    reason_text = clean_text(reason, _("异议理由"))
    reference = clean_text(
        repair_reference, _("信用修复案号"), required=False, max_length=MAX_REFERENCE
    )
    if ground == Ground.REPAIR_RESULT and not reference:
        raise ObjectionError(
            "objections.repair_reference", _("对信用修复结果提出异议，请填写信用修复案号")
        )
    if ground != Ground.REPAIR_RESULT:
        reference = ""
    now = timezone.now()
    filed_on = timezone.localdate(now)
    due_on, provisional = response_due(filed_on)
    public_id = new_public_id()
    stored = store_uploads(attachments, f"objections/{public_id}")
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                public_id=public_id,
                subject=member.subject,
                record=record,
                organisation_id=record.organisation_id,
                filed_by=member,
                ground=ground,
                repair_reference=reference,
                reason=reason_text,
                mark=mark_for(record),
                filed_at=now,
                filed_on=filed_on,
                due_on=due_on,
                due_provisional=provisional,
            )
            due_process.set_objection_mark(
                record,
                objection.mark,
                reference=objection.number,
                organisation_id=record.organisation_id,
            )
            file_evidence(objection, stored)
            notify(
                member.subject,
                title=_("异议申请已受理：%s") % objection.number,
                body=_("您对 %(doc)s 提出的异议已转 %(org)s 处理，答复期限为 %(due)s。")
                % {
                    "doc": record.doc_no,
                    "org": record.organisation.name,
                    "due": due_on.isoformat(),
                },
                link=reverse("objections:detail", args=[objection.public_id]),
            )
    except BaseException as exc:
        for kept in stored:
            discard_evidence(kept)
        if isinstance(exc, IntegrityError):  # a second filing for the record won the race
            raise ObjectionError(
                "objections.already_open", _("该记录已有正在处理的异议，请等待答复后再提出")
            ) from exc
        raise
    return objection
