"""The compiler: scores, grades, points, knock-outs, the conditional grade and facts_used as
worked out by hand (model_cases), on SQLite and on PostgreSQL, and the shipped models
compiled for every engine."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from tests.evaluation import model_cases as cases
from xinyong.evaluation.compiler import DIALECTS, compile_model, years_before
from xinyong.evaluation.schema import ModelSpec, load_specs


def _sqlite_rows(spec: ModelSpec, facts: list[Any], subjects: list[Any]) -> list[tuple[Any, ...]]:
    compiled = compile_model(spec, as_of=cases.AS_OF, dialect="sqlite")
    db = cases.sqlite_db(facts, subjects)
    return cases.rows(db.cursor(), compiled.sql)


def test_hand_worked_scores_on_sqlite() -> None:
    rows = _sqlite_rows(cases.spec(), cases.with_ids(cases.FACTS_BY_HAND), cases.SUBJECTS)
    assert rows == cases.EXPECTED


def test_years_before_falls_back_from_29_february() -> None:
    assert years_before(datetime.date(2024, 2, 29), 1) == datetime.date(2023, 2, 28)
    assert years_before(datetime.date(2024, 2, 29), 4) == datetime.date(2020, 2, 29)
    assert years_before(datetime.date(2025, 6, 30), 3) == datetime.date(2022, 6, 30)


def test_indicator_condition_selects_the_facts_behind_the_points() -> None:
    compiled = compile_model(cases.spec(), as_of=cases.AS_OF, dialect="sqlite")
    assert compiled.indicators == [
        "serious",
        "fines",
        "commitments",
        "listed",
        "activity",
        "no_uscc",
    ]
    db = cases.sqlite_db(cases.with_ids(cases.FACTS_BY_HAND), cases.SUBJECTS)

    def behind(indicator: str, subject: int) -> list[str]:
        condition = compiled.indicator_condition(indicator)
        found = db.execute(
            f"SELECT decided_on FROM eval_facts WHERE subject_id = ? AND ({condition})"
            " ORDER BY decided_on",
            [subject],
        )
        return [row[0] for row in found]

    assert behind("serious", 3) == ["2021-02-28", "2023-01-01", "2024-02-29"]
    assert behind("fines", 6) == ["2023-02-28", "2024-01-10"]
    assert behind("no_uscc", 6) == []  # the subject's own data: no facts behind it
    assert "DATE('2023-02-28')" in compiled.indicator_condition("fines")
    assert "CAST('2023-02-28' AS DATE)" in compiled.indicator_condition("fines", "postgres")


def test_the_select_reads_only_the_two_relations_and_returns_the_output_columns() -> None:
    compiled = compile_model(cases.spec(), as_of=cases.AS_OF, dialect="postgres")
    assert compiled.sql.startswith("WITH measured AS (")
    db = cases.sqlite_db([], cases.SUBJECTS)
    sqlite = compile_model(cases.spec(), as_of=cases.AS_OF, dialect="sqlite")
    cursor = db.execute(sqlite.sql)
    assert [column[0] for column in cursor.description] == [
        "subject_id", "score", "grade", "legacy_grade", "points", "knockout", "facts_used",
    ]  # fmt: skip


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dialect"):
        compile_model(cases.spec(), as_of=cases.AS_OF, dialect="mysql")


@pytest.mark.parametrize("code", ["TJGGXY", "NSXYDJ"])
def test_shipped_models_compile_and_run_on_sqlite(code: str) -> None:
    spec = load_specs()[code]
    for dialect in DIALECTS:
        assert "eval_facts" in compile_model(spec, as_of=cases.AS_OF, dialect=dialect).sql
    facts, subjects = cases.synthetic(seed=8, subjects=300)
    rows = _sqlite_rows(spec, facts, subjects)
    scored = {s[0] for s in subjects if s[1] in spec.subject_types}
    assert [row[0] for row in rows] == sorted(scored)
    assert {row[2] for row in rows} >= {"B", "C", "D"}
    assert all(len(row[4].split(",")) == len(spec.all_indicators()) for row in rows)


# -- PostgreSQL ------------------------------------------------------------------------------

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs on the PostgreSQL pass of the suite"
)


@pytest.fixture
def pg_tables(db: None) -> Iterator[Any]:
    """Temporary eval_facts / eval_subjects tables on the test database's connection."""
    with connection.cursor() as cursor:
        cursor.execute(cases.FACTS_TABLE.replace("CREATE TABLE", "CREATE TEMP TABLE"))
        cursor.execute(cases.SUBJECTS_TABLE.replace("CREATE TABLE", "CREATE TEMP TABLE"))
        yield cursor
        cursor.execute("DROP TABLE eval_facts, eval_subjects")


def _fill(cursor: Any, facts: list[Any], subjects: list[Any]) -> None:
    cursor.execute("TRUNCATE eval_facts, eval_subjects")
    cursor.executemany("INSERT INTO eval_facts VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", facts)
    cursor.executemany("INSERT INTO eval_subjects VALUES (%s, %s, %s, %s, %s, %s, %s)", subjects)


@on_postgres
def test_hand_worked_scores_on_postgres(pg_tables: Any) -> None:
    _fill(pg_tables, cases.with_ids(cases.FACTS_BY_HAND), cases.SUBJECTS)
    compiled = compile_model(cases.spec(), as_of=cases.AS_OF, dialect="postgres")
    assert cases.rows(pg_tables, compiled.sql) == cases.EXPECTED


@on_postgres
@pytest.mark.parametrize("code", ["TJGGXY", "NSXYDJ"])
def test_shipped_models_give_the_same_rows_on_postgres_and_sqlite(
    pg_tables: Any, code: str
) -> None:
    spec = load_specs()[code]
    facts, subjects = cases.synthetic(seed=88, subjects=1500)
    _fill(pg_tables, facts, subjects)
    compiled = compile_model(spec, as_of=cases.AS_OF, dialect="postgres")
    postgres = cases.rows(pg_tables, compiled.sql)
    assert postgres == _sqlite_rows(spec, facts, subjects)
    assert len({row[2] for row in postgres}) >= 3
