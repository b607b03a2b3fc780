"""The same compiled model on Apache Spark (local[2]) gives the same rows as on SQLite: the
hand-worked cases, and a synthetic dataset of a few thousand subjects for both shipped
models, read from Parquet and from Arrow tables."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.evaluation import model_cases as cases
from xinyong.evaluation.compiler import compile_model
from xinyong.evaluation.schema import load_specs

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import SparkSession


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local Spark for the module: starting the JVM takes seconds."""
    if shutil.which("java") is None:
        pytest.fail("Java is missing: run `make test` (it installs default-jre-headless)")
    from xinyong.evaluation.spark import spark_session

    session = spark_session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()


def _tables(facts: list[Any], subjects: list[Any]) -> tuple[pa.Table, pa.Table]:
    import pyarrow as pa

    from xinyong.evaluation.spark import FACTS_SCHEMA, SUBJECTS_SCHEMA

    return (
        pa.Table.from_pylist(
            [dict(zip(FACTS_SCHEMA.names, f, strict=True)) for f in facts], FACTS_SCHEMA
        ),
        pa.Table.from_pylist(
            [dict(zip(SUBJECTS_SCHEMA.names, s, strict=True)) for s in subjects], SUBJECTS_SCHEMA
        ),
    )


def test_hand_worked_scores_on_spark(spark: SparkSession) -> None:
    from xinyong.evaluation.spark import register_inputs, score_rows

    facts, subjects = _tables(cases.with_ids(cases.FACTS_BY_HAND), cases.SUBJECTS)
    register_inputs(spark, facts=facts, subjects=subjects)
    compiled = compile_model(cases.spec(), as_of=cases.AS_OF, dialect="spark")
    assert score_rows(spark, compiled) == cases.EXPECTED


def test_shipped_models_give_identical_rows_on_spark_and_sqlite(
    spark: SparkSession, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    from xinyong.evaluation.spark import register_inputs, score_rows

    facts, subjects = cases.synthetic(seed=20240229, subjects=3000)
    fact_table, subject_table = _tables(facts, subjects)
    pq.write_table(fact_table, tmp_path / "eval_facts.parquet")
    pq.write_table(subject_table, tmp_path / "eval_subjects.parquet")
    register_inputs(
        spark, facts=tmp_path / "eval_facts.parquet", subjects=tmp_path / "eval_subjects.parquet"
    )
    db = cases.sqlite_db(facts, subjects)
    for code, spec in load_specs().items():
        on_spark = score_rows(spark, compile_model(spec, as_of=cases.AS_OF, dialect="spark"))
        compiled = compile_model(spec, as_of=cases.AS_OF, dialect="sqlite")
        on_sqlite = cases.rows(db.cursor(), compiled.sql)
        assert on_spark == on_sqlite, code
        assert len(on_sqlite) > 2000
        assert len({row[2] for row in on_sqlite}) >= 4, code


def test_a_model_compiled_for_another_engine_is_refused(spark: SparkSession) -> None:
    from xinyong.evaluation.spark import score_frame

    with pytest.raises(ValueError, match="not for spark"):
        score_frame(spark, compile_model(cases.spec(), as_of=cases.AS_OF, dialect="sqlite"))
