"""The two relations every compiled model reads, as CTEs over the platform's tables.

`eval_facts` holds one row per record or list entry in effect at the end of the cut-off
day `as_of`; `eval_subjects` one row per subject a model may grade. The compiler
(`evaluation.compiler`) knows only these two names and columns, so the same compiled
model runs here and, over an exported snapshot, on Spark.

In effect at the end of `as_of`:
- a record: active (not withdrawn), received by then, decided by then, not repaired by then,
  not withheld under an open objection, and still in its publication period that day
  (`publication_ends` is the last day shown). A record received later does not count for
  an earlier cut-off, so a past `as_of` answers what the platform knew then.
- a list entry: the lists' own rule (`lists.services.queries.in_force`) at the last moment
  of the day: decision recorded by then, the day inside its duration, not removed by then.

The objection mark and the repair date are read as they are now (they carry no history):
a run for a past day sees today's due-process state, which is the point of due process.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from xinyong.catalog.models import CatalogItem, ListType
from xinyong.core.models import District
from xinyong.lists.models import ListEntry
from xinyong.records.models import ObjectionMark, Record, RecordState
from xinyong.subjects.models import Subject, SubjectKind, SubjectStatus

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class FactsQuery:
    """`WITH eval_facts AS (…), eval_subjects AS (…)` and its parameters, in order: put a
    SELECT (or a compiled model wrapped as a subquery) after it."""

    sql: str
    params: list[Any]


def cut_off(as_of: datetime.date) -> datetime.datetime:
    """The first moment after the cut-off day (local midnight): facts recorded before it
    count."""
    return timezone.make_aware(datetime.datetime.combine(as_of + ONE_DAY, datetime.time()))


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _places(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def fact_ctes(
    as_of: datetime.date,
    *,
    subject_kinds: Sequence[str],
    subject_ids: Sequence[int] | None = None,
    record_codes: Sequence[str] | None = None,
    list_codes: Sequence[str] | None = None,
) -> FactsQuery:
    """The CTEs for cut-off `as_of`: subjects of `subject_kinds` (never natural persons)
    that are active, with their facts; only `subject_ids` when given (a re-evaluation), and
    only records of `record_codes` / entries of `list_codes` when given (what the model's
    indicators read: fewer rows, the same scores)."""
    kinds = [kind for kind in subject_kinds if kind != SubjectKind.NATURAL_PERSON]
    if not kinds:
        raise ValueError("no subject kind to evaluate")
    ops = connection.ops
    moment = ops.adapt_datetimefield_value(cut_off(as_of))
    day = ops.adapt_datefield_value(as_of)
    params: list[Any] = []

    def subject_filter(column: str) -> str:
        if subject_ids is None:
            return ""
        params.extend(subject_ids)
        return f" AND {column} IN ({_places(subject_ids)})" if subject_ids else " AND 1 = 0"

    def code_filter(column: str, codes: Sequence[str] | None) -> str:
        if codes is None:
            return ""
        params.extend(codes)
        return f" AND {column} IN ({_places(codes)})" if codes else " AND 1 = 0"

    params.extend([RecordState.ACTIVE, moment, day, day, ObjectionMark.WITHHELD, day])
    records = (
        "SELECT r.subject_id AS subject_id, 'record' AS source, i.code AS code,"  # noqa: S608 - markers and table names only
        " r.severity AS severity, r.decision_date AS decided_on, r.amount AS amount,"
        " r.id AS record_id, CAST(NULL AS BIGINT) AS entry_id"
        f" FROM {_table(Record)} r JOIN {_table(CatalogItem)} i ON i.id = r.item_id"
        " WHERE r.state = %s AND r.received_at < %s AND r.decision_date <= %s"
        " AND (r.repaired_on IS NULL OR r.repaired_on > %s) AND r.objection_mark <> %s"
        " AND (r.publication_ends IS NULL OR r.publication_ends >= %s)"
    )
    records += subject_filter("r.subject_id") + code_filter("i.code", record_codes)
    params.extend([moment, day, day, moment, day])
    entries = (
        "SELECT e.subject_id, 'list', t.code, '', COALESCE(e.decision_date, e.starts_on),"  # noqa: S608 - markers and table names only
        " CAST(NULL AS DECIMAL(16, 4)), CAST(NULL AS BIGINT), e.id"
        f" FROM {_table(ListEntry)} e JOIN {_table(ListType)} t ON t.id = e.list_type_id"
        " WHERE e.in_force_from < %s AND e.starts_on <= %s"
        " AND (e.ends_on IS NULL OR e.ends_on > %s)"
        " AND (e.removed_at IS NULL OR e.removed_at >= %s OR e.removed_on > %s)"
    )
    entries += subject_filter("e.subject_id") + code_filter("t.code", list_codes)
    params.extend([*kinds, SubjectStatus.ACTIVE])
    subjects = (
        "SELECT s.id AS subject_id, s.kind AS kind, s.status AS status,"  # noqa: S608 - markers and table names only
        " COALESCE(d.code, '') AS district, s.industry AS industry, s.size AS size,"
        " CASE WHEN s.uscc <> '' THEN 1 ELSE 0 END AS has_uscc"
        f" FROM {_table(Subject)} s LEFT JOIN {_table(District)} d ON d.id = s.district_id"
        f" WHERE s.kind IN ({_places(kinds)}) AND s.status = %s"
    )
    subjects += subject_filter("s.id")
    sql = f"WITH eval_facts AS ({records} UNION ALL {entries}), eval_subjects AS ({subjects})"
    return FactsQuery(sql, params)
