"""Why a subject has its grade: every indicator's points with the records and list entries
behind them, the knock-out or conditional grade that applied, and what stands between the
grade and the next one up, in plain Chinese.

The facts behind the points are found with the compiler's own rule text
(`CompiledModel.indicator_condition`) over the same `eval_facts` CTE the run read, at the
run's cut-off: one query per subject and model, not one per indicator. The stored score is
what is explained (points, score and grade are never recomputed here); a second query runs the
compiled model for the subject alone, and when today's data would give other points the
explanation says so (`changed`): the facts shown are those in effect now at that cut-off, and
an event-driven re-evaluation is due.

Natural persons are never evaluated: every function here answers None or nothing for them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem, PolicySetting
from xinyong.core.privacy import mask_in_text
from xinyong.evaluation.compiler import CompiledModel, compile_model
from xinyong.evaluation.facts import fact_ctes
from xinyong.evaluation.models import ModelVersion, RunKind, RunTrigger, Score
from xinyong.evaluation.schema import YUAN_PER_WAN, Grade, Indicator, ModelSpec
from xinyong.evaluation.services.runs import DIALECTS, current_score, current_scores
from xinyong.evaluation.services.versions import spec_of
from xinyong.lists.models import ListEntry
from xinyong.records.models import ObjectionMark, Record
from xinyong.subjects.models import Subject

COSTS_SHOWN = 3
"""How many of the most costly indicators "why not higher" names."""


# -- what an explanation holds ---------------------------------------------------------------


@dataclass(frozen=True)
class RecordFact:
    """A record behind an indicator's points."""

    record_id: int
    item_code: str
    item_name: str
    doc_no: str
    decision_date: datetime.date
    severity: str
    severity_name: str
    amount: Decimal | None
    """万元, as the record holds it; None when the record has no amount."""
    department: str
    legal_basis: str
    """The catalogue item's legal basis."""
    under_objection: bool

    @property
    def amount_text(self) -> str:
        """The amount in 万元 without trailing zeros ('' when none)."""
        return "" if self.amount is None else format(self.amount.normalize(), "f")


@dataclass(frozen=True)
class EntryFact:
    """A list entry behind an indicator's points."""

    entry_id: int
    list_type: str
    list_name: str
    kind: str
    department: str
    doc_no: str
    decision_date: datetime.date | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    legal_basis: str
    """The list type's legal basis."""


@dataclass(frozen=True)
class IndicatorExplanation:
    code: str
    name: str
    explain: str
    source: str
    measure: str
    value: int
    """The measure: a count, 1/0 for presence, whole 万元 for a sum (rounded down)."""
    value_text: str
    points: int
    records: tuple[RecordFact, ...]
    entries: tuple[EntryFact, ...]


@dataclass(frozen=True)
class DimensionExplanation:
    code: str
    name: str
    points: int
    indicators: tuple[IndicatorExplanation, ...]


@dataclass(frozen=True)
class AppliedRule:
    """A knock-out or a conditional grade that decided the grade."""

    indicator: str
    indicator_name: str
    grade: str
    reason: str


@dataclass(frozen=True)
class Shortfall:
    """What stands between the grade and the next one up."""

    next_grade: str
    next_min: int | None
    points_needed: int
    """Points the score lacks for the next grade's threshold (0 when only a rule holds the
    grade down)."""
    costs: tuple[IndicatorExplanation, ...]
    """The indicators that cost points, most costly first."""
    gains: tuple[str, ...]
    """Names of indicators that could add points and add none now."""
    reasons: tuple[str, ...]
    """The whole answer as sentences, most decisive first."""


@dataclass(frozen=True)
class RunInfo:
    public_id: str
    kind: str
    kind_label: str
    trigger: str
    trigger_label: str
    as_of: datetime.date
    started_at: datetime.datetime
    finished_at: datetime.datetime | None


@dataclass(frozen=True)
class Explanation:
    """One subject's current score under one model, explained."""

    model_code: str
    model_name: str
    version: int
    model_legal_basis: tuple[str, ...]
    as_of: datetime.date
    score: int
    grade: str
    legacy_grade: str
    score_grade: str
    """The grade the score alone earns (before a knock-out or a conditional grade)."""
    base: int
    min_score: int
    max_score: int
    facts_used: int
    dimensions: tuple[DimensionExplanation, ...]
    knockout: AppliedRule | None
    conditional: AppliedRule | None
    why_not_higher: Shortfall | None
    """None for the best grade."""
    supervision: str
    """The classified supervision the model suggests for the grade ('' when none)."""
    run: RunInfo
    score_id: int
    changed: bool
    """Today's data at the same cut-off would give other points: a re-evaluation is due."""

    @property
    def indicators(self) -> list[IndicatorExplanation]:
        return [ind for dimension in self.dimensions for ind in dimension.indicators]


# -- reading the facts ------------------------------------------------------------------------

_COMPILED: dict[tuple[int, str, datetime.date, str], CompiledModel] = {}
_COMPILED_SIZE = 64


def _compiled(version: ModelVersion, spec: ModelSpec, as_of: datetime.date) -> CompiledModel:
    """The version compiled for the cut-off on this connection's engine (compiled once)."""
    dialect = DIALECTS[connection.vendor]
    key = (version.pk, version.content_hash, as_of, dialect)
    found = _COMPILED.get(key)
    if found is None:
        if len(_COMPILED) >= _COMPILED_SIZE:
            _COMPILED.clear()
        found = _COMPILED[key] = compile_model(spec, as_of=as_of, dialect=dialect)
    return found


def _fact_indicators(spec: ModelSpec) -> list[Indicator]:
    return [ind for ind in spec.all_indicators() if ind.rule.source != "subject"]


def _matches(
    spec: ModelSpec, compiled: CompiledModel, subject_id: int, as_of: datetime.date
) -> list[tuple[str, int, set[str]]]:
    """(source, record or entry id, codes of the indicators it counts for) of every fact of
    the subject that one of the model's rules reads: one query."""
    indicators = _fact_indicators(spec)
    if not indicators:
        return []
    conditions = [compiled.indicator_condition(ind.code).replace("%", "%%") for ind in indicators]
    ctes = fact_ctes(
        as_of,
        subject_kinds=list(spec.subject_types),
        subject_ids=[subject_id],
        record_codes=spec.codes("record"),
        list_codes=spec.codes("list"),
    )
    flags = ", ".join(f"CASE WHEN {c} THEN 1 ELSE 0 END" for c in conditions)
    matched = " OR ".join(f"({c})" for c in conditions)
    sql = (
        f"{ctes.sql} SELECT source, record_id, entry_id, {flags}"  # noqa: S608 - compiled rule text
        f" FROM eval_facts WHERE {matched} ORDER BY decided_on DESC, record_id, entry_id"
    )
    found = []
    with connection.cursor() as cursor:
        cursor.execute(sql, ctes.params)
        for source, record_id, entry_id, *hits in cursor.fetchall():
            codes = {ind.code for ind, hit in zip(indicators, hits, strict=True) if hit}
            found.append((source, int(record_id if source == "record" else entry_id), codes))
    return found


def _rescored(
    spec: ModelSpec, compiled: CompiledModel, subject_id: int, as_of: datetime.date
) -> tuple[str, str] | None:
    """(points, grade) the compiled model gives the subject on today's data at the cut-off;
    None when the subject is no longer eligible."""
    ctes = fact_ctes(
        as_of,
        subject_kinds=list(spec.subject_types),
        subject_ids=[subject_id],
        record_codes=spec.codes("record"),
        list_codes=spec.codes("list"),
    )
    select = compiled.sql.replace("%", "%%")
    sql = f"{ctes.sql} SELECT scored.points, scored.grade FROM ({select}) scored"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, ctes.params)
        row = cursor.fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


def _basis_text(raw: object) -> str:
    """A policy object's `legal_basis` ([{title, article}]) as one line."""
    if not isinstance(raw, list):
        return ""
    parts = []
    for basis in raw:
        if isinstance(basis, dict) and basis.get("title"):
            article = basis.get("article") or ""
            parts.append(f"《{basis['title']}》{article}")
    return "；".join(parts)


def _severity_names() -> dict[str, str]:
    row = PolicySetting.objects.filter(key="severities", is_active=True).first()
    raw = row.definition if row is not None else []
    if not isinstance(raw, list):
        return {}
    return {str(s["key"]): str(s["name"]) for s in raw if isinstance(s, dict) and "key" in s}


_FACT_FIELDS = (
    "item_id", "organisation_id", "doc_no", "decision_date", "severity", "amount",
    "objection_mark",
)  # fmt: skip


def _record_facts(ids: Iterable[int]) -> dict[int, RecordFact]:
    """The records by id. Items and departments are read once each, not joined to every
    record: a company with hundreds of records would otherwise decode each item's policy
    JSON hundreds of times (a tenth of a long credit report's drafting)."""
    records = list(Record.objects.filter(pk__in=set(ids)).only(*_FACT_FIELDS))
    if not records:
        return {}
    items = {
        item.pk: (item, _basis_text(item.definition.get("legal_basis")))
        for item in CatalogItem.objects.filter(pk__in={r.item_id for r in records}).only(
            "code", "name", "definition"
        )
    }
    departments = dict(
        Organisation.objects.filter(pk__in={r.organisation_id for r in records}).values_list(
            "pk", "name"
        )
    )
    names = _severity_names()
    facts = {}
    for r in records:
        item, basis = items[r.item_id]
        facts[r.pk] = RecordFact(
            record_id=r.pk,
            item_code=item.code,
            item_name=item.name,
            doc_no=mask_in_text(r.doc_no),
            decision_date=r.decision_date,
            severity=r.severity,
            severity_name=names.get(r.severity, r.severity),
            amount=r.amount,
            department=departments[r.organisation_id],
            legal_basis=basis,
            under_objection=r.objection_mark != ObjectionMark.NONE,
        )
    return facts


def _entry_facts(ids: Iterable[int]) -> dict[int, EntryFact]:
    entries = ListEntry.objects.filter(pk__in=set(ids)).select_related(
        "list_type", "list_type_version", "organisation"
    )
    return {
        e.pk: EntryFact(
            entry_id=e.pk,
            list_type=e.list_type.code,
            list_name=e.list_type.name,
            kind=e.list_type.kind,
            department=e.organisation.name,
            doc_no=mask_in_text(e.doc_no),
            decision_date=e.decision_date,
            starts_on=e.starts_on,
            ends_on=e.ends_on,
            legal_basis=_basis_text((e.list_type_version.content or {}).get("legal_basis")),
        )
        for e in entries
    }


# -- measures and words -----------------------------------------------------------------------


def _subject_value(ind: Indicator, subject: Subject) -> int:
    """An indicator on the subject's own data: 1 when the subject matches it."""
    rule = ind.rule
    actual: object = {
        "has_uscc": bool(subject.uscc),
        "status": subject.status,
        "kind": subject.kind,
    }.get(rule.field or "")
    return int(actual == rule.equals)


def _value(ind: Indicator, records: Sequence[RecordFact], entries: Sequence[EntryFact]) -> int:
    if ind.measure == "sum_amount":
        yuan = sum(round((r.amount or Decimal(0)) * YUAN_PER_WAN) for r in records)
        return int(yuan // YUAN_PER_WAN)
    count = len(records) + len(entries)
    return count if ind.measure == "count" else int(count > 0)


def _value_text(ind: Indicator, value: int, records: Sequence[RecordFact]) -> str:
    if ind.measure == "sum_amount":
        total = sum((r.amount or Decimal(0) for r in records), Decimal(0))
        if not total:
            return _("无")
        return _("合计%(amount)s万元") % {"amount": format(total.normalize(), "f")}
    if ind.measure == "count":
        return _("%(n)d条") % {"n": value}
    return _("有") if value else _("无")


def _points_text(points: int) -> str:
    return f"+{points}" if points > 0 else str(points).replace("-", "−")


def _may_gain(ind: Indicator) -> bool:
    if ind.points_each is not None:
        return ind.points_each > 0
    return any(band.points > 0 for band in ind.bands)


def _score_grade(spec: ModelSpec, score: int) -> Grade:
    thresholds = [g for g in spec.grades if g.min is not None]
    return next((g for g in thresholds if g.min is not None and g.min <= score), thresholds[-1])


def _knockout(spec: ModelSpec, score: Score) -> AppliedRule | None:
    rule = next((k for k in spec.knockouts if k.indicator == score.knockout), None)
    if rule is None:
        return None
    return AppliedRule(
        rule.indicator, spec.indicator(rule.indicator).name, rule.at_most, rule.reason
    )


def _conditional(
    spec: ModelSpec, score: Score, values: dict[str, int], knockout: AppliedRule | None
) -> AppliedRule | None:
    """The conditional grade that gave the grade: a grade without a threshold, not a
    knock-out's."""
    grade = next((g for g in spec.grades if g.grade == score.grade), None)
    if knockout is not None or grade is None or grade.min is not None:
        return None
    rule = next(
        (
            c
            for c in spec.conditional_grades
            if c.grade == score.grade and values.get(c.when_zero, 0) == 0
        ),
        next((c for c in spec.conditional_grades if c.grade == score.grade), None),
    )
    if rule is None:
        return None
    return AppliedRule(rule.when_zero, spec.indicator(rule.when_zero).name, rule.grade, rule.reason)


def _shortfall(
    spec: ModelSpec,
    score: Score,
    indicators: list[IndicatorExplanation],
    knockout: AppliedRule | None,
    conditional: AppliedRule | None,
) -> Shortfall | None:
    """Why the grade is not higher (None for the best grade)."""
    rank = spec.rank(score.grade)
    target = next((g for g in reversed(spec.grades[:rank]) if g.min is not None), None)
    if target is None or target.min is None:
        return None
    raw = spec.base + sum(ind.points for ind in indicators)
    needed = max(0, target.min - raw)
    costs = sorted((ind for ind in indicators if ind.points < 0), key=lambda ind: ind.points)
    by_code = {ind.code: ind for ind in spec.all_indicators()}
    gains = tuple(
        ind.name for ind in indicators if ind.points == 0 and _may_gain(by_code[ind.code])
    )
    reasons = []
    if knockout is not None:
        reasons.append(
            _(
                "%(reason)s（%(indicator)s）。相关信息不再有效（如期满或提前移出名单、信用修复）后，重新评价时不再受此限制。"
            )
            % {"reason": knockout.reason.rstrip("。"), "indicator": knockout.indicator_name}
        )
    if conditional is not None:
        reasons.append(
            _("%(reason)s（%(indicator)s：无）。有相关记录后，按得分评定等级。")
            % {"reason": conditional.reason.rstrip("。"), "indicator": conditional.indicator_name}
        )
    if needed:
        reasons.append(
            _("得分%(score)d分，距%(grade)s级（%(min)d分）还差%(points)d分。")
            % {"score": score.score, "grade": target.grade, "min": target.min, "points": needed}
        )
    if needed and costs:
        shown = "；".join(
            _("%(name)s %(points)s分") % {"name": ind.name, "points": _points_text(ind.points)}
            for ind in costs[:COSTS_SHOWN]
        )
        reasons.append(_("扣分最多的指标依次为：%(list)s。") % {"list": shown})
    if needed and gains:
        reasons.append(_("可以加分的指标：%(list)s。") % {"list": "、".join(gains)})
    return Shortfall(
        next_grade=target.grade,
        next_min=target.min,
        points_needed=needed,
        costs=tuple(costs),
        gains=gains,
        reasons=tuple(reasons),
    )


def _run_info(score: Score) -> RunInfo:
    run = score.run
    return RunInfo(
        public_id=run.public_id,
        kind=run.kind,
        kind_label=str(RunKind(run.kind).label) if run.kind in RunKind.values else run.kind,
        trigger=run.trigger,
        trigger_label=str(RunTrigger(run.trigger).label)
        if run.trigger in RunTrigger.values
        else run.trigger,
        as_of=run.as_of,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


# -- the explanations -------------------------------------------------------------------------


def explain_score(subject: Subject, score: Score) -> Explanation:
    """`score` (one of `subject`'s) explained: three or four queries whatever the model."""
    version = score.model_version
    spec = spec_of(version)
    as_of = score.run.as_of
    compiled = _compiled(version, spec, as_of)
    matches = _matches(spec, compiled, subject.pk, as_of)
    records = _record_facts(fact_id for source, fact_id, _c in matches if source == "record")
    entries = _entry_facts(fact_id for source, fact_id, _c in matches if source == "list")
    points = dict(zip(compiled.indicators, score.indicator_points, strict=False))
    values: dict[str, int] = {}
    dimensions = []
    for dimension in spec.dimensions:
        shown = []
        for ind in dimension.indicators:
            own_records = [
                records[i]
                for s, i, codes in matches
                if s == "record" and ind.code in codes and i in records
            ]
            own_entries = [
                entries[i]
                for s, i, codes in matches
                if s == "list" and ind.code in codes and i in entries
            ]
            if ind.rule.source == "subject":
                value = _subject_value(ind, subject)
            else:
                value = _value(ind, own_records, own_entries)
            values[ind.code] = value
            shown.append(
                IndicatorExplanation(
                    code=ind.code,
                    name=ind.name,
                    explain=ind.explain,
                    source=ind.rule.source,
                    measure=ind.measure,
                    value=value,
                    value_text=_value_text(ind, value, own_records),
                    points=points.get(ind.code, 0),
                    records=tuple(own_records),
                    entries=tuple(own_entries),
                )
            )
        dimensions.append(
            DimensionExplanation(
                dimension.code, dimension.name, sum(i.points for i in shown), tuple(shown)
            )
        )
    knockout = _knockout(spec, score)
    conditional = _conditional(spec, score, values, knockout)
    flat = [ind for d in dimensions for ind in d.indicators]
    now = _rescored(spec, compiled, subject.pk, as_of)
    supervision = next((s for g, s in spec.supervision.items() if g == score.grade), None)
    return Explanation(
        model_code=version.code,
        model_name=spec.name,
        version=version.version,
        model_legal_basis=tuple(
            f"《{b.title}》{b.article}" if b.article else f"《{b.title}》" for b in spec.legal_basis
        ),
        as_of=as_of,
        score=score.score,
        grade=score.grade,
        legacy_grade=score.legacy_grade,
        score_grade=_score_grade(spec, score.score).grade,
        base=spec.base,
        min_score=spec.min_score,
        max_score=spec.max_score,
        facts_used=score.facts_used,
        dimensions=tuple(dimensions),
        knockout=knockout,
        conditional=conditional,
        why_not_higher=_shortfall(spec, score, flat, knockout, conditional),
        supervision=supervision.inspection if supervision is not None else "",
        run=_run_info(score),
        score_id=score.pk,
        changed=now != (score.points, score.grade),
    )


def explain(subject: Subject, model_code: str) -> Explanation | None:
    """The subject's current score under model `model_code`, explained; None for a natural
    person or a subject the model has not scored."""
    if subject.is_person:
        return None
    score = current_score(subject.pk, model_code)
    return None if score is None else explain_score(subject, score)


def explain_all(subject: Subject) -> list[Explanation]:
    """The subject's current score under every published model, explained, by model code."""
    if subject.is_person:
        return []
    return [explain_score(subject, score) for score in current_scores(subject.pk)]
