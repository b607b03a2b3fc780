"""Evaluation runs: a model's compiled SELECT over the fact CTEs, inserted as scores.

A full run is one `WITH eval_facts …, eval_subjects … INSERT INTO evaluation_score … SELECT`
on the connection's own dialect: the database does all the work, nothing passes through
Python per subject. A subjects run is the same statement with the subject ids pushed into
both CTEs (a chunk at a time), which is what re-evaluation on change and the office use.
Scores are only ever added: a subject's current grade under a model is its latest score.
Each run is recorded (`Run`: model version, data cut-off, grade counts) with an audit entry.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.evaluation.compiler import CompiledModel, compile_model
from xinyong.evaluation.facts import fact_ctes
from xinyong.evaluation.models import ModelVersion, Run, RunKind, RunStatus, RunTrigger, Score
from xinyong.evaluation.schema import ModelSpec
from xinyong.evaluation.services.versions import (
    EvaluationError,
    latest_version,
    published_versions,
    spec_of,
)

CHUNK = 900
"""Subjects per statement of a subjects run: below SQLite's historical limit of 999 bound
parameters, with room for the cut-off's own."""

DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite"}

SCORE_COLUMNS = (
    "run_id, model_version_id, model_code, subject_id, score, grade, legacy_grade, points,"
    " knockout, facts_used"
)


def _as_of(as_of: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if as_of is None:
        return today
    if as_of > today:
        raise EvaluationError("evaluation.future_as_of", _("数据截止日期不能晚于今天"))
    return as_of


_compiled: dict[tuple[str, datetime.date, str], tuple[ModelSpec, CompiledModel]] = {}
"""Compiled models by (content hash, cut-off, dialect): compiling takes ~30 ms, more than a
single-subject run may take in all, and a version's content never changes."""


def _compile(version: ModelVersion, as_of: datetime.date) -> tuple[ModelSpec, CompiledModel]:
    key = (version.content_hash, as_of, DIALECTS[connection.vendor])
    if key not in _compiled:
        if len(_compiled) >= 32:
            _compiled.clear()
        spec = spec_of(version)
        _compiled[key] = (spec, compile_model(spec, as_of=as_of, dialect=key[2]))
    return _compiled[key]


def _insert(run: Run, subject_ids: Sequence[int] | None) -> None:
    """Score the run's subjects (all eligible ones when `subject_ids` is None)."""
    spec, compiled = _compile(run.model_version, run.as_of)
    ctes = fact_ctes(
        run.as_of,
        subject_kinds=list(spec.subject_types),
        subject_ids=subject_ids,
        record_codes=spec.codes("record"),
        list_codes=spec.codes("list"),
    )
    table = connection.ops.quote_name(Score._meta.db_table)
    select = compiled.sql.replace("%", "%%")  # a literal '%' must survive parameter binding
    sql = (
        f"{ctes.sql} INSERT INTO {table} ({SCORE_COLUMNS})"  # noqa: S608 - no input in the text
        " SELECT %s, %s, %s, scored.subject_id, scored.score, scored.grade,"
        " scored.legacy_grade, scored.points, scored.knockout, scored.facts_used"
        f" FROM ({select}) scored"
    )
    version = run.model_version
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ctes.params, run.pk, version.pk, version.code])


def _execute(
    version: ModelVersion,
    *,
    kind: str,
    trigger: str,
    as_of: datetime.date,
    subject_ids: Sequence[int] | None,
) -> Run:
    run = Run.objects.create(model_version=version, kind=kind, trigger=trigger, as_of=as_of)
    try:
        with transaction.atomic():
            if subject_ids is None:
                _insert(run, None)
            for start in range(0, len(subject_ids or ()), CHUNK):
                _insert(run, (subject_ids or [])[start : start + CHUNK])
            counts = grade_counts(run)
            run.subjects = sum(counts.values())
            run.grade_counts = counts
            run.status, run.finished_at = RunStatus.DONE, timezone.now()
            run.save(update_fields=["subjects", "grade_counts", "status", "finished_at"])
            audit.record(
                "evaluation.run",
                "evaluation_run",
                run.public_id,
                after={
                    "model": str(version),
                    "kind": kind,
                    "trigger": trigger,
                    "as_of": as_of.isoformat(),
                    "subjects": run.subjects,
                    "grades": counts,
                },
            )
    except Exception as exc:
        run.status, run.finished_at = RunStatus.FAILED, timezone.now()
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.save(update_fields=["status", "finished_at", "error"])
        raise
    return run


def grade_counts(run: Run) -> dict[str, int]:
    """How many subjects of `run` got each grade, by grade."""
    rows = Score.objects.filter(run=run).values("grade").annotate(n=Count("id"))
    return {row["grade"]: row["n"] for row in sorted(rows, key=lambda row: row["grade"])}


def run_full(
    version: ModelVersion,
    *,
    as_of: datetime.date | None = None,
    trigger: str = RunTrigger.CLI,
) -> Run:
    """Score every eligible subject under `version` with data cut off at the end of
    `as_of` (today by default; a future day is refused)."""
    return _execute(
        version, kind=RunKind.FULL, trigger=trigger, as_of=_as_of(as_of), subject_ids=None
    )


def run_subjects(
    version: ModelVersion,
    subject_ids: Iterable[int],
    *,
    as_of: datetime.date | None = None,
    trigger: str = RunTrigger.EVENT,
) -> Run:
    """Score `subject_ids` (those eligible under the model) under `version`."""
    ids = sorted(set(subject_ids))
    return _execute(
        version, kind=RunKind.SUBJECTS, trigger=trigger, as_of=_as_of(as_of), subject_ids=ids
    )


def run_model(
    code: str, *, as_of: datetime.date | None = None, trigger: str = RunTrigger.CLI
) -> Run:
    """A full run of the latest published version of model `code`."""
    version = latest_version(code)
    if version is None:
        raise EvaluationError(
            "evaluation.unpublished",
            _("评价模型 %s 尚未发布，请先运行 xinyong evaluate publish --model %s") % (code, code),
        )
    return run_full(version, as_of=as_of, trigger=trigger)


def evaluate_subjects(subject_ids: Iterable[int], *, trigger: str = RunTrigger.OFFICE) -> list[Run]:
    """Score `subject_ids` today under every published model: one subjects run each."""
    ids = sorted(set(subject_ids))
    return [run_subjects(version, ids, trigger=trigger) for version in published_versions()]


def current_score(subject_id: int, model_code: str) -> Score | None:
    """The subject's current grade under a model: its latest score, or None."""
    return (
        Score.objects.filter(subject_id=subject_id, model_code=model_code)
        .select_related("run", "model_version")
        .order_by("-id")
        .first()
    )


def current_scores(subject_id: int) -> list[Score]:
    """The subject's current score under each published model that has scored it."""
    found = (current_score(subject_id, v.code) for v in published_versions())
    return [score for score in found if score is not None]


def score_history(subject_id: int, model_code: str) -> list[Score]:
    """All of the subject's scores under a model, newest first (grade changes over time)."""
    return list(
        Score.objects.filter(subject_id=subject_id, model_code=model_code)
        .select_related("run", "model_version")
        .order_by("-id")
    )


def last_full_run(code: str) -> Run | None:
    """The model's latest finished full run (any version), by cut-off then start."""
    return (
        Run.objects.filter(model_version__code=code, kind=RunKind.FULL, status=RunStatus.DONE)
        .order_by("-as_of", "-started_at")
        .first()
    )
