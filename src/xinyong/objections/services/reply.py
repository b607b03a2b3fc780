"""The written reply to an objection (异议处理答复书): what the subject objected to (a record,
or a grade with the model version and cut-off it came from), what the department (the credit
office) found and did — for a re-evaluated grade, the new grade — why, and how the subject
may challenge it.

The same facts make the account page's HTML and the PDF; the PDF is rendered once, when the
objection is answered, and kept with its SHA-256, so the document the subject downloads is
the one that was issued, whatever later becomes of the templates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinyong.core.pdf import PdfDocument, render_pdf
from xinyong.core.privacy import mask_in_text
from xinyong.evaluation.models import Score
from xinyong.objections.models import Ground, Objection, ObjectionState
from xinyong.objections.services.common import item_of
from xinyong.records.models import RecordVersion
from xinyong.subjects.services import masked_id

PDF_TEMPLATE = "objections/reply_pdf.html"


@dataclass(frozen=True)
class Change:
    """One corrected field: its name and the value before and after (as shown publicly)."""

    name: str
    before: str
    after: str


@dataclass(frozen=True)
class GradeFacts:
    """A grade as the reply names it: the model, its version, the grade and score, and the
    cut-off of the data it rests on."""

    model: str
    version: int
    grade: str
    legacy_grade: str
    score: int
    as_of: datetime.date


@dataclass(frozen=True)
class Reply:
    number: str
    subject_name: str
    subject_code: str
    item_name: str
    doc_no: str
    decision_date: datetime.date
    department: str
    ground: str
    repair_reference: str
    filed_on: datetime.date
    reason: str
    outcome: str
    outcome_label: str
    finding: str
    reasons: str
    changes: tuple[Change, ...]
    remedies: str
    answered_on: datetime.date
    grade: GradeFacts | None = None
    new_grade: GradeFacts | None = None


def _text(value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, dict):
        return str(value.get("masked", ""))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return mask_in_text(str(value))


def _compared(value: Any) -> Any:
    """A stored value as versions are compared: a personal value by its keyed hash (its
    ciphertext differs each time it is written)."""
    return value.get("hash") if isinstance(value, dict) else value


def _changes(objection: Objection) -> tuple[Change, ...]:
    corrected, record = objection.corrected_version, objection.record
    if corrected is None or record is None:
        return ()
    previous = RecordVersion.objects.filter(
        record_id=corrected.record_id, version=corrected.version - 1
    ).first()
    before: dict[str, Any] = previous.data if previous else {}
    return tuple(
        Change(spec.name, _text(before.get(spec.key)), _text(corrected.data.get(spec.key)))
        for spec in item_of(record).fields
        if _compared(before.get(spec.key)) != _compared(corrected.data.get(spec.key))
    )


def _grade(score: Score | None) -> GradeFacts | None:
    if score is None:
        return None
    version = score.model_version
    return GradeFacts(
        version.name, version.version, score.grade, score.legacy_grade, score.score,
        score.run.as_of,
    )  # fmt: skip


def _finding(objection: Objection, day: str) -> str:
    if objection.is_about_grade:
        return _grade_finding(objection, day)
    if objection.state == ObjectionState.CORRECTED:
        return (
            _("经核查，异议成立。本机关已对该信用信息予以更正，更正后的信息自 %s 起替换原信息。")
            % day
        )
    if objection.state == ObjectionState.WITHDRAWN:
        return _("经核查，该信用信息不应归集。本机关已撤销该信息，自 %s 起停止公示和共享。") % day
    return (
        _("经核查，该信用信息准确无误，异议不成立，予以维持。“异议处理中”标注已于 %s 撤除。") % day
    )


def _grade_finding(objection: Objection, day: str) -> str:
    new = _grade(objection.new_score)
    if objection.state == ObjectionState.REEVALUATED and new is not None:
        return _(
            "经复核，本机关已于 %(day)s 依据最新信息重新评价，评价等级为 %(grade)s 级"
            "（%(score)s 分，数据截至 %(as_of)s），替代原评价结果。"
        ) % {"day": day, "grade": new.grade, "score": new.score, "as_of": new.as_of.isoformat()}
    old = _grade(objection.score)
    return _(
        "经复核，该评价结果所依据的信息准确，评价规则适用无误，异议不成立，维持原评价等级 %s 级。"
    ) % (old.grade if old else "")


REMEDIES = gettext_lazy(
    "如对本答复不服，可以自收到本答复书之日起六十日内依法申请行政复议，"
    "或者自收到本答复书之日起六个月内依法向人民法院提起行政诉讼。"
)
"""The remedies against the reply (行政复议法 第二十条, 行政诉讼法 第四十六条)."""


def reply_of(objection: Objection) -> Reply:
    """The reply's facts; `objection` must be answered."""
    if objection.answered_on is None:
        raise ValueError("the objection has not been answered")
    record, subject = objection.record, objection.subject
    day = objection.answered_on.isoformat()
    grade = _grade(objection.score)
    if record is not None:
        item_name, doc_no, decided = record.item.name, record.doc_no, record.decision_date
    else:
        assert grade is not None  # an objection names a record or a score
        item_name, doc_no, decided = grade.model, "", grade.as_of
    return Reply(
        number=objection.number,
        subject_name=subject.name,
        subject_code=subject.uscc or masked_id(subject),
        item_name=item_name,
        doc_no=doc_no,
        decision_date=decided,
        department=objection.organisation.name,
        ground=str(Ground(objection.ground).label),
        repair_reference=objection.repair_reference,
        filed_on=objection.filed_on,
        reason=objection.reason,
        outcome=objection.state,
        outcome_label=objection.state_label,
        finding=_finding(objection, day),
        reasons=objection.reply,
        changes=_changes(objection),
        remedies=str(REMEDIES),
        answered_on=objection.answered_on,
        grade=grade,
        new_grade=_grade(objection.new_score),
    )


def _folder(objection: Objection) -> Path:
    return Path(settings.XINYONG_VAR_DIR) / "objections" / objection.public_id


def render_reply(objection: Objection) -> PdfDocument:
    """The reply as a PDF, in Chinese."""
    return render_pdf(PDF_TEMPLATE, {"reply": reply_of(objection)})


def keep_reply(objection: Objection, document: PdfDocument) -> str:
    """Write the issued PDF under the var directory; its path relative to it."""
    folder = _folder(objection)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"reply-{document.sha256[:16]}.pdf"
    target.write_bytes(document.content)
    return str(target.relative_to(Path(settings.XINYONG_VAR_DIR)))


def discard_reply(relative: str) -> None:
    """Remove a PDF whose answer was not saved after all."""
    (Path(settings.XINYONG_VAR_DIR) / relative).unlink(missing_ok=True)


def reply_pdf(objection: Objection) -> bytes | None:
    """The issued reply's PDF, or None before the objection is answered."""
    if not objection.reply_pdf:
        return None
    return (Path(settings.XINYONG_VAR_DIR) / objection.reply_pdf).read_bytes()
