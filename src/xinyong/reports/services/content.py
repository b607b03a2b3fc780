"""A report's content: what its scope allows about the subject at the data cut-off, shaped
and masked as on public surfaces, as `document.ReportContent`.

Which records: every current record of each item in the scope, not the first page of them.
Records of a 社会公开 item follow the public rule exactly (`records.public.public_q`); records
of a 授权查询 or 政务共享 item are those in effect — active, not withdrawn, not repaired, not
withheld while an objection is open, within their period. In both cases a record received
after the cut-off is left out. Each kind of section costs a fixed number of queries, however
many records there are.

`fingerprint` is what tells later whether the subject's situation has changed: two reports of
the same scope have the same fingerprint exactly when they would say the same about the
subject. `content_data` / `content_from_data` are the JSON form stored with the report.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import types
import typing
from typing import Any, Union

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem, Disclosure
from xinyong.commitments.models import Commitment, CommitmentState
from xinyong.core.privacy import mask_in_text
from xinyong.core.signing.canonical import canonical
from xinyong.evaluation.services.explain import Explanation, explain_all
from xinyong.evaluation.services.grade_reads import public_grades
from xinyong.lists.public import public_entries_of
from xinyong.objections.models import Ground, Objection, ObjectionState
from xinyong.records.models import Record, RecordState
from xinyong.records.public import SHOWN_MARKS, PublicRecord, profile, public_q, shown_record
from xinyong.reports.document import (
    CommitmentLine,
    GradeLine,
    ObjectionLine,
    RecordSection,
    ReportContent,
    ReportSubject,
)
from xinyong.reports.policy import ReportType
from xinyong.reports.services.scope import PUBLIC, SUBJECT, Scope, checked_purpose, resolve_type
from xinyong.subjects.models import Subject

REPORT_LANGUAGE = "zh-hans"
"""Reports are in Chinese whatever the reader's browser asks for, and their content is built
in that language every time, so a later rebuild to compare fingerprints reads the same words."""

UNSIGNED_FIELDS = frozenset({"cut_off", "requester", "purpose"})
"""Content fields that say when and for whom a report was made, not what it says about the
subject: left out of the fingerprint."""

_CLASS_NAMES = {
    Disclosure.PUBLIC.value: Disclosure.PUBLIC.label,
    Disclosure.AUTHORISED.value: Disclosure.AUTHORISED.label,
    Disclosure.GOVERNMENT.value: Disclosure.GOVERNMENT.label,
}


# -- the sections ------------------------------------------------------------------------------


def _in_effect_q(day: datetime.date) -> Q:
    """Records of a 授权查询 or 政务共享 item that are in effect on `day`."""
    return Q(
        Q(publication_ends__isnull=True) | Q(publication_ends__gte=day),
        state=RecordState.ACTIVE,
        repaired_on__isnull=True,
        objection_mark__in=SHOWN_MARKS,
    )


_SHOWN_FIELDS = (
    "item_id", "organisation_id", "subject_id", "doc_no", "decision_date", "publication_ends",
    "objection_mark", "current_version__data",
)  # fmt: skip
"""What `shown_record` reads of a record: loading only these halves the time a long
report's records take to load."""


def _sections(subject: Subject, scope: Scope, cut_off: datetime.datetime) -> list[RecordSection]:
    """One section per item of the scope, in catalogue order, each with all its records, the
    most recent first. Three queries."""
    items = {
        item.pk: item
        for item in CatalogItem.objects.filter(code__in=scope.item_codes, is_active=True)
        .select_related("current_version")
        .order_by("pk")
    }
    if not items:
        return []
    day = timezone.localdate(cut_off)
    public = [pk for pk, item in items.items() if item.disclosure == Disclosure.PUBLIC]
    shared = [pk for pk in items if pk not in public]
    rows = (
        Record.objects.filter(
            (Q(item_id__in=public) & public_q(today=day))
            | (Q(item_id__in=shared) & _in_effect_q(day)),
            subject=subject,
            received_at__lte=cut_off,
        )
        .select_related("current_version")
        .only(*_SHOWN_FIELDS)
        .order_by("item_id", "-decision_date", "-pk")
    )
    # Departments are read once each rather than joined to every record (hundreds of rows
    # for a heavily penalised company, each decoding the organisation's JSON columns).
    found = list(rows)
    departments = Organisation.objects.only("name").in_bulk(
        {record.organisation_id for record in found}
    )
    by_item: dict[int, list[PublicRecord]] = {}
    for record in found:
        record.subject, record.item = subject, items[record.item_id]
        record.organisation = departments[record.organisation_id]
        by_item.setdefault(record.item_id, []).append(shown_record(record))
    return [
        RecordSection(
            code=item.code,
            name=item.name,
            polarity=item.polarity,
            disclosure=item.disclosure,
            description=str(item.definition.get("description", "")),
            records=tuple(by_item.get(pk, ())),
        )
        for pk, item in items.items()
    ]


def _grade_name(grade: str, legacy: str = "") -> str:
    name = _("%s级") % grade
    return f"{name}（{legacy}）" if legacy else name


def _reasons(explanation: Explanation) -> tuple[str, ...]:
    """Why the subject has its grade, in plain sentences: the score, the indicators that
    moved it, the rule that capped or gave the grade, what stands before the next one."""
    lines = [
        _("得分%(score)d分（基础分%(base)d分）。")
        % {"score": explanation.score, "base": explanation.base}
    ]
    for ind in explanation.indicators:
        if ind.points:
            points = f"+{ind.points}" if ind.points > 0 else str(ind.points)
            lines.append(
                _("%(name)s：%(value)s，%(points)s分。")
                % {"name": ind.name, "value": ind.value_text, "points": points}
            )
    if explanation.why_not_higher is not None:
        lines.extend(explanation.why_not_higher.reasons)
    else:
        for rule in (explanation.knockout, explanation.conditional):
            if rule is not None:
                lines.append(rule.reason)
    if explanation.changed:
        lines.append(_("评价所依据的信息此后已有变化，将重新评价。"))
    return tuple(mask_in_text(line) for line in lines)


def _grades(subject: Subject, scope: Scope) -> list[GradeLine]:
    """The grades the scope allows: none, the public ones, or every current one with its
    reasons. A fixed number of queries per evaluation model."""
    if scope.evaluation == "public":
        return [
            GradeLine(
                model_code=g.model_code,
                model_name=g.model_name,
                grade=g.grade,
                grade_name=_grade_name(g.grade),
                as_of=g.as_of,
                evaluated_on=g.evaluated_on,
                reasons=(),
            )
            for g in public_grades(subject)
        ]
    if scope.evaluation != "reasons":
        return []
    return [
        GradeLine(
            model_code=e.model_code,
            model_name=e.model_name,
            grade=e.grade,
            grade_name=_grade_name(e.grade, e.legacy_grade),
            as_of=e.as_of,
            evaluated_on=timezone.localdate(e.run.finished_at or e.run.started_at),
            reasons=_reasons(e),
        )
        for e in explain_all(subject)
    ]


def _commitments(
    subject: Subject, scope: Scope, cut_off: datetime.datetime
) -> list[CommitmentLine]:
    """The commitments the subject signed before the cut-off and did not withdraw; for the
    public, only those made public. One query."""
    rows = Commitment.objects.filter(subject=subject, signed_at__lte=cut_off).exclude(
        state=CommitmentState.WITHDRAWN
    )
    if scope.audience == PUBLIC:
        rows = rows.filter(is_public=True)
    lines = []
    for row in rows.select_related("organisation").order_by("-signed_at", "-pk"):
        title = f"{row.title}（{row.matter}）" if row.matter else row.title
        lines.append(
            CommitmentLine(
                kind=row.type_name,
                title=mask_in_text(title),
                signed_on=row.signed_on,
                status=str(CommitmentState(row.state).label),
                department=row.organisation.name,
            )
        )
    return lines


def _objections(
    subject: Subject, scope: Scope, cut_off: datetime.datetime, record_ids: set[int]
) -> list[ObjectionLine]:
    """Objections open at the cut-off: those about records in the report, about a grade
    when grades are shown with their reasons, and every one in the subject's own report.
    One query."""
    rows = (
        Objection.objects.filter(subject=subject, state=ObjectionState.OPEN, filed_at__lte=cut_off)
        .select_related("record__item", "score__model_version")
        .order_by("-filed_at", "-pk")
    )
    lines = []
    for row in rows:
        record = row.record
        if scope.audience != SUBJECT:
            about_grade = row.ground == Ground.GRADE and scope.evaluation == "reasons"
            if not about_grade and (record is None or record.pk not in record_ids):
                continue
        if record is not None:
            about = f"{record.item.name} {mask_in_text(record.doc_no)}"
        elif row.score is not None:
            about = _("信用评价结果（%s）") % row.score.model_version.name
        else:
            about = str(Ground(row.ground).label)
        ground = str(Ground(row.ground).label) if row.ground in Ground.values else row.ground
        lines.append(
            ObjectionLine(
                about=f"{about}：{ground}",
                filed_on=row.filed_on,
                status=str(ObjectionState(row.state).label),
            )
        )
    return lines


# -- the plain-language notes -----------------------------------------------------------------


def _scope_note(kind: ReportType, scope: Scope, sections: list[RecordSection]) -> str:
    classes = [c for c in kind.disclosures if any(s.disclosure == c for s in sections)]
    shown = "、".join(str(_CLASS_NAMES[c]) for c in classes) or _("无")
    return _(
        "本报告为%(name)s：%(description)s。报告列出平台归集的该主体%(classes)s类信用信息，"
        "共%(items)d个目录项，每一项的全部现行记录；没有记录的目录项列于“查无记录的信息项”。"
    ) % {
        "name": kind.name,
        "description": kind.description.rstrip("。"),
        "classes": shown,
        "items": len(sections),
    }


def _notes(kind: ReportType, scope: Scope) -> tuple[str, ...]:
    """What is and is not in the report, how long to rely on it, and how to object; the
    same for every report of the same scope (no date, requester or purpose in it)."""
    notes = [
        _(
            "本报告不包含：已撤销的记录、已完成信用修复的记录、公示期已届满的记录，以及异议处理期间"
            "暂停公示的记录。标注“异议处理中”的记录，其内容正在核实。"
        )
    ]
    if scope.audience == PUBLIC:
        notes.append(_("本报告仅包含社会公开类信息，不包含授权查询类和政务共享类信息。"))
    elif scope.audience == "authorised":
        notes.append(_("授权查询类信息仅包含信用主体授权本机构查询的目录项。"))
    included = []
    if scope.lists:
        included.append(_("现行有效的名单（黑名单、红名单等）信息"))
    if scope.commitments:
        included.append(_("信用主体作出的信用承诺"))
    if scope.objections:
        included.append(_("正在处理中的异议"))
    if included:
        notes.append(_("本报告还包含：%s。") % "；".join(included))
    evaluation = {
        "none": _("本报告不包含信用评价结果。"),
        "public": _("信用评价仅列出评价模型规定向社会公开的等级。"),
        "reasons": _("信用评价列出现行等级及其主要依据。"),
    }[scope.evaluation]
    notes.append(evaluation + _("平台不对自然人进行信用评价。"))
    notes.append(
        _("建议有效期：自出具之日起%(days)d日。此后信用状况可能已有变化，请重新获取或在线核验。")
        % {"days": kind.validity_days}
    )
    notes.append(
        _(
            "核验：扫描报告上的二维码或在平台“报告核验”页面输入验证码，可确认本报告真实、未被篡改，"
            "并了解信用主体的信用状况自出具以来是否发生变化。"
        )
    )
    notes.append(
        _(
            "异议：信用主体认为报告所列信息有误的，可登录平台“我的账户—异议”（/account/objections/）"
            "提出异议，或向信用主管部门（信用办）提出；异议处理期间，相关记录标注“异议处理中”。"
        )
    )
    basis = "；".join(f"《{b.title}》{b.article or ''}" for b in kind.legal_basis)
    notes.append(_("出具依据：%s。") % basis)
    return tuple(notes)


# -- the content -------------------------------------------------------------------------------


def _subject(subject: Subject) -> ReportSubject:
    about = profile(subject)
    return ReportSubject(
        name=about.ref.name,
        kind=about.ref.kind,
        uscc=about.ref.uscc,
        masked_id=about.masked_id,
        public_id=about.ref.public_id,
        district=about.district,
        status=about.status,
        former_names=about.former_names,
    )


def build_content(
    subject: Subject,
    scope: Scope,
    *,
    purpose: str,
    requester_label: str,
    cut_off: datetime.datetime | None = None,
) -> ReportContent:
    """The report's content about `subject` within `scope`, as the data stood at `cut_off`
    (now by default). `ReportRefused` when the type requires a purpose and none is given.
    A fixed number of queries whatever the number of records."""
    with translation.override(REPORT_LANGUAGE):
        return _content(subject, scope, purpose, requester_label, cut_off or timezone.now())


def _content(
    subject: Subject,
    scope: Scope,
    purpose: str,
    requester_label: str,
    moment: datetime.datetime,
) -> ReportContent:
    kind = resolve_type(scope.type_code)
    stated = checked_purpose(kind, purpose)
    sections = _sections(subject, scope, moment)
    record_ids = {r.record_id for s in sections for r in s.records}
    return ReportContent(
        type_code=kind.code,
        type_name=kind.name,
        purpose=stated,
        requester=requester_label,
        cut_off=moment,
        subject=_subject(subject),
        sections=tuple(sections),
        lists=tuple(public_entries_of(subject, at=moment)) if scope.lists else (),
        grades=tuple(_grades(subject, scope)),
        commitments=tuple(_commitments(subject, scope, moment)) if scope.commitments else (),
        objections=(
            tuple(_objections(subject, scope, moment, record_ids)) if scope.objections else ()
        ),
        scope_note=_scope_note(kind, scope, sections),
        notes=_notes(kind, scope),
        validity_days=kind.validity_days,
        included=tuple(
            part
            for part, shown in (
                ("lists", scope.lists),
                ("grades", scope.evaluation != "none"),
                ("commitments", scope.commitments),
                ("objections", scope.objections),
            )
            if shown
        ),
    )


# -- JSON form and fingerprint ------------------------------------------------------------------


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A content class's fields, or () for a class that is not a dataclass: asked once per
    class (a 300-record report has some 20,000 values, and `dataclasses.fields` per value
    was a third of the JSON form's time)."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else ()


def _to_data(value: Any) -> Any:
    names = _field_names(value.__class__)
    if names:
        return {name: _to_data(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return [_to_data(v) for v in value]
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    return value


def content_data(content: ReportContent) -> dict[str, Any]:
    """The content as JSON-ready data: dates and times as ISO text, tuples as lists."""
    data = _to_data(content)
    assert isinstance(data, dict)
    return data


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from_data(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(kind) if a is not type(None)]
        return _from_data(inner, value)
    if origin is tuple:
        inner = typing.get_args(kind)[0]
        return tuple(_from_data(inner, v) for v in value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(
            **{f.name: _from_data(hints[f.name], value[f.name]) for f in dataclasses.fields(kind)}
        )
    if kind is datetime.datetime:
        return datetime.datetime.fromisoformat(value)
    if kind is datetime.date:
        return datetime.date.fromisoformat(value)
    if kind in (str, int, bool):
        if not isinstance(value, kind):
            raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value
    raise TypeError(f"no JSON form for {kind!r}")


def content_from_data(data: dict[str, Any]) -> ReportContent:
    """The content `content_data` gave (ValueError/KeyError when `data` is not one)."""
    found = _from_data(ReportContent, data)
    assert isinstance(found, ReportContent)
    return found


def fingerprint(content: ReportContent | dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of what the report says about the subject: the
    content (or its `content_data`, when the caller has it already) without its cut-off,
    requester and purpose."""
    data = content if isinstance(content, dict) else content_data(content)
    said = {k: v for k, v in data.items() if k not in UNSIGNED_FIELDS}
    return hashlib.sha256(canonical(said)).hexdigest()
