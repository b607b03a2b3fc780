"""What grades are used for: classified supervision (分级分类监管) and grade-based measures.

The current grade of a subject under a model is its latest score (`runs.current_score`).
Supervision counts and lists the current grades of every graded subject, so it cannot ask
subject by subject: it reads them as one set. A model's last full run scored every subject
the model grades; only the runs that wrote after that run began can hold a later score. So
the current set is the full run's scores, each replaced by the latest later score of its
subject, plus subjects scored only later: one statement over the full run's rows (by the
run index) and the few later ones (by id, past the full run's last score). A subject whose
latest score is older than the last full run was not eligible for it (deregistered, or of
another kind) and is not under supervision; nor is a subject that is no longer active.
Counting 1.5 million subjects takes seconds, so the counts are kept in the cache under the
model's latest run: counted again after any run, and at least every five minutes.

A check needs one subject's grade, possibly as it stood at a past moment: the latest score
of a run finished by then (`grades_at`, one indexed query).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from xinyong.core.models import District
from xinyong.evaluation.models import ModelVersion, Run, RunKind, RunStatus, Score
from xinyong.evaluation.schema import ModelSpec
from xinyong.evaluation.services.versions import EvaluationError, latest_version, spec_of
from xinyong.subjects.models import Subject, SubjectStatus

NO_DISTRICT = "none"
"""The district filter for subjects without a district."""

CHUNK = 2000
"""Rows fetched at a time for a download."""

COUNTS_SECONDS = 300
"""How long the counts are kept. They change with every run (which changes the key), so
this only bounds how late a subject's change of status or district shows (about 3 s to
count 1.5 million subjects on PostgreSQL, every page of the list needs the counts)."""


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@dataclass(frozen=True)
class _Current:
    """The statement of a model's current scores (`cur`: subject_id, id, grade, legacy_grade,
    score, run_id, model_version_id) and its parameters."""

    sql: str
    params: list[Any]


def _overlapping(full: Run, code: str) -> list[int]:
    """Runs of the model other than `full` that were under way while it was: their scores
    may have ids among its own."""
    finished = full.finished_at or full.started_at
    rows = Run.objects.filter(
        model_version__code=code,
        status=RunStatus.DONE,
        started_at__lte=finished,
        finished_at__gte=full.started_at,
    ).exclude(pk=full.pk)
    return list(rows.values_list("pk", flat=True))


def _last_full(code: str) -> Run | None:
    """The model's full run that wrote last (a run for a past cut-off started later is
    later: its scores are the latest)."""
    runs = Run.objects.filter(model_version__code=code, kind=RunKind.FULL, status=RunStatus.DONE)
    return runs.order_by("-pk").first()


def _current(code: str, full: Run | None) -> _Current:
    """The current scores of model `code` whose last full run is `full`."""
    score = _table(Score)
    columns = "subject_id, id, grade, legacy_grade, score, run_id, model_version_id"
    if full is None:
        late = f"SELECT {columns} FROM {score} WHERE model_code = %s"  # noqa: S608 - names only
        late_params: list[Any] = [code]
    else:
        last_id = Score.objects.filter(run=full).aggregate(last=Max("id"))["last"] or 0
        late = f"SELECT {columns} FROM {score} WHERE model_code = %s AND id > %s"  # noqa: S608
        late_params = [code, last_id]
        during = _overlapping(full, code)
        if during:
            places = ", ".join(["%s"] * len(during))
            late += (
                f" UNION ALL SELECT {columns} FROM {score}"  # noqa: S608 - names and markers
                f" WHERE model_code = %s AND run_id IN ({places}) AND id <= %s"
            )
            late_params += [code, *during, last_id]
    sql = (
        f"WITH late AS ({late}),"  # noqa: S608 - names and markers only
        " last_late AS (SELECT * FROM late l WHERE NOT EXISTS"
        " (SELECT 1 FROM late m WHERE m.subject_id = l.subject_id AND m.id > l.id))"
    )
    if full is None:
        sql += ", cur AS (SELECT * FROM last_late)"
        return _Current(sql, late_params)
    sql += (
        f", cur AS (SELECT {columns} FROM {score} f WHERE f.run_id = %s"  # noqa: S608
        " AND NOT EXISTS (SELECT 1 FROM last_late l WHERE l.subject_id = f.subject_id"
        " AND l.id > f.id)"
        " UNION ALL SELECT * FROM last_late l WHERE NOT EXISTS"
        f" (SELECT 1 FROM {score} f WHERE f.subject_id = l.subject_id"
        " AND f.model_code = %s AND f.run_id = %s AND f.id > l.id))"
    )
    return _Current(sql, [*late_params, full.pk, code, full.pk])


@dataclass(frozen=True)
class GradeCount:
    """One grade of a model: what policy suggests for its supervision, and how many
    subjects hold it now, by district code ('' for none)."""

    grade: str
    legacy: str
    inspection: str
    note: str
    by_district: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_district.values())


@dataclass(frozen=True)
class DistrictColumn:
    code: str  # '' for subjects without a district
    name: str
    total: int


@dataclass(frozen=True)
class Overview:
    """A model's current grades by grade and district, with the supervision policy."""

    version: ModelVersion
    full_run: Run | None
    grades: list[GradeCount]
    districts: list[DistrictColumn]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.grades)

    def count(self, grade: str = "", district: str = "") -> int:
        """Subjects of `grade` in `district` ('' for every grade or district, NO_DISTRICT
        for subjects without one): the size of a filtered list, without counting again."""
        wanted = "" if district == NO_DISTRICT else district
        return sum(
            n
            for row in self.grades
            if not grade or row.grade == grade
            for code, n in row.by_district.items()
            if not district or code == wanted
        )


def model_for(code: str) -> tuple[ModelVersion, ModelSpec]:
    """The latest published version of model `code` and its content."""
    version = latest_version(code)
    if version is None:
        raise EvaluationError("evaluation.unpublished", _("评价模型 %s 尚未发布") % code)
    return version, spec_of(version)


def supervision_overview(code: str) -> Overview:
    """The counts of current grades under model `code` by grade × district (one aggregate
    statement), each grade with its supervision suggestion from the model's latest
    version. Grades of older versions that the latest lacks come last."""
    version, spec = model_for(code)
    full = _last_full(code)
    runs = Run.objects.filter(model_version__code=code, status=RunStatus.DONE)
    done = runs.aggregate(last=Max("pk"), n=Count("pk"))
    key = f"xinyong.supervision:{code}:{done['last']}:{done['n']}"
    counts: dict[str, dict[str, int]] | None = cache.get(key)
    if counts is None:
        counts = _counts(code, full)
        cache.set(key, counts, COUNTS_SECONDS)
    grades = [
        GradeCount(
            row.grade,
            row.legacy,
            spec.supervision[row.grade].inspection if row.grade in spec.supervision else "",
            spec.supervision[row.grade].note if row.grade in spec.supervision else "",
            counts.get(row.grade, {}),
        )
        for row in spec.grades
    ]
    known = {row.grade for row in spec.grades}
    grades += [GradeCount(g, "", "", "", n) for g, n in sorted(counts.items()) if g not in known]
    return Overview(version, full, grades, _districts(grades))


def _counts(code: str, full: Run | None) -> dict[str, dict[str, int]]:
    """Grade → district code ('' for none) → active subjects: one aggregate statement."""
    current = _current(code, full)
    sql = (
        f"{current.sql} SELECT cur.grade, COALESCE(d.code, ''), COUNT(*) FROM cur"  # noqa: S608
        f" JOIN {_table(Subject)} s ON s.id = cur.subject_id"
        f" LEFT JOIN {_table(District)} d ON d.id = s.district_id"
        " WHERE s.status = %s GROUP BY cur.grade, d.code"
    )
    counts: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*current.params, SubjectStatus.ACTIVE])
        for grade, district, n in cursor.fetchall():
            counts.setdefault(grade, {})[district] = int(n)
    return counts


def _districts(grades: list[GradeCount]) -> list[DistrictColumn]:
    """Every current district, then any other district (abolished) or none that has
    subjects, with its total."""
    totals: dict[str, int] = {}
    for row in grades:
        for code, n in row.by_district.items():
            totals[code] = totals.get(code, 0) + n
    found = District.objects.filter(Q(is_current=True) | Q(code__in=list(totals)))
    names = dict(found.order_by("-is_current", "code").values_list("code", "name"))
    columns = [DistrictColumn(code, name, totals.get(code, 0)) for code, name in names.items()]
    if totals.get(""):
        columns.append(DistrictColumn("", _("未登记区划"), totals[""]))
    return columns


@dataclass(frozen=True)
class Supervised:
    """One subject under supervision, as the list and the download show it."""

    public_id: str
    name: str
    uscc: str
    district: str  # the district's name, '' for none
    grade: str
    legacy_grade: str
    score: int
    as_of: datetime.date
    version: int


def _listing(code: str, grade: str, district: str) -> tuple[str, list[Any]]:
    current = _current(code, _last_full(code))
    sql = (
        f"{current.sql} SELECT s.public_id, s.name, s.uscc, COALESCE(d.name, ''),"  # noqa: S608
        " cur.grade, cur.legacy_grade, cur.score, r.as_of, v.version FROM cur"
        f" JOIN {_table(Subject)} s ON s.id = cur.subject_id"
        f" LEFT JOIN {_table(District)} d ON d.id = s.district_id"
        f" JOIN {_table(Run)} r ON r.id = cur.run_id"
        f" JOIN {_table(ModelVersion)} v ON v.id = cur.model_version_id"
        " WHERE s.status = %s"
    )
    params = [*current.params, SubjectStatus.ACTIVE]
    if grade:
        sql += " AND cur.grade = %s"
        params.append(grade)
    if district == NO_DISTRICT:
        sql += " AND s.district_id IS NULL"
    elif district:
        sql += " AND d.code = %s"
        params.append(district)
    return sql + " ORDER BY s.id", params


def _row(values: tuple[Any, ...]) -> Supervised:
    public_id, name, uscc, district, grade, legacy, score, as_of, version = values
    if isinstance(as_of, str):  # SQLite hands dates back as text from a raw query
        as_of = datetime.date.fromisoformat(as_of)
    return Supervised(
        public_id, name, uscc, district, grade, legacy, int(score), as_of, int(version)
    )


def supervised_subjects(
    code: str, *, grade: str = "", district: str = "", offset: int = 0, limit: int = 50
) -> list[Supervised]:
    """A page of the subjects under model `code` of `grade` in `district` (both optional;
    NO_DISTRICT for none), in registration order."""
    sql, params = _listing(code, grade, district)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
        return [_row(values) for values in cursor.fetchall()]


def all_supervised_subjects(
    code: str, *, grade: str = "", district: str = ""
) -> Iterator[Supervised]:
    """Every subject `supervised_subjects` would list, read a chunk at a time (a download)."""
    sql, params = _listing(code, grade, district)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from (_row(values) for values in rows)


@dataclass(frozen=True)
class GradeFact:
    """A subject's grade under a model as a check relies on it: which model version gave
    it, in which run, with data cut off at the end of `as_of`."""

    model: str
    model_name: str
    version: int
    grade: str
    legacy_grade: str
    as_of: datetime.date
    run: str


def grades_at(
    subject_id: int, models: Collection[str], at: datetime.datetime
) -> dict[str, GradeFact]:
    """The subject's current grade under each of `models` at moment `at`: its latest score
    from a run finished by then (one query on the current-grade index)."""
    if not models:
        return {}
    latest = (
        Score.objects.filter(
            subject_id=subject_id, model_code__in=list(models), run__finished_at__lte=at
        )
        .values("model_code")
        .annotate(last=Max("id"))
        .values("last")
    )
    rows = Score.objects.filter(id__in=latest).select_related("model_version", "run")
    return {
        row.model_code: GradeFact(
            row.model_code,
            row.model_version.name,
            row.model_version.version,
            row.grade,
            row.legacy_grade,
            row.run.as_of,
            row.run.public_id,
        )
        for row in rows
    }
