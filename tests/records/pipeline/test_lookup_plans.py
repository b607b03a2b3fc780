"""The bulk lookups of a load find their rows through the index of the column they test.

SQLite has no statistics unless analysed, and given an equality on another indexed column
too it read through that column's index: every organisation code in the table for each
batch of a load, which made a million-row load slow down as it went. Only SQLite is asked:
PostgreSQL plans from statistics, and on a test's few rows a scan is its right choice.
"""

from __future__ import annotations

import pytest
from django.db import connection

from xinyong.core.rows import IN_MARK
from xinyong.records.ingest import storage
from xinyong.subjects.services import linking

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner only"),
]

LOOKUPS = [
    (linking._LOCKED_SUBJECTS, "(rowid=?)"),
    (linking._IDENTIFIERS_OF, "(subject_id=?)"),
    (linking._NAMES, "(subject_id=?)"),
    (storage._BY_CONTENT, "(content_key=?)"),
    (storage._BY_KEY, "(natural_key=?)"),
    (storage._VERSIONS_OF, "(record_id=?)"),
]


@pytest.mark.parametrize(("sql", "searched"), LOOKUPS)
def test_a_lookup_searches_the_index_of_its_in_column(sql: str, searched: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql.replace(IN_MARK, "IN (%s, %s)"), [1, 2])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "SEARCH" in plan and searched in plan, plan
