"""Answering an objection: corrected, withdrawn or upheld, by the record's source department;
for a grade, upheld or re-evaluated, by the credit office.

Only staff of the organisation the objection was routed to, with an answering role, answer
(谁提供、谁负责). Every outcome, in one transaction: the record changes as the outcome says
(a new version through the pipeline, withdrawal, or nothing) and its objection mark is
cleared — or, for a grade, the subject is evaluated again (`grades.apply_grade_outcome`) —
the written reply is rendered and kept, the subject is notified, and the change is audited.
A refusal raises `ObjectionError` and leaves everything as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, User
from xinyong.core import audit
from xinyong.core.permissions import Viewer
from xinyong.objections.models import GRADE_OUTCOMES, RECORD_OUTCOMES, Objection, ObjectionState
from xinyong.objections.permissions import ANSWERING_ROLES
from xinyong.objections.services.common import (
    ObjectionError,
    audit_event,
    clean_text,
    objected_to,
    snapshot,
)
from xinyong.objections.services.correction import CorrectedValues, submit_correction
from xinyong.objections.services.grades import apply_grade_outcome
from xinyong.objections.services.reply import discard_reply, keep_reply, render_reply
from xinyong.records import due_process
from xinyong.records import services as records
from xinyong.records.models import ObjectionMark, RecordState
from xinyong.rights.services import notify


def may_answer(viewer: Viewer, objection: Objection) -> bool:
    """Whether `viewer` may answer `objection` (the service checks again when it does)."""
    return (
        objection.is_open
        and viewer.user_id is not None
        and viewer.organisation_id == objection.organisation_id
        and (viewer.is_superuser or bool(viewer.roles & ANSWERING_ROLES))
    )


def _answering_staff(viewer: Viewer, objection: Objection) -> User:
    if viewer.user_id is None or viewer.organisation_id is None:
        raise ObjectionError(
            "objections.no_organisation", _("只有信息提供部门的工作人员可以答复异议")
        )
    if viewer.organisation_id != objection.organisation_id:
        raise ObjectionError(
            "objections.other_organisation", _("只有提供该信息的部门可以答复该异议")
        )
    if not viewer.is_superuser and not viewer.roles & ANSWERING_ROLES:
        raise ObjectionError("objections.no_role", _("答复异议需要操作员、审核员或管理员角色"))
    if not Organisation.objects.filter(pk=viewer.organisation_id, is_active=True).exists():
        raise ObjectionError("objections.organisation_inactive", _("所在机构已停用"))
    return User.objects.get(pk=viewer.user_id)


def _apply(objection: Objection, outcome: str, corrected_values: CorrectedValues | None) -> None:
    """Change the record as `outcome` says and clear its objection mark (or, for a grade,
    evaluate the subject again when re-evaluated)."""
    record = objection.record
    if record is None:
        apply_grade_outcome(objection, outcome, bool(corrected_values))
        return
    if outcome not in RECORD_OUTCOMES:
        raise ObjectionError("objections.outcome", _("请选择处理结果：更正、撤销或维持"))
    if outcome != ObjectionState.UPHELD and record.state != RecordState.ACTIVE:
        raise ObjectionError("objections.record_withdrawn", _("该记录已撤销，只能维持"))
    if outcome == ObjectionState.CORRECTED:
        if not corrected_values:
            raise ObjectionError("objections.no_correction", _("请填写更正后的内容"))
        objection.corrected_version = submit_correction(record, corrected_values)
    elif corrected_values:
        raise ObjectionError("objections.correction_not_allowed", _("只有“更正”需要填写更正内容"))
    try:
        if outcome == ObjectionState.WITHDRAWN:
            due_process.withdraw(
                record, reference=objection.number, organisation_id=objection.organisation_id
            )
        else:
            due_process.set_objection_mark(
                record,
                ObjectionMark.NONE,
                reference=objection.number,
                organisation_id=objection.organisation_id,
            )
    except due_process.DueProcessError as exc:
        raise ObjectionError(exc.code, exc.message) from exc


def answer(
    viewer: Viewer,
    objection: Objection,
    outcome: str,
    reply: str,
    *,
    corrected_values: CorrectedValues | None = None,
) -> Objection:
    """Answer `objection` with `outcome` (corrected, withdrawn or upheld) and the reply's
    reasons; `corrected_values` (field key → new value) for a correction."""
    if outcome not in {*RECORD_OUTCOMES, *GRADE_OUTCOMES}:
        raise ObjectionError("objections.outcome", _("请选择处理结果"))
    reasons = clean_text(reply, _("答复意见"))
    undo: list[Callable[[], None]] = []  # files written, removed if the answer is not saved
    try:
        with transaction.atomic():
            locked = (
                Objection.objects.select_for_update(of=("self",))
                .select_related(
                    "record__item",
                    "record__organisation",
                    "score__model_version",
                    "subject",
                    "organisation",
                )
                .get(pk=objection.pk)
            )
            user = _answering_staff(viewer, locked)
            if not locked.is_open:
                raise ObjectionError("objections.answered", _("该异议已答复"))
            before = snapshot(locked)
            _apply(locked, outcome, corrected_values)
            if locked.corrected_version is not None:
                folder = records.stored_file_path(locked.corrected_version.submission).parent
                undo.append(lambda: shutil.rmtree(folder, ignore_errors=True))
            now = timezone.now()
            locked.state, locked.reply, locked.answered_by = outcome, reasons, user
            locked.answered_at, locked.answered_on = now, timezone.localdate(now)
            document = render_reply(locked)
            kept = locked.reply_pdf = keep_reply(locked, document)
            undo.append(lambda: discard_reply(kept))
            locked.reply_sha256 = document.sha256
            locked.save()
            audit.record_many([audit_event("objection.answer", locked, before)])
            notify(
                locked.subject,
                title=_("异议已答复：%s") % locked.number,
                body=_(
                    "%(org)s 已答复您对 %(doc)s 的异议：%(outcome)s。可在账户中查看和下载答复书。"
                )
                % {
                    "org": locked.organisation.name,
                    "doc": objected_to(locked),
                    "outcome": locked.state_label,
                },
                link=reverse("objections:detail", args=[locked.public_id]),
            )
    except BaseException:
        for step in undo:
            step()
        raise
    return locked
