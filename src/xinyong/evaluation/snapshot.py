"""Snapshots of the evaluation inputs, for running the models on Apache Spark at national
scale (`xinyong evaluate export` and `xinyong evaluate spark`).

A snapshot is a directory holding the two relations every compiled model reads, as the
platform's database defines them for one cut-off day (`evaluation.facts`), in Parquet with
the schemas of `evaluation.spark`:

    eval_facts.parquet     records and list entries in effect, of the subjects below
    eval_subjects.parquet  active subjects of every kind but natural persons
    snapshot.json          the cut-off day, row counts and when it was taken

Every fact is exported whatever item it is of, so one snapshot serves every model; the
facts of natural persons (never scored) stay in the platform. Rows are read through a
server-side cursor and written a bounded batch at a time, so the exporting process's memory
does not grow with the data. A snapshot holds subject ids and fact codes only: no names and
no identifiers.

On Spark the model is compiled for the snapshot's own cut-off day, so its scores equal a
run's in the platform for the same day (`compare_run` proves it, set-based, in Spark).

Needs the optional extra `xinyong[spark]` (pyarrow, pyspark; a Java runtime to run Spark).
"""

from __future__ import annotations

import datetime
import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.evaluation.compiler import OUTPUT_COLUMNS, compile_model
from xinyong.evaluation.facts import fact_ctes
from xinyong.evaluation.models import ModelVersion, Run, RunKind, RunStatus, Score
from xinyong.evaluation.services import EvaluationError, spec_of
from xinyong.evaluation.spark import FACTS_SCHEMA, SUBJECTS_SCHEMA, register_inputs, score_frame
from xinyong.subjects.models import SubjectKind

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MANIFEST = "snapshot.json"
FACTS_FILE = "eval_facts.parquet"
SUBJECTS_FILE = "eval_subjects.parquet"
FORMAT = 1
BATCH_ROWS = 50_000
"""Rows per Parquet batch: the bound on the exporting process's memory (a few MB)."""

FOUR_PLACES = Decimal("0.0001")

SCORES_SCHEMA = pa.schema(
    [
        ("subject_id", pa.int64()),
        ("score", pa.int32()),
        ("grade", pa.string()),
        ("legacy_grade", pa.string()),
        ("points", pa.string()),
        ("knockout", pa.string()),
        ("facts_used", pa.int64()),
    ]
)
"""A run's scores as compared with Spark's (the compiler's `OUTPUT_COLUMNS`)."""


@dataclass(frozen=True)
class Snapshot:
    """An exported snapshot: where it is, its cut-off day and how many rows it holds."""

    directory: Path
    as_of: datetime.date
    facts: int
    subjects: int

    @property
    def facts_path(self) -> Path:
        return self.directory / FACTS_FILE

    @property
    def subjects_path(self) -> Path:
        return self.directory / SUBJECTS_FILE


# -- export ------------------------------------------------------------------------------------


def _day(value: Any) -> datetime.date | None:
    """A date as the driver returns it (SQLite: text when the column lost its type)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _amount(value: Any) -> Decimal | None:
    """An amount in 万元 to four places (SQLite returns numbers, PostgreSQL decimals)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(FOUR_PLACES)


def _batch(rows: Sequence[tuple[Any, ...]], schema: pa.Schema) -> pa.RecordBatch:
    arrays = []
    for column, schema_field in zip(zip(*rows, strict=True), schema, strict=True):
        values: Iterable[Any] = column
        if pa.types.is_date32(schema_field.type):
            values = map(_day, column)
        elif pa.types.is_decimal(schema_field.type):
            values = map(_amount, column)
        arrays.append(pa.array(list(values), type=schema_field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _write(sql: str, params: Sequence[Any], path: Path, schema: pa.Schema, batch_rows: int) -> int:
    """The rows of `sql` into the Parquet file `path`, a batch at a time; how many."""
    written = 0
    partial = path.with_name(path.name + ".partial")
    with (
        transaction.atomic(),  # a server-side cursor lives in a transaction
        connection.chunked_cursor() as cursor,
        pq.ParquetWriter(partial, schema) as writer,
    ):
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch_rows):
            writer.write_batch(_batch(rows, schema))
            written += len(rows)
    partial.replace(path)
    return written


def export_snapshot(as_of: datetime.date, out: Path, *, batch_rows: int = BATCH_ROWS) -> Snapshot:
    """Write the evaluation inputs at the end of `as_of` into the directory `out` (made if
    missing; an earlier snapshot there is replaced)."""
    if as_of > timezone.localdate():
        raise EvaluationError("evaluation.future_as_of", _("数据截止日期不能晚于今天"))
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # no manifest: no snapshot, until it is whole
    kinds = [kind for kind in SubjectKind.values if kind != SubjectKind.NATURAL_PERSON]
    ctes = fact_ctes(as_of, subject_kinds=kinds)
    facts = _write(
        f"{ctes.sql} SELECT {', '.join(FACTS_SCHEMA.names)} FROM eval_facts"  # noqa: S608 - column names only
        " WHERE subject_id IN (SELECT subject_id FROM eval_subjects)",
        ctes.params,
        out / FACTS_FILE,
        FACTS_SCHEMA,
        batch_rows,
    )
    subjects = _write(
        f"{ctes.sql} SELECT {', '.join(SUBJECTS_SCHEMA.names)} FROM eval_subjects",  # noqa: S608 - column names only
        ctes.params,
        out / SUBJECTS_FILE,
        SUBJECTS_SCHEMA,
        batch_rows,
    )
    manifest = {
        "format": FORMAT,
        "as_of": as_of.isoformat(),
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "facts": facts,
        "subjects": subjects,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return Snapshot(out, as_of, facts, subjects)


def open_snapshot(directory: Path) -> Snapshot:
    """The snapshot exported into `directory`; refused when there is none (or half of one)."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvaluationError(
            "evaluation.no_snapshot", _("%s 中没有完整的评价数据快照") % directory
        ) from exc
    if manifest.get("format") != FORMAT:
        raise EvaluationError(
            "evaluation.snapshot_format", _("%s 中的快照格式不受支持") % directory
        )
    return Snapshot(
        directory,
        datetime.date.fromisoformat(manifest["as_of"]),
        int(manifest["facts"]),
        int(manifest["subjects"]),
    )


# -- Spark -------------------------------------------------------------------------------------


def _register(spark: SparkSession, snapshot: Snapshot) -> None:
    register_inputs(spark, facts=snapshot.facts_path, subjects=snapshot.subjects_path)


def spark_scores(spark: SparkSession, snapshot: Snapshot, version: ModelVersion, out: Path) -> int:
    """Score the snapshot's subjects under `version` on Spark and write the rows
    (`OUTPUT_COLUMNS`) as Parquet to `out` — a directory of part files, Spark's layout;
    returns how many."""
    _register(spark, snapshot)
    compiled = compile_model(spec_of(version), as_of=snapshot.as_of, dialect="spark")
    score_frame(spark, compiled).select(*OUTPUT_COLUMNS).write.mode("overwrite").parquet(str(out))
    count: int = spark.read.parquet(str(out)).count()
    return count


@dataclass(frozen=True)
class Comparison:
    """A stored run against the same model on Spark over a snapshot of the same day."""

    run: str
    model: str
    version: int
    as_of: datetime.date
    database: int
    spark: int
    equal: int
    different: int
    only_in_database: int
    only_on_spark: int
    examples: list[dict[str, Any]]
    """Up to ten subjects whose rows differ: both rows, side by side."""

    @property
    def identical(self) -> bool:
        return self.equal == self.database == self.spark

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "model": self.model,
            "version": self.version,
            "as_of": self.as_of.isoformat(),
            "database": self.database,
            "spark": self.spark,
            "equal": self.equal,
            "different": self.different,
            "only_in_database": self.only_in_database,
            "only_on_spark": self.only_on_spark,
            "identical": self.identical,
            "examples": self.examples,
        }


def stored_run(public_id: str) -> Run:
    """A finished full run by its public id (or a unique prefix of at least 8 characters, as
    `xinyong evaluate` prints it)."""
    found = list(
        Run.objects.filter(public_id__startswith=public_id).select_related("model_version")[:2]
        if len(public_id) >= 8
        else []
    )
    if len(found) != 1:
        raise EvaluationError("evaluation.unknown_run", _("没有编号为 %s 的评价批次") % public_id)
    run = found[0]
    if run.kind != RunKind.FULL or run.status != RunStatus.DONE:
        raise EvaluationError("evaluation.run_not_comparable", _("只能与已完成的全量评价批次比较"))
    return run


def _export_scores(run: Run, path: Path, batch_rows: int) -> int:
    """The run's scores into the Parquet file `path`, a batch at a time."""
    table = connection.ops.quote_name(Score._meta.db_table)
    return _write(
        f"SELECT {', '.join(OUTPUT_COLUMNS)} FROM {table} WHERE run_id = %s",  # noqa: S608 - names only
        [run.pk],
        path,
        SCORES_SCHEMA,
        batch_rows,
    )


def compare_run(
    spark: SparkSession, snapshot: Snapshot, run: Run, *, batch_rows: int = BATCH_ROWS
) -> Comparison:
    """Score the snapshot on Spark under the run's model version and compare, subject by
    subject, with the run's stored scores (in Spark: a full outer join on subject_id)."""
    if run.as_of != snapshot.as_of:
        raise EvaluationError(
            "evaluation.cut_off_differs",
            _("评价批次的数据截止日期（%(run)s）与快照（%(snap)s）不同")
            % {"run": run.as_of.isoformat(), "snap": snapshot.as_of.isoformat()},
        )
    _register(spark, snapshot)
    compiled = compile_model(spec_of(run.model_version), as_of=snapshot.as_of, dialect="spark")
    score_frame(spark, compiled).createOrReplaceTempView("spark_scores")
    with tempfile.TemporaryDirectory(prefix="xinyong-run-") as work:
        path = Path(work) / "run_scores.parquet"
        _export_scores(run, path, batch_rows)
        spark.read.parquet(str(path)).createOrReplaceTempView("run_scores")
        same = " AND ".join(f"d.{c} <=> s.{c}" for c in OUTPUT_COLUMNS)
        joined = "run_scores d FULL OUTER JOIN spark_scores s ON d.subject_id = s.subject_id"
        both = "d.subject_id IS NOT NULL AND s.subject_id IS NOT NULL"
        [counts] = spark.sql(
            f"SELECT COUNT(d.subject_id), COUNT(s.subject_id),"  # noqa: S608 - no input in the text
            f" SUM(CASE WHEN {both} AND {same} THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {both} AND NOT ({same}) THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN s.subject_id IS NULL THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN d.subject_id IS NULL THEN 1 ELSE 0 END)"
            f" FROM {joined}"
        ).collect()
        columns = ", ".join(f"d.{c} AS db_{c}, s.{c} AS spark_{c}" for c in OUTPUT_COLUMNS)
        examples = [
            row.asDict()
            for row in spark.sql(
                f"SELECT {columns} FROM {joined} WHERE NOT ({same})"  # noqa: S608 - no input in the text
                " ORDER BY COALESCE(d.subject_id, s.subject_id) LIMIT 10"
            ).collect()
        ]
    database, on_spark, equal, different, only_db, only_spark = (int(n or 0) for n in counts)
    return Comparison(
        run=run.public_id,
        model=run.model_version.code,
        version=run.model_version.version,
        as_of=run.as_of,
        database=database,
        spark=on_spark,
        equal=equal,
        different=different,
        only_in_database=only_db,
        only_on_spark=only_spark,
        examples=examples,
    )
