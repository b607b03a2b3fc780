"""Running a compiled model on Apache Spark, for evaluation at national scale.

The platform exports `eval_facts` and `eval_subjects` for a cut-off day as Parquet (with the
schemas below); a Spark session registers them as temporary views of those names and runs
the model compiled for the `spark` dialect — the same SELECT the platform's database runs,
so the scores are identical. `local[2]` in tests, a cluster URL in production.

Needs the optional extra `xinyong[spark]` (pyspark, pyarrow) and a Java runtime.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, TypeAlias

try:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError(
        "evaluation on Spark needs the optional extra: pip install 'xinyong[spark]'"
    ) from exc

from xinyong.evaluation.compiler import OUTPUT_COLUMNS, CompiledModel

FACTS_SCHEMA = pa.schema(
    [
        ("subject_id", pa.int64()),
        ("source", pa.string()),
        ("code", pa.string()),
        ("severity", pa.string()),
        ("decided_on", pa.date32()),
        ("amount", pa.decimal128(16, 4)),
        ("record_id", pa.int64()),
        ("entry_id", pa.int64()),
    ]
)
"""`eval_facts` as exported: one row per record or list entry in effect (amount in 万元)."""

SUBJECTS_SCHEMA = pa.schema(
    [
        ("subject_id", pa.int64()),
        ("kind", pa.string()),
        ("status", pa.string()),
        ("district", pa.string()),
        ("industry", pa.string()),
        ("size", pa.string()),
        ("has_uscc", pa.int32()),
    ]
)
"""`eval_subjects` as exported: one row per subject a model may grade."""

Input: TypeAlias = Path | str | pa.Table
"""A Parquet file or directory, or an Arrow table in memory."""


def spark_session(
    master: str = "local[2]",
    *,
    app_name: str = "xinyong-evaluation",
    shuffle_partitions: int = 4,
) -> SparkSession:
    """A Spark session for evaluation: no web UI or progress bars, UTC, few shuffle
    partitions (raise them on a cluster), warnings and errors only in the log."""
    spark = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    logging.getLogger("py4j").setLevel(logging.WARNING)  # one INFO line per JVM call otherwise
    return spark


def _frame(spark: SparkSession, data: Input, schema: pa.Schema) -> DataFrame:
    if isinstance(data, pa.Table):
        return spark.createDataFrame(data.cast(schema))
    return spark.read.parquet(str(data))


def register_inputs(spark: SparkSession, *, facts: Input, subjects: Input) -> None:
    """Make `facts` and `subjects` the session's `eval_facts` and `eval_subjects` views."""
    _frame(spark, facts, FACTS_SCHEMA).createOrReplaceTempView("eval_facts")
    _frame(spark, subjects, SUBJECTS_SCHEMA).createOrReplaceTempView("eval_subjects")


def score_frame(spark: SparkSession, compiled: CompiledModel) -> DataFrame:
    """The model's scores over the registered views, as a DataFrame (write it to Parquet at
    scale rather than collecting it)."""
    if compiled.dialect != "spark":
        raise ValueError(f"model compiled for {compiled.dialect!r}, not for spark")
    return spark.sql(compiled.sql)


def score_rows(spark: SparkSession, compiled: CompiledModel) -> list[tuple[Any, ...]]:
    """The model's scores as tuples in `OUTPUT_COLUMNS` order, by subject id."""
    frame = score_frame(spark, compiled).select(*OUTPUT_COLUMNS).orderBy("subject_id")
    return [tuple(row) for row in frame.collect()]
