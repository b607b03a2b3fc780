"""One check (应查必查): find the subject, what the lists said at the moment asked, the
measures that follow in the scenario, and a signed receipt of it all.

The answer is computed from three things, each named in the receipt so it can be audited
later: the subject as identified, the list entries in force at `as_of` (their ids and
history versions: the *list state*), and the list and measure policy in force at `as_of`
(its load id and fingerprint). Where a measure of the scenario follows an evaluation grade,
the subject's grade then (its latest score from a run finished by `as_of`) is a fourth, named
in the measure with its model, version, cut-off and run. A code that is valid but unknown
answers `unknown_subject`, never "no hits": the platform cannot vouch for a subject it does
not hold.

Writes per check: the check (with its receipt) and one entry of the subject's access log,
together (one statement on PostgreSQL). No hash-chained audit entry: a check changes
nothing, the check row is never updated, and its receipt is signed — the chain would add a
serialising write to every check for no extra evidence.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.schema_lists import ScenarioEntry
from xinyong.catalog.services import PolicyLookupError, deadline_for
from xinyong.catalog.services.measures import MeasurePolicy, MeasureRule, measure_policy
from xinyong.checks.models import Check
from xinyong.checks.services.errors import CheckError
from xinyong.core import bulk, calendar
from xinyong.core.identifiers import IdKind, normalise
from xinyong.core.identifiers import check as check_code
from xinyong.core.privacy import mask_in_text
from xinyong.core.signing import sign
from xinyong.evaluation.services import GradeFact, grades_at
from xinyong.lists.services import EntryInForce, entries_in_force
from xinyong.subjects.models import AccessKind, Subject
from xinyong.subjects.services import access_entry, display_name, find_subject, masked_id

RECEIPT_TYPE = "xinyong.check/1"
FEEDBACK_DEADLINE = "check_feedback"
MAX_QUERY = 64
USCC_LENGTH = 18
MAX_MATTER = 200


@dataclass(frozen=True)
class Checker:
    """The organisation that checks, as its receipt names it (the API has it from the token,
    without another query)."""

    id: int
    uscc: str
    name: str

    @classmethod
    def of(cls, organisation: Organisation) -> Checker:
        return cls(organisation.pk, organisation.uscc, organisation.name)


@dataclass(frozen=True)
class CheckRequest:
    """What a checker asks: a subject code, a scenario, the business matter, and optionally
    a past moment to answer for."""

    subject: str
    scenario: str
    matter: str
    as_of: datetime | None = None


def shown_moment(moment: datetime) -> str:
    """A moment as receipts show it: local time, to the second."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def subject_block(subject: Subject) -> dict[str, object]:
    """The subject as an answer names it: persons masked."""
    return {
        "public_id": subject.public_id,
        "name": display_name(subject),
        "kind": subject.kind,
        "uscc": subject.uscc or None,
        "citizen_id": masked_id(subject) or None,
    }


def _entry_block(entry: EntryInForce, policy: MeasurePolicy) -> dict[str, object]:
    list_type = policy.list_types.get(entry.list_type)
    return {
        "entry": entry.public_id,
        "list_type": entry.list_type,
        "list_name": list_type.name if list_type else entry.list_type,
        "kind": entry.list_kind,
        "decided_by": entry.organisation_name,
        "decision_no": entry.doc_no,
        "decision_date": entry.decision_date.isoformat() if entry.decision_date else None,
        "listed_from": entry.starts_on.isoformat(),
        "listed_until": entry.ends_on.isoformat() if entry.ends_on else None,
        "published": entry.published,
    }


def _measure_block(rule: MeasureRule, listed: frozenset[str]) -> dict[str, object]:
    measure = rule.definition
    return {
        "code": measure.code,
        "text": measure.text,
        "kind": measure.kind,
        "obligation": measure.obligation,
        "because_of": sorted(listed & set(measure.list_types)),
        "legal_basis": [basis.title for basis in measure.legal_basis],
        "source": rule.source.name,
        "version": rule.version,
    }


@dataclass(frozen=True)
class Measures:
    """The measures that follow a set of list types in a scenario, as an answer shows them:
    the same for every subject on the same lists (batch comparison computes them once per
    combination)."""

    triggering: frozenset[str]  # the list types that some measure follows
    blocks: list[dict[str, object]]


def measures_in(policy: MeasurePolicy, scenario: str, listed: frozenset[str]) -> Measures:
    rules = policy.measures_for(scenario, listed)
    return Measures(
        frozenset(code for rule in rules for code in rule.definition.list_types),
        [_measure_block(rule, listed) for rule in rules],
    )


@dataclass(frozen=True)
class Findings:
    """What one subject's entries in force mean in a scenario: the entries that trigger a
    measure, the measures and the list state's digest — the part of an answer that does not
    depend on who asked or about whom by which code."""

    hits: list[dict[str, object]]
    measures: list[dict[str, object]]
    list_state: str
    entries: int


def findings(
    entries: list[EntryInForce],
    measures: Measures,
    policy: MeasurePolicy,
) -> Findings:
    """`entries` (one subject's, in force) read with `measures` (those of their list types)."""
    hit = [e for e in entries if e.list_type in measures.triggering]
    return Findings(
        [_entry_block(e, policy) for e in hit],
        measures.blocks,
        list_state(entries),
        len(entries),
    )


def listed_types(entries: list[EntryInForce]) -> frozenset[str]:
    return frozenset(e.list_type for e in entries)


def list_state(entries: list[EntryInForce]) -> str:
    """SHA-256 of the entries a result rests on, as the check saw them: the same entries in
    the same state give the same digest."""
    rows = sorted(
        (e.public_id, e.list_type, e.doc_no, e.starts_on.isoformat(),
         e.ends_on.isoformat() if e.ends_on else "", e.published)
        for e in entries
    )  # fmt: skip
    return hashlib.sha256(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()


_DUE_TTL = 60.0
_due_cache: dict[date, tuple[date, float]] = {}


def feedback_due_after(today: date) -> date:
    """When feedback on a check with hits made on `today` is due (policy, working days).

    Kept a minute per process: it takes two queries (the deadline and the calendar), every
    check with hits needs it, and both change a few times a year."""
    cached = _due_cache.get(today)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    rule = deadline_for(FEEDBACK_DEADLINE, today)
    due = calendar.add_working_days_provisional(today, rule.working_days)[0]
    _due_cache.clear()
    _due_cache[today] = (due, time.monotonic() + _DUE_TTL)
    return due


def payload(
    *,
    check_id: str,
    moments: tuple[str, str],
    checker: Checker,
    matter: str,
    scenario: ScenarioEntry,
    query: str,
    subject: Subject | None,
    found: Findings,
    policy: MeasurePolicy,
) -> dict[str, Any]:
    """The answer to one check — the receipt's payload; `moments` are when it was checked
    and the moment it answers for, as the receipt shows them. Batch comparison encodes each
    field once per run and distinct entries in force, except `batch.ROW_FIELDS`: a field
    that depends on anything else of the subject must be added there."""
    return {
        "type": RECEIPT_TYPE,
        "check_id": check_id,
        "checked_at": moments[0],
        "as_of": moments[1],
        "checker": {"uscc": checker.uscc, "name": checker.name},
        "matter": matter,
        "scenario": {"code": scenario.code, "name": scenario.name},
        "query": query,
        "subject": subject_block(subject) if subject is not None else None,
        "result": _result(subject, found),
        "entries": found.hits,
        "measures": found.measures,
        "policy": {"version": policy.state.version, "fingerprint": policy.state.fingerprint},
        "list_state": {"digest": found.list_state, "entries": found.entries},
    }


def _result(subject: Subject | None, found: Findings) -> str:
    """`hits` when an entry in force triggers a measure or a measure follows the subject's
    grade: either way the checker has a measure to apply and feedback to give."""
    if subject is None:
        return "unknown_subject"
    graded = any("grade" in block for block in found.measures)
    return "hits" if found.hits or graded else "no_hits"


def graded_models(policy: MeasurePolicy, scenario: str) -> set[str]:
    """The evaluation models whose grades some measure of `scenario` follows (usually
    none: then a check reads no grade)."""
    return {
        rule.definition.grade.model
        for rule in policy.grade_measures_in(scenario)
        if rule.definition.grade is not None
    }


def grade_measures(
    policy: MeasurePolicy, scenario: str, grades: dict[str, GradeFact]
) -> list[dict[str, object]]:
    """The measures of `scenario` that follow a grade the subject holds (`grades`: its
    current grade by model), each with the grade it rests on: model, version, cut-off, run."""
    blocks: list[dict[str, object]] = []
    for rule in policy.grade_measures_in(scenario):
        condition = rule.definition.grade
        fact = grades.get(condition.model) if condition is not None else None
        if condition is None or fact is None or fact.grade not in condition.grades:
            continue
        grade = {
            "model": fact.model,
            "model_name": fact.model_name,
            "version": fact.version,
            "grade": fact.grade,
            "legacy_grade": fact.legacy_grade,
            "as_of": fact.as_of.isoformat(),
            "run": fact.run,
        }
        blocks.append({**_measure_block(rule, frozenset()), "grade": grade})
    return blocks


def answer(
    *,
    checker: Checker,
    actor_label: str,
    subject: Subject | None,
    query_shown: str,
    scenario: ScenarioEntry,
    matter: str,
    as_of: datetime,
    now: datetime,
    entries: list[EntryInForce],
    policy: MeasurePolicy,
    grades: dict[str, GradeFact] | None = None,
) -> tuple[Check, dict[str, Any]]:
    """A check (unsaved) and its answer — the receipt's payload — from what was found: the
    subject, its entries in force at `as_of`, its grades then (by model) and the policy
    then. Measures that follow a grade join those that follow lists, in code order."""
    measures = measures_in(policy, scenario.code, listed_types(entries))
    found = findings(entries, measures, policy)
    graded = grade_measures(policy, scenario.code, grades or {})
    if graded:
        both = sorted([*found.measures, *graded], key=lambda block: str(block["code"]))
        found = replace(found, measures=both)
    check = Check(
        organisation_id=checker.id,
        actor_label=actor_label[:150],
        subject=subject,
        query_shown=query_shown,
        scenario=scenario.code,
        matter=matter,
        as_of=as_of,
        checked_at=now,
        hit_count=len(found.hits),
        measure_count=len(found.measures),
        policy_version=policy.state.version,
        list_state=found.list_state,
    )
    answered = payload(
        check_id=check.public_id, moments=(shown_moment(now), shown_moment(as_of)), checker=checker,
        matter=matter, scenario=scenario, query=query_shown, subject=subject, found=found,
        policy=policy,
    )  # fmt: skip
    return check, answered


def run_check(checker: Checker, request: CheckRequest, *, actor_label: str) -> Check:
    """Answer `request` for `checker` and record it (see the module doc); CheckError
    for a request that cannot be answered (nothing is written then)."""
    now = timezone.now()
    as_of = request.as_of or now
    if as_of > now:
        raise CheckError("check.as_of_future", _("核查时点不能晚于当前时间"))
    matter = request.matter.strip()
    if not matter:
        raise CheckError(
            "check.matter_required", _("请说明办理的业务事项（matter），如事项名称和文号")
        )
    try:
        policy = measure_policy(as_of)
        scenario = policy.scenario(request.scenario)
    except PolicyLookupError as exc:
        raise CheckError(exc.reason, exc.message) from exc
    code = normalise(request.subject)
    if not code or len(code) > MAX_QUERY:
        raise CheckError("check.subject_code", _("请提供主体的统一社会信用代码或其他登记代码"))
    if len(code) == USCC_LENGTH and not any(
        check_code(code, kind).valid for kind in (IdKind.USCC, IdKind.CITIZEN_ID)
    ):
        raise CheckError(
            "check.subject_code",
            _("18 位代码既不是有效的统一社会信用代码，也不是有效的公民身份号码（校验位不符）"),
        )
    subject = find_subject(code)
    entries = entries_in_force([subject.pk], as_of).get(subject.pk, []) if subject else []
    models = graded_models(policy, scenario.code)
    grades: dict[str, GradeFact] = {}
    if subject is not None and models and not subject.is_person:  # persons are never graded
        grades = grades_at(subject.pk, models, as_of)
    check, payload = answer(
        checker=checker,
        actor_label=actor_label,
        subject=subject,
        query_shown=mask_in_text(code)[:100],
        scenario=scenario,
        matter=mask_in_text(matter)[:MAX_MATTER],
        as_of=as_of,
        now=now,
        entries=entries,
        policy=policy,
        grades=grades,
    )
    check.receipt = sign(payload)
    if check.measure_count and request.as_of is None:
        check.feedback_due = feedback_due_after(timezone.localdate(now))
    written: list[Model] = [check]
    if subject is not None:
        written.append(
            access_entry(
                subject.pk,
                kind=AccessKind.CHECK,
                organisation_id=checker.id,
                purpose=f"{scenario.name}：{matter}",
                legal_basis=_("联合奖惩核查（应查必查）"),
                reference=check.public_id,
                at=now,
            )
        )
    bulk.insert_rows(written)
    return check
