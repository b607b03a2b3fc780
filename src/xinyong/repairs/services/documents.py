"""The documents of credit repair: the decision (信用修复决定书, or 不予信用修复决定书) and
the notice of repair rights that accompanies every penalty and listing (信用修复告知书,
两书同达).

A decision is rendered once, when it is made, and kept under the var directory with its
SHA-256 on the application: the subject downloads the very document the department issued
(WeasyPrint stamps a creation time, so rendering again would not give the same bytes). A
notice is rendered on demand from the record and the policy in force.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.catalog.models import ListKind, ListType
from xinyong.catalog.services import PolicyLookupError, PublicationRules
from xinyong.core.pdf import PdfDocument, render_pdf
from xinyong.core.privacy import mask_in_text
from xinyong.records.models import Record
from xinyong.records.public import shown_record
from xinyong.repairs.models import RepairApplication, RepairState
from xinyong.repairs.policy import repair_policy
from xinyong.repairs.services.common import (
    ACCEPTANCE_DEADLINE,
    DECISION_DEADLINE,
    PLATFORM_DEADLINE,
    RepairError,
    deadline_days,
)
from xinyong.repairs.services.options import (
    chinese_date,
    notice_applies,
    punishment_list_items,
    subject_code,
)
from xinyong.subjects.services import display_name

DECISION_TEMPLATE = "repairs/pdf/decision.html"
NOTICE_TEMPLATE = "repairs/pdf/notice.html"


def _folder(public_id: str) -> Path:
    return Path(settings.XINYONG_VAR_DIR) / "repairs" / public_id[:2] / public_id


def render_decision(application: RepairApplication, lifted: list[str]) -> PdfDocument:
    """The decision document of a decided application (`lifted`: names of the lists the
    subject was removed from by it)."""
    record = application.record
    subject = application.subject
    approved = application.state == RepairState.APPROVED
    assert application.closed_on is not None
    context: dict[str, Any] = {
        "title": _("信用修复决定书") if approved else _("不予信用修复决定书"),
        "approved": approved,
        "decision_no": application.decision_no,
        "subject_name": display_name(subject),
        "subject_code": subject_code(subject),
        "is_person": subject.is_person,
        "basis": repair_policy().basis_text(),
        "item_name": record.item.name,
        "record_doc_no": mask_in_text(record.doc_no),
        "record_department": record.organisation.name,
        "record_date": chinese_date(record.decision_date),
        "submitted_on": chinese_date(application.submitted_on),
        "accepted_on": chinese_date(application.accepted_on or application.closed_on),
        "decided_on": chinese_date(application.closed_on),
        "reason": application.decision_reason,
        "commitment_sha256": application.commitment_sha256,
        "department": application.department.name,
        "lifted": lifted,
        "application_id": application.public_id,
    }
    return render_pdf(DECISION_TEMPLATE, context)


def store_decision(application: RepairApplication, document: PdfDocument) -> None:
    """Keep the decision's file and put its path and SHA-256 on the application (unsaved)."""
    folder = _folder(application.public_id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "decision.pdf"
    target.write_bytes(document.content)
    application.decision_pdf_path = str(target.relative_to(Path(settings.XINYONG_VAR_DIR)))
    application.decision_pdf_sha256 = document.sha256


def decision_pdf(application: RepairApplication) -> bytes:
    """The kept decision document, checked against the SHA-256 recorded when it was made."""
    if not application.decision_pdf_path:
        raise RepairError("repairs.no_decision", _("该申请尚无决定书"))
    path = Path(settings.XINYONG_VAR_DIR) / application.decision_pdf_path
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise RepairError("repairs.decision_missing", _("决定书文件缺失，请联系信用办")) from exc
    if hashlib.sha256(content).hexdigest() != application.decision_pdf_sha256:
        raise RepairError(
            "repairs.decision_altered", _("决定书文件与登记的校验值不符，请联系信用办")
        )
    return content


@dataclass(frozen=True)
class RepairNotice:
    """A notice of repair rights (信用修复告知书) for one penalty or listing record."""

    record_id: int
    title: str
    subject_name: str
    subject_code: str
    item_name: str
    list_name: str
    doc_no: str
    department: str
    decision_date: str
    summary: str
    severity: str
    published: bool
    publication_ends: str
    repair_from: str
    repair_now: bool
    needed: tuple[str, ...]
    how: str
    free: str
    platform_days: int
    acceptance_days: int
    decision_days: int
    basis: str
    issued_on: str


def _severity_name(key: str) -> str:
    if not key:
        return ""
    try:
        found = PublicationRules.current().severities.get(key)
    except PolicyLookupError:
        return key
    return found.name if found else key


def _list_name(record: Record) -> str:
    entry = getattr(record, "list_entry", None)
    if entry is not None:
        return str(entry.list_type.name)
    found = ListType.objects.filter(
        kind=ListKind.PUNISHMENT, is_active=True, catalog_item=record.item.code
    ).first()
    return str(found.name) if found else ""


def notice_for(record: Record) -> RepairNotice:
    """The notice of repair rights for `record`: what was recorded, how long it is
    published, from when and how repair can be applied for, and that repair is free.
    `RepairError` for a record that gets no notice (not a penalty or listing)."""
    record = (
        Record.objects.select_related("item", "organisation", "subject", "current_version")
        .select_related("list_entry__list_type")
        .get(pk=record.pk)
    )
    policy = repair_policy()
    if not notice_applies(record.item.code, policy, punishment_list_items()):
        raise RepairError("repairs.no_notice", _("该条信息不适用信用修复告知书"))
    today = timezone.localdate()
    shown = shown_record(record)
    repair_from = record.repair_from or record.decision_date
    ends = record.publication_ends
    return RepairNotice(
        record_id=record.pk,
        title=policy.notice.title,
        subject_name=display_name(record.subject),
        subject_code=subject_code(record.subject),
        item_name=record.item.name,
        list_name=_list_name(record),
        doc_no=shown.doc_no,
        department=record.organisation.name,
        decision_date=chinese_date(record.decision_date),
        summary=shown.summary,
        severity=_severity_name(record.severity),
        published=record.published,
        publication_ends=chinese_date(ends) if ends else "",
        repair_from=chinese_date(repair_from),
        repair_now=repair_from <= today,
        needed=policy.needed_for(record.severity),
        how=policy.notice.how,
        free=policy.notice.free,
        platform_days=deadline_days(PLATFORM_DEADLINE, today),
        acceptance_days=deadline_days(ACCEPTANCE_DEADLINE, today),
        decision_days=deadline_days(DECISION_DEADLINE, today),
        basis=policy.basis_text(),
        issued_on=chinese_date(today),
    )


def notice_pdf(record: Record) -> PdfDocument:
    """The notice of repair rights as a PDF."""
    return render_pdf(NOTICE_TEMPLATE, {"notice": notice_for(record)})
