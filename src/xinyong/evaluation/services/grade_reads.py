"""A subject's grades beyond the current explanation: how they changed over runs, which of
them the public may see, and the record of who read them.

Natural persons are never evaluated: each function answers nothing for them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.core.privacy import mask_in_text
from xinyong.evaluation.models import ModelVersion, Score
from xinyong.evaluation.schema import ModelSpec
from xinyong.evaluation.services.explain import Explanation
from xinyong.evaluation.services.versions import spec_of
from xinyong.subjects.models import AccessKind, Subject
from xinyong.subjects.services import access_entry, record_access

HISTORY_LIMIT = 200
"""How many of a subject's latest scores under a model the history reads."""


@dataclass(frozen=True)
class HistoryRow:
    """Consecutive scores with the same result under one model version, as one row."""

    first_as_of: datetime.date
    last_as_of: datetime.date
    scored_at: datetime.datetime
    score: int
    grade: str
    legacy_grade: str
    version: int
    runs: int
    change: str
    """'up', 'down' or 'same' against the older row; 'first' for the oldest."""


@dataclass(frozen=True)
class PublicGrade:
    """A grade the model's policy lets the public see."""

    model_code: str
    model_name: str
    grade: str
    as_of: datetime.date
    evaluated_on: datetime.date


def grade_history(subject: Subject, model_code: str) -> list[HistoryRow]:
    """The subject's grades under a model over its runs, newest first; consecutive runs with
    the same score, grade and model version are one row."""
    if subject.is_person:
        return []
    latest = (
        Score.objects.filter(subject_id=subject.pk, model_code=model_code)
        .select_related("run", "model_version")
        .order_by("-id")[:HISTORY_LIMIT]
    )
    rows: list[HistoryRow] = []
    for score in reversed(list(latest)):
        version = score.model_version.version
        last = rows[-1] if rows else None
        if last and (last.score, last.grade, last.version) == (score.score, score.grade, version):
            rows[-1] = HistoryRow(
                first_as_of=last.first_as_of,
                last_as_of=score.run.as_of,
                scored_at=score.run.finished_at or score.run.started_at,
                score=last.score,
                grade=last.grade,
                legacy_grade=last.legacy_grade,
                version=version,
                runs=last.runs + 1,
                change=last.change,
            )
            continue
        spec = spec_of(score.model_version)
        rows.append(
            HistoryRow(
                first_as_of=score.run.as_of,
                last_as_of=score.run.as_of,
                scored_at=score.run.finished_at or score.run.started_at,
                score=score.score,
                grade=score.grade,
                legacy_grade=score.legacy_grade,
                version=version,
                runs=1,
                change="first" if last is None else _change(spec, last, score),
            )
        )
    return list(reversed(rows))


def _change(spec: ModelSpec, before: HistoryRow, after: Score) -> str:
    grades = [g.grade for g in spec.grades]
    if before.grade in grades and after.grade in grades and before.grade != after.grade:
        return "up" if grades.index(after.grade) < grades.index(before.grade) else "down"
    if after.score == before.score:
        return "same"
    return "up" if after.score > before.score else "down"


def public_grades(subject: Subject) -> list[PublicGrade]:
    """The subject's current grades that the models' policy (`public_grades` of the latest
    published version) lets the public see; nothing else about the evaluation is public.
    One query for the latest versions with the subject's current score under each, one more
    for the scores only when a model makes some grade public (the portal's subject page)."""
    if subject.is_person:
        return []
    latest = ModelVersion.objects.filter(code=OuterRef("code")).order_by("-version")
    current = Score.objects.filter(subject_id=subject.pk, model_code=OuterRef("code"))
    versions = (
        ModelVersion.objects.filter(pk=Subquery(latest.values("pk")[:1]))
        .annotate(score_id=Subquery(current.order_by("-id").values("pk")[:1]))
        .order_by("code")
    )
    allowed: dict[int, tuple[ModelVersion, list[str]]] = {}
    for version in versions:
        grades: Any = (version.content or {}).get("public_grades") or []
        if grades and version.score_id is not None:
            allowed[version.score_id] = (version, list(grades))
    if not allowed:
        return []
    shown = []
    for score in Score.objects.filter(pk__in=allowed).select_related("run").order_by("model_code"):
        model, grades = allowed[score.pk]
        if score.grade not in grades:
            continue
        run = score.run
        shown.append(
            PublicGrade(
                model_code=model.code,
                model_name=model.name,
                grade=score.grade,
                as_of=run.as_of,
                evaluated_on=timezone.localdate(run.finished_at or run.started_at),
            )
        )
    return shown


def log_read(
    subject: Subject,
    explanations: Sequence[Explanation],
    *,
    organisation_id: int,
    purpose: str,
    channel: str,
) -> None:
    """Write the subject's access log (谁查询了我) and the audit log for a read of its
    evaluation by an organisation's staff or token, with the stated purpose."""
    if not explanations:
        return
    models = [f"{e.model_code} v{e.version}" for e in explanations]
    basis = "；".join(dict.fromkeys(b for e in explanations for b in e.model_legal_basis))
    with transaction.atomic():
        audit.record(
            "evaluation.read",
            "subject",
            subject.public_id,
            after={"channel": channel, "models": models},
            purpose=mask_in_text(purpose),
            organisation_id=organisation_id,
        )
        record_access(
            access_entry(
                subject.pk,
                kind=AccessKind.SHARED_READ,
                organisation_id=organisation_id,
                purpose=_("查询信用评价：%(purpose)s") % {"purpose": purpose},
                legal_basis=basis,
                reference=",".join(models),
            )
        )
