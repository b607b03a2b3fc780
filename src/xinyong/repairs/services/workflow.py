"""The steps of a repair application before its decision.

Order: the subject applies (performance statement, proof files, the signed commitment) →
the credit office checks completeness within the platform deadline and forwards it to the
department that made the finding, or returns it for completion (the subject completes and
resubmits it) → the department accepts it or not within its acceptance deadline → once
accepted, it decides within the decision deadline, which it may extend with a recorded
reason (each extension is kept as a step). Deadlines are in Chinese working days from
policy data. Every step writes a `RepairStep` and an audit entry in one transaction and
tells the subject in its account; a refused step raises `RepairError` and writes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import IO

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core.context import acting_as, current_actor
from xinyong.core.crypto import encrypt
from xinyong.core.permissions import Viewer
from xinyong.core.privacy import mask_person_name
from xinyong.records.models import Record
from xinyong.repairs.models import (
    OPEN_STATES,
    RepairApplication,
    RepairAttachment,
    RepairState,
    StepKind,
    new_public_id,
)
from xinyong.repairs.policy import RepairPolicy, repair_policy
from xinyong.repairs.services.common import (
    ACCEPTANCE_DEADLINE,
    DECISION_DEADLINE,
    PLATFORM_DEADLINE,
    RepairError,
    clean_text,
    credit_office_staff,
    deadline_days,
    department_staff,
    due_after,
    last_step_day,
    locked,
    require_state,
    snapshot,
    step_day,
    tell_subject,
    write_step,
)
from xinyong.repairs.services.options import AVAILABLE, commitment_text, repair_options
from xinyong.rights.files import MAX_FILES, EvidenceRefused, StoredFile, discard_evidence
from xinyong.rights.files import store_evidence as keep_file
from xinyong.rights.models import SubjectMember

SIGNER_CONTEXT = "repairs.signer"
MAX_SIGNER = 50


@contextmanager
def as_member(member: SubjectMember) -> Iterator[None]:
    """Record the member (by public id) as the actor of a subject's own step."""
    with acting_as(replace(current_actor(), label=f"subject-member:{member.public_id}")):
        yield


def _check_files(files: Sequence[IO[bytes]], policy: RepairPolicy) -> None:
    needed = policy.requirements.min_attachments
    if len(files) < needed:
        raise RepairError(
            "repairs.no_proof", _("请上传履行义务的证明材料（至少 %d 个文件）") % needed
        )
    if len(files) > MAX_FILES:
        raise RepairError("repairs.too_many_files", _("最多上传 %d 个文件") % MAX_FILES)


def _store(files: Sequence[IO[bytes]], public_id: str) -> list[StoredFile]:
    """Keep every file or none: a refused file discards those kept before it."""
    stored: list[StoredFile] = []
    try:
        for upload in files:
            stored.append(keep_file(upload, f"repairs/{public_id}"))
    except EvidenceRefused as exc:
        for kept in stored:
            discard_evidence(kept)
        raise RepairError(exc.code, exc.message) from exc
    return stored


def _attach(application: RepairApplication, stored: list[StoredFile]) -> None:
    RepairAttachment.objects.bulk_create(
        RepairAttachment(
            application=application,
            name=f.name,
            size=f.size,
            content_type=f.content_type,
            sha256=f.sha256,
            stored_path=f.stored_path,
        )
        for f in stored
    )


def _platform_due(application: RepairApplication, day: datetime.date) -> int:
    days = deadline_days(PLATFORM_DEADLINE, day)
    application.submitted_on = day
    application.platform_due, application.platform_due_provisional = due_after(day, days)
    return days


def apply(
    member: SubjectMember,
    record_id: int,
    *,
    performance: str,
    signer_name: str,
    signed: bool,
    files: Sequence[IO[bytes]],
    on: datetime.date | None = None,
) -> RepairApplication:
    """File an application to repair one of the member's subject's records. The commitment
    is generated here from the policy's template (never taken from the form) and hashed
    as signed; the proof files are checked and kept."""
    subject = member.subject
    if not member.is_active:
        raise RepairError("repairs.member_inactive", _("该账户成员已停用"))
    option = repair_options(subject, [record_id]).get(record_id)
    if option is None:
        raise RepairError("repairs.not_found", _("没有找到本主体可申请信用修复的该条失信信息"))
    if option.status != AVAILABLE:
        raise RepairError(f"repairs.{option.status}", option.explanation)
    statement = clean_text(performance, _("履行义务及整改情况"))
    signer = clean_text(signer_name, _("签署人姓名"), max_length=MAX_SIGNER)
    if not signed:
        raise RepairError("repairs.not_signed", _("请阅读信用修复承诺书并勾选签署"))
    day = step_day(on, after=None)
    if option.available_from is not None and day < option.available_from:
        raise RepairError(
            "repairs.waiting", _("最短公示期满后，可于 %s 起申请信用修复") % option.available_from
        )
    policy = repair_policy()
    _check_files(files, policy)
    record = Record.objects.select_related("item", "organisation", "subject").get(pk=record_id)
    text = commitment_text(record, policy)
    application = RepairApplication(
        public_id=new_public_id(),
        subject=subject,
        record=record,
        department=record.organisation,
        filed_by=member,
        performance=statement,
        commitment_text=text,
        commitment_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        signer_encrypted=encrypt(signer, context=SIGNER_CONTEXT),
        signer_masked=mask_person_name(signer),
        signed_at=timezone.now(),
    )
    platform_days = _platform_due(application, day)
    stored = _store(files, application.public_id)
    try:
        with as_member(member), transaction.atomic():
            Record.objects.select_for_update().values_list("pk", flat=True).get(pk=record.pk)
            if RepairApplication.objects.filter(record=record, state__in=OPEN_STATES).exists():
                raise RepairError("repairs.in_progress", _("该条信息已有办理中的信用修复申请"))
            application.save()
            _attach(application, stored)
            details = {
                "attachments": len(stored),
                "platform_days": platform_days,
                "commitment_sha256": application.commitment_sha256,
            }
            write_step(application, StepKind.SUBMIT, day, None, details, None)
            tell_subject(
                application,
                _("信用修复申请已提交"),
                _("信用办将于 %s 前核对材料并答复。") % application.platform_due.isoformat(),
            )
    except IntegrityError as exc:
        for kept in stored:
            discard_evidence(kept)
        raise RepairError("repairs.in_progress", _("该条信息已有办理中的信用修复申请")) from exc
    except BaseException:
        for kept in stored:
            discard_evidence(kept)
        raise
    return application


def resubmit(
    member: SubjectMember,
    application: RepairApplication,
    *,
    performance: str,
    files: Sequence[IO[bytes]],
    on: datetime.date | None = None,
) -> RepairApplication:
    """Complete an application the credit office returned: a new statement (the old one is
    kept in the step), more proof files; the platform deadline starts again."""
    if application.subject_id != member.subject_id or not member.is_active:
        raise RepairError("repairs.not_found", _("没有找到该信用修复申请"))
    statement = clean_text(performance, _("履行义务及整改情况"))
    if len(files) > MAX_FILES:
        raise RepairError("repairs.too_many_files", _("最多上传 %d 个文件") % MAX_FILES)
    stored = _store(files, application.public_id)
    try:
        with as_member(member), transaction.atomic():
            application = locked(application)
            require_state(application, RepairState.RETURNED)
            last = last_step_day(application)
            day = step_day(on, after=last)
            before = snapshot(application)
            previous = application.performance
            application.performance = statement
            application.state = RepairState.SUBMITTED
            platform_days = _platform_due(application, day)
            _attach(application, stored)
            details = {
                "attachments": len(stored),
                "platform_days": platform_days,
                "previous_performance": previous,
            }
            write_step(application, StepKind.RESUBMIT, day, None, details, before)
            tell_subject(application, _("信用修复申请已补正提交"))
    except BaseException:
        for kept in stored:
            discard_evidence(kept)
        raise
    return application


def forward(
    viewer: Viewer,
    application: RepairApplication,
    *,
    note: str = "",
    on: datetime.date | None = None,
) -> RepairApplication:
    """The credit office found the application complete: it goes to the department, whose
    acceptance deadline starts."""
    with transaction.atomic():
        application = locked(application)
        office = credit_office_staff(viewer)
        require_state(application, RepairState.SUBMITTED)
        day = step_day(on, after=application.submitted_on)
        before = snapshot(application)
        days = deadline_days(ACCEPTANCE_DEADLINE, day)
        application.state = RepairState.FORWARDED
        application.forwarded_on = day
        application.acceptance_due, application.acceptance_due_provisional = due_after(day, days)
        details = {"note": clean_text(note, _("说明"), required=False), "acceptance_days": days}
        write_step(application, StepKind.FORWARD, day, office.pk, details, before)
        tell_subject(
            application,
            _("信用修复申请已转交认定部门"),
            _("%(dept)s 将于 %(due)s 前决定是否受理。")
            % {"dept": application.department.name, "due": application.acceptance_due.isoformat()},
        )
    return application


def return_for_completion(
    viewer: Viewer, application: RepairApplication, *, reason: str, on: datetime.date | None = None
) -> RepairApplication:
    """The credit office found something missing: back to the subject with the reason."""
    with transaction.atomic():
        application = locked(application)
        office = credit_office_staff(viewer)
        require_state(application, RepairState.SUBMITTED)
        text = clean_text(reason, _("退回理由"))
        day = step_day(on, after=application.submitted_on)
        before = snapshot(application)
        application.state = RepairState.RETURNED
        write_step(application, StepKind.RETURN, day, office.pk, {"reason": text}, before)
        tell_subject(application, _("信用修复申请需补正材料"), text)
    return application


def accept(
    viewer: Viewer, application: RepairApplication, *, on: datetime.date | None = None
) -> RepairApplication:
    """The department accepts the application; its decision deadline starts."""
    with transaction.atomic():
        application = locked(application)
        department = department_staff(viewer, application)
        require_state(application, RepairState.FORWARDED)
        day = step_day(on, after=application.forwarded_on)
        before = snapshot(application)
        days = deadline_days(DECISION_DEADLINE, day)
        application.state = RepairState.ACCEPTED
        application.accepted_on = day
        application.decision_days = days
        application.decision_due, application.decision_due_provisional = due_after(day, days)
        write_step(
            application, StepKind.ACCEPT, day, department.pk, {"decision_days": days}, before
        )
        tell_subject(
            application,
            _("信用修复申请已受理"),
            _("认定部门将于 %s 前作出决定。") % application.decision_due.isoformat(),
        )
    return application


def not_accept(
    viewer: Viewer, application: RepairApplication, *, reason: str, on: datetime.date | None = None
) -> RepairApplication:
    """The department does not accept the application (e.g. the conditions are not met)."""
    with transaction.atomic():
        application = locked(application)
        department = department_staff(viewer, application)
        require_state(application, RepairState.FORWARDED)
        text = clean_text(reason, _("不予受理理由"))
        day = step_day(on, after=application.forwarded_on)
        before = snapshot(application)
        application.state = RepairState.NOT_ACCEPTED
        application.closed_on = day
        application.decision_reason = text
        write_step(application, StepKind.NOT_ACCEPT, day, department.pk, {"reason": text}, before)
        tell_subject(application, _("信用修复申请不予受理"), text)
    return application


def extend(
    viewer: Viewer,
    application: RepairApplication,
    *,
    working_days: int,
    reason: str,
    on: datetime.date | None = None,
) -> RepairApplication:
    """Extend the decision deadline by `working_days`, with the reason recorded; the
    extensions of one application together stay within the policy's limit."""
    with transaction.atomic():
        application = locked(application)
        department = department_staff(viewer, application)
        require_state(application, RepairState.ACCEPTED)
        text = clean_text(reason, _("延长理由"))
        limit = repair_policy().extension.max_working_days
        base = deadline_days(DECISION_DEADLINE, application.accepted_on or timezone.localdate())
        used = (application.decision_days or base) - base
        if not isinstance(working_days, int) or working_days < 1 or used + working_days > limit:
            raise RepairError(
                "repairs.extension_limit",
                _("延长期限合计不得超过 %(limit)d 个工作日（已延长 %(used)d 个）")
                % {"limit": limit, "used": used},
            )
        last = last_step_day(application)
        day = step_day(on, after=last)
        before = snapshot(application)
        previous = application.decision_due
        assert application.accepted_on is not None and application.decision_days is not None
        application.decision_days += working_days
        application.decision_due, application.decision_due_provisional = due_after(
            application.accepted_on, application.decision_days
        )
        details = {
            "working_days": working_days,
            "reason": text,
            "from": previous.isoformat() if previous else None,
            "to": application.decision_due.isoformat(),
        }
        write_step(application, StepKind.EXTEND, day, department.pk, details, before)
        tell_subject(
            application,
            _("信用修复决定期限已延长至 %s") % application.decision_due.isoformat(),
            text,
        )
    return application
