"""Evaluation at national scale: a snapshot exported from the platform's database and scored
on Spark (local[2]) gives exactly the rows a full run stored, for both shipped models, over
a population landed through the real pipeline."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.evaluation.runs_fixtures import days_ago, market, policy, var_dir
from tests.evaluation.scale_fixtures import land_population
from tests.records.test_public_fixtures import hrss
from xinyong.accounts.models import Organisation
from xinyong.evaluation.compiler import OUTPUT_COLUMNS, compile_model
from xinyong.evaluation.models import Score
from xinyong.evaluation.services import EvaluationError, publish, run_full, spec_of
from xinyong.subjects.models import Subject, SubjectKind

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.django_db
__all__ = ["hrss", "market", "policy", "var_dir"]  # fixtures used by name


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local Spark for the module: starting the JVM takes seconds."""
    if shutil.which("java") is None:
        pytest.fail("Java is missing: run `make test` (it installs default-jre-headless)")
    from xinyong.evaluation.spark import spark_session

    session = spark_session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()


def _call(*args: str) -> str:
    out = StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_spark_over_a_snapshot_gives_the_rows_of_a_full_run(
    spark: SparkSession, market: Organisation, hrss: Organisation, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    from xinyong.evaluation.snapshot import compare_run, export_snapshot
    from xinyong.evaluation.spark import register_inputs, score_rows

    companies = land_population(market, hrss)
    today = timezone.localdate()
    snapshot = export_snapshot(today, tmp_path / "snapshot", batch_rows=97)
    assert snapshot.subjects == len(companies) == 300
    facts = pq.read_table(snapshot.facts_path)
    assert facts.num_rows == snapshot.facts > 300
    assert pq.ParquetFile(snapshot.facts_path).metadata.num_row_groups > 1  # written in batches
    persons = set(
        Subject.objects.filter(kind=SubjectKind.NATURAL_PERSON).values_list("pk", flat=True)
    )
    assert persons and persons.isdisjoint(facts.column("subject_id").to_pylist())
    assert set(facts.column("source").to_pylist()) == {"record", "list"}
    assert set(facts.column("severity").to_pylist()) >= {"minor", "general", "serious", ""}

    register_inputs(spark, facts=snapshot.facts_path, subjects=snapshot.subjects_path)
    for code in ("TJGGXY", "NSXYDJ"):
        version = publish(code).version
        run = run_full(version, as_of=today)
        stored = sorted(Score.objects.filter(run=run).values_list(*OUTPUT_COLUMNS))
        compiled = compile_model(spec_of(version), as_of=today, dialect="spark")
        assert score_rows(spark, compiled) == stored, code
        assert len(stored) == 300 and len({row[2] for row in stored}) >= 3, code
        compared = compare_run(spark, snapshot, run)
        assert compared.identical and compared.equal == 300 and not compared.examples, code


def test_the_commands_export_score_and_compare(
    spark: SparkSession, market: Organisation, hrss: Organisation, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    land_population(market, hrss, companies=40)
    as_of = days_ago(1).isoformat()
    folder = tmp_path / "snap"
    answer = json.loads(_call("export", "--as-of", as_of, "--out", str(folder), "--json"))
    assert (answer["as_of"], answer["subjects"]) == (as_of, 40)
    assert "评价数据快照已写入" in _call("export", "--as-of", as_of, "--out", str(folder))

    _call("publish", "--model", "TJGGXY")
    [run] = json.loads(_call("--model", "TJGGXY", "--as-of", as_of, "--json"))["runs"]
    out = tmp_path / "scores.parquet"
    text = _call("spark", "--snapshot", str(folder), "--model", "TJGGXY", "--out", str(out))
    assert "在 Spark 上评价主体 40 个" in text
    written = pq.read_table(out).to_pylist()
    stored = Score.objects.filter(run__public_id=run["run"])
    assert sorted(tuple(row[c] for c in OUTPUT_COLUMNS) for row in written) == sorted(
        stored.values_list(*OUTPUT_COLUMNS)
    )
    text = _call("spark", "--snapshot", str(folder), "--compare-run", run["run"][:8])
    assert "结果完全一致" in text and "一致 40，不一致 0" in text
    args = ("spark", "--snapshot", str(folder), "--compare-run", run["run"], "--json")
    compared = json.loads(_call(*args))
    assert compared["identical"] and compared["equal"] == 40

    # A run of another cut-off day is not compared; neither is an unknown one.
    [other] = json.loads(_call("--model", "TJGGXY", "--json"))["runs"]
    with pytest.raises(CommandError, match="数据截止日期"):
        _call("spark", "--snapshot", str(folder), "--compare-run", other["run"])
    with pytest.raises(CommandError, match="没有编号"):
        _call("spark", "--snapshot", str(folder), "--compare-run", "deadbeefdeadbeef")
    with pytest.raises(CommandError, match="没有完整的评价数据快照"):
        _call("spark", "--snapshot", str(tmp_path), "--model", "TJGGXY", "--out", str(out))
    with pytest.raises(CommandError, match="--out"):
        _call("spark", "--snapshot", str(folder), "--model", "TJGGXY")


def test_a_future_cut_off_is_refused(policy: None, tmp_path: Path) -> None:
    from xinyong.evaluation.snapshot import export_snapshot

    with pytest.raises(EvaluationError, match="不能晚于今天"):
        export_snapshot(days_ago(-1), tmp_path / "snap")
    assert not (tmp_path / "snap").exists()
