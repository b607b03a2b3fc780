"""Objections to an evaluation grade (信用评价结果): filed by the subject against its current
score under a model, answered by the credit office, which runs the evaluation.

There is no record to mark: the objection names the score it contests, and one objection at
a time may be open on a subject's grade under a model. The credit office (the organisation of
kind credit office) answers within the objection deadline: upheld (the grade stands, with
its reasons), or re-evaluated — the office scores the subject again under every published
model (`evaluation.services.evaluate_subjects`) and the reply names the new grade.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.evaluation.models import RunTrigger, Score
from xinyong.evaluation.services import current_score, evaluate_subjects
from xinyong.objections.models import (
    GRADE_OUTCOMES,
    Ground,
    Objection,
    ObjectionState,
    new_public_id,
)
from xinyong.objections.services.common import (
    ObjectionError,
    clean_text,
    response_due,
)
from xinyong.objections.services.filing import Upload, file_evidence, store_uploads
from xinyong.rights.files import discard_evidence
from xinyong.rights.models import SubjectMember
from xinyong.rights.services import notify


def credit_office() -> Organisation | None:
    """The credit office that answers objections to grades (the first active one)."""
    found = Organisation.objects.filter(kind=OrganisationKind.CREDIT_OFFICE, is_active=True)
    return found.order_by("pk").first()


def grade_to_object(member: SubjectMember, model_code: str) -> Score | None:
    """The member's subject's current score under `model_code` (what it may object to), or
    None: no such score (natural persons are never scored)."""
    if not member.is_active or member.subject.is_person:
        return None
    return current_score(member.subject_id, model_code)


def open_grade_objection(member: SubjectMember, model_code: str) -> Objection | None:
    """The objection open on the subject's grade under `model_code`, if any."""
    return Objection.objects.filter(
        subject_id=member.subject_id,
        ground=Ground.GRADE,
        score__model_code=model_code,
        state=ObjectionState.OPEN,
    ).first()


def open_grade_objections(subject_id: int) -> dict[str, str]:
    """Model code → public id of the objection open on the subject's grade under it (for
    the evaluation pages: the grade shows as 异议处理中 with a link)."""
    rows = Objection.objects.filter(
        subject_id=subject_id, ground=Ground.GRADE, state=ObjectionState.OPEN
    )
    return dict(rows.values_list("score__model_code", "public_id"))


def file_grade_objection(
    member: SubjectMember, model_code: str, reason: str, attachments: Sequence[Upload] = ()
) -> Objection:
    """File `member`'s subject's objection to its current grade under `model_code`, routed
    to the credit office with the objection deadline; the subject's inbox gets the receipt.
    `ObjectionError` if refused (nothing is kept then)."""
    score = grade_to_object(member, model_code)
    if score is None:
        raise ObjectionError("objections.no_grade", _("本主体没有该评价模型的评价结果"))
    if open_grade_objection(member, model_code) is not None:
        raise ObjectionError(
            "objections.already_open", _("该评价结果已有正在处理的异议，请等待答复后再提出")
        )
    office = credit_office()
    if office is None:
        raise ObjectionError("objections.no_credit_office", _("平台尚未设置信用办，无法受理"))
    reason_text = clean_text(reason, _("异议理由"))
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
                score=score,
                organisation=office,
                filed_by=member,
                ground=Ground.GRADE,
                reason=reason_text,
                mark="",
                filed_at=now,
                filed_on=filed_on,
                due_on=due_on,
                due_provisional=provisional,
            )
            file_evidence(objection, stored)
            notify(
                member.subject,
                title=_("异议申请已受理：%s") % objection.number,
                body=_("您对%(model)s评价结果提出的异议已转 %(org)s 处理，答复期限为 %(due)s。")
                % {"model": score.model_version.name, "org": office.name, "due": due_on},
                link=reverse("objections:detail", args=[objection.public_id]),
            )
    except BaseException as exc:
        for kept in stored:
            discard_evidence(kept)
        if isinstance(exc, IntegrityError):  # a second filing on the score won the race
            raise ObjectionError(
                "objections.already_open", _("该评价结果已有正在处理的异议，请等待答复后再提出")
            ) from exc
        raise
    return objection


def apply_grade_outcome(objection: Objection, outcome: str, corrected: bool) -> None:
    """What an answer to an objection to a grade does: nothing to the score when upheld;
    re-evaluated, a subjects run of every published model, whose score under the objected
    model becomes `new_score` (in the answer's transaction)."""
    if outcome not in GRADE_OUTCOMES:
        raise ObjectionError(
            "objections.outcome", _("对评价结果的异议，处理结果只能是维持或重新评价")
        )
    if corrected:
        raise ObjectionError(
            "objections.correction_not_allowed", _("对评价结果的异议不能更正记录内容")
        )
    if outcome != ObjectionState.REEVALUATED:
        return
    assert objection.score is not None  # a grade objection names its score
    evaluate_subjects([objection.subject_id], trigger=RunTrigger.OFFICE)
    objection.new_score = current_score(objection.subject_id, objection.score.model_code)
    if objection.new_score is None or objection.new_score.pk == objection.score.pk:
        raise ObjectionError(
            "objections.not_reevaluated",
            _("该主体已不在此评价模型的评价范围内，无法重新评价，请选择维持并说明理由"),
        )
