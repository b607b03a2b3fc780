"""The backtest and fairness report: what a model file would do before it is published.

An operator edits a model file (a weight, a threshold) and asks what the edit does. The
file as it is now — the draft, published or not — is compiled for the cut-off day and run
as one aggregate query over the same fact CTEs a run uses, joined to the subjects (district,
industry, size) and to each subject's current grade (its latest stored score under the
model). Nothing is written: no version, no run, no score.

The query groups by the finest grain the report needs — draft grade, current grade,
district, industry, size, and whether the grade rests on a single fact — so the database
returns at most a few thousand rows however many subjects there are; the distributions,
the change matrix and the single-record counts are sums over those rows.

A subject "rests on a single record" when exactly one record or list entry matched any of
the model's rules (`facts_used` = 1): a grade below the best that one fact decided is the
first thing to check for fairness, since one wrong or disputed record moves it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from xinyong.catalog.services.loading import content_hash
from xinyong.core.models import District
from xinyong.evaluation.compiler import compile_model
from xinyong.evaluation.facts import fact_ctes
from xinyong.evaluation.models import Score
from xinyong.evaluation.schema import ModelSpec
from xinyong.evaluation.services.runs import DIALECTS, _as_of
from xinyong.evaluation.services.versions import latest_version, model_file
from xinyong.subjects.models import Industry, Subject, SubjectSize

NO_GRADE = ""
"""The current grade of a subject the model has never scored."""


@dataclass(frozen=True)
class Group:
    """One row of a distribution: subjects of one district, industry or size by grade."""

    key: str
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percent(self, grade: str) -> float:
        return round(100 * self.counts.get(grade, 0) / self.total, 1) if self.total else 0.0

    def as_dict(self, grades: list[str]) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "total": self.total,
            "grades": {
                grade: {"count": self.counts.get(grade, 0), "percent": self.percent(grade)}
                for grade in grades
            },
        }


@dataclass(frozen=True)
class Backtest:
    """What the draft of one model does at one cut-off, against the current grades."""

    code: str
    name: str
    as_of: datetime.date
    file_name: str
    draft_hash: str
    published_version: int | None
    published_hash: str | None
    grades: list[str]
    """The draft's grades, best first."""
    overall: Group
    by_district: list[Group]
    by_industry: list[Group]
    by_size: list[Group]
    changes: dict[tuple[str, str], int]
    """(current grade, draft grade) → subjects; current '' for subjects never scored."""
    single_record: dict[str, int] = field(default_factory=dict)
    """Grade below the best → subjects whose grade rests on a single record."""

    @property
    def subjects(self) -> int:
        return self.overall.total

    @property
    def same_as_published(self) -> bool:
        return self.draft_hash == self.published_hash

    def movement(self) -> dict[str, int]:
        """How many subjects the draft moves up, down, leaves alone, or grades first; a
        current grade the draft no longer has counts as `other`."""
        rank = {grade: n for n, grade in enumerate(self.grades)}
        moved: Counter[str] = Counter()
        for (before, after), n in self.changes.items():
            if before == NO_GRADE:
                moved["new"] += n
            elif before not in rank:
                moved["other"] += n
            elif rank[after] < rank[before]:
                moved["up"] += n
            elif rank[after] > rank[before]:
                moved["down"] += n
            else:
                moved["unchanged"] += n
        return {key: moved[key] for key in ("up", "down", "unchanged", "new", "other")}

    def as_dict(self) -> dict[str, Any]:
        matrix: dict[str, dict[str, int]] = {}
        for (before, after), n in sorted(self.changes.items()):
            matrix.setdefault(before, {})[after] = n
        return {
            "model": self.code,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "draft": {"file": self.file_name, "content_hash": self.draft_hash},
            "published": None
            if self.published_version is None
            else {"version": self.published_version, "content_hash": self.published_hash},
            "same_as_published": self.same_as_published,
            "subjects": self.subjects,
            "grades": self.grades,
            "distribution": {
                "overall": self.overall.as_dict(self.grades),
                "district": [group.as_dict(self.grades) for group in self.by_district],
                "industry": [group.as_dict(self.grades) for group in self.by_industry],
                "size": [group.as_dict(self.grades) for group in self.by_size],
            },
            "changes": {"matrix": matrix, **self.movement()},
            "single_record": {
                "total": sum(self.single_record.values()),
                "by_grade": self.single_record,
            },
        }


def _rows(
    code: str, as_of: datetime.date, directory: Path | None
) -> tuple[ModelSpec, Path, list[tuple[Any, ...]]]:
    """The draft, compiled and run as one aggregate query: its spec, its file, the rows."""
    path, spec = model_file(code, directory)
    compiled = compile_model(spec, as_of=as_of, dialect=DIALECTS[connection.vendor])
    ctes = fact_ctes(
        as_of,
        subject_kinds=list(spec.subject_types),
        record_codes=spec.codes("record"),
        list_codes=spec.codes("list"),
    )
    quote = connection.ops.quote_name
    scores, subjects = quote(Score._meta.db_table), quote(Subject._meta.db_table)
    districts = quote(District._meta.db_table)
    select = compiled.sql.replace("%", "%%")  # a literal '%' must survive parameter binding
    # The current grade: the subject's latest score under the model, one probe of the
    # (subject, model_code, -id) index per subject.
    sql = (
        f"{ctes.sql} SELECT grade, current_grade, district, industry, size, single, COUNT(*)"  # noqa: S608 - no input in the text
        " FROM (SELECT d.grade AS grade,"
        f" COALESCE((SELECT c.grade FROM {scores} c WHERE c.subject_id = d.subject_id"
        " AND c.model_code = %s ORDER BY c.id DESC LIMIT 1), '') AS current_grade,"
        " COALESCE(t.code, '') AS district, s.industry AS industry, s.size AS size,"
        " CASE WHEN d.facts_used = 1 THEN 1 ELSE 0 END AS single"
        f" FROM ({select}) d JOIN {subjects} s ON s.id = d.subject_id"
        f" LEFT JOIN {districts} t ON t.id = s.district_id) graded"
        " GROUP BY grade, current_grade, district, industry, size, single"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ctes.params, spec.code])
        return spec, path, cursor.fetchall()


def _groups(
    totals: dict[str, Counter[str]], labels: dict[str, str], order: list[str]
) -> list[Group]:
    """Groups in `order` (keys first, then any other key sorted), unknown ('') last."""
    keys = [key for key in order if key in totals]
    keys += sorted(key for key in totals if key not in keys and key)
    keys += [""] if "" in totals and "" not in keys else []
    unknown = _("未登记")
    return [Group(key, labels.get(key, key) if key else unknown, dict(totals[key])) for key in keys]


def backtest(
    code: str, *, as_of: datetime.date | None = None, directory: Path | None = None
) -> Backtest:
    """The report on the model file of `code` in `directory` (the packaged models by
    default) as it is now, at the end of `as_of` (today by default). Writes nothing."""
    day = _as_of(as_of)
    spec, path, rows = _rows(code, day, directory)
    overall: Counter[str] = Counter()
    by: dict[str, dict[str, Counter[str]]] = {"district": {}, "industry": {}, "size": {}}
    changes: Counter[tuple[str, str]] = Counter()
    single: Counter[str] = Counter()
    best = spec.grades[0].grade
    for grade, current, district, industry, size, one, n in rows:
        overall[grade] += n
        for name, key in (("district", district), ("industry", industry), ("size", size)):
            by[name].setdefault(key, Counter())[grade] += n
        changes[(current, grade)] += n
        if one and grade != best:
            single[grade] += n
    grades: list[str] = [row.grade for row in spec.grades]
    published = latest_version(code)
    district_names = dict(District.objects.values_list("code", "name"))
    return Backtest(
        code=spec.code,
        name=spec.name,
        as_of=day,
        file_name=path.name,
        draft_hash=content_hash(spec.model_dump(mode="json")),
        published_version=published.version if published else None,
        published_hash=published.content_hash if published else None,
        grades=grades,
        overall=Group("", _("全部"), dict(overall)),
        by_district=_groups(by["district"], district_names, sorted(district_names)),
        by_industry=_groups(
            by["industry"],
            {key: f"{key} {label}" for key, label in Industry.choices},
            list(Industry.values),
        ),
        by_size=_groups(
            by["size"],
            {key: str(label) for key, label in SubjectSize.choices},
            list(SubjectSize.values),
        ),
        changes=dict(changes),
        single_record={grade: single[grade] for grade in grades if single[grade]},
    )
