"""The name index behind subject search: one normal form of a name, its characters and
character pairs, kept in step with `subjects_subject` by the database itself.

A name's *search key* is its NFKC form, lower-cased, traditional characters folded to
simplified ones character by character (OpenCC's t2s dictionaries, shipped inside the `opencc`
wheel), keeping only ASCII letters and digits and CJK ideographs: "天津市濱海（ＡＢＣ）貿易"
and "天津市滨海(abc)贸易" have the same key. The index holds the key (exact and prefix
matches through a B-tree) and its *tokens*, every single character and every pair of
neighbouring characters, so that a query of any length finds its candidates by an AND of
tokens: FTS5 on SQLite, `tsvector` + GIN on PostgreSQL, where `pg_trgm` ranks fuzzy matches.

Natural persons never enter the index, so no name query can list them.

Why triggers: subjects are written in bulk (COPY, executemany, `bulk_update`) by the linking
service, and any future writer would have to remember the index. Triggers on
`subjects_subject` keep `subjects_search` exact whatever writes the subjects: statement-level
triggers with transition tables on PostgreSQL (one set-based statement per COPY), row
triggers on SQLite calling two functions registered on every connection
(`install_sqlite_functions`, wired in `subjects.models`). PostgreSQL computes the key in SQL:
the t2s table is compiled into the function when the migration runs, from the same OpenCC
data the queries use.
"""

# The SQL here is DDL assembled from this module's constants only, never from input.
# ruff: noqa: S608

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from functools import cache

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "subjects_search"
FTS_TABLE = "subjects_search_fts"
VOCAB_TABLE = "subjects_search_vocab"
PERSON = "natural_person"

_KEPT_RANGES: tuple[tuple[str, str], ...] = (
    ("0", "9"),
    ("a", "z"),
    ("\u3007", "\u3007"),  # 〇, in names such as 二〇〇八
    ("\u3400", "\u4dbf"),  # CJK extension A
    ("\u4e00", "\u9fff"),  # CJK unified ideographs
    ("\uf900", "\ufaff"),  # CJK compatibility ideographs (those NFKC keeps)
    ("\U00020000", "\U000323af"),  # CJK extensions B–H
)
"""The characters a search key keeps; everything else (spaces, brackets, punctuation) goes."""

_KEPT_CLASS = "".join(a if a == b else f"{a}-{b}" for a, b in _KEPT_RANGES)
_DROPPED = re.compile(f"[^{_KEPT_CLASS}]")
_CJK_RANGES = _KEPT_RANGES[2:]


@cache
def t2s_pairs() -> tuple[str, str]:
    """(traditional, simplified): every ideograph OpenCC's t2s turns into one other character.

    Character by character on purpose: a phrase-level conversion could turn a query into a
    string that is no longer a substring of the name it came from.
    """
    from opencc import OpenCC

    converter = OpenCC("t2s")
    source: list[str] = []
    target: list[str] = []
    for first, last in _CJK_RANGES:
        for point in range(ord(first), ord(last) + 1):
            char = chr(point)
            simplified = converter.convert(char)
            if simplified != char and len(simplified) == 1:
                source.append(char)
                target.append(simplified)
    return "".join(source), "".join(target)


@cache
def _t2s_table() -> dict[int, int]:
    source, target = t2s_pairs()
    return str.maketrans(source, target)


def to_simplified(text: str) -> str:
    """Traditional characters folded to simplified ones, one by one; nothing else changes."""
    return text.translate(_t2s_table())


def search_key(text: str) -> str:
    """The normal form names and queries are compared in (see the module doc)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _DROPPED.sub("", folded).translate(_t2s_table())


def tokens(key: str) -> list[str]:
    """Every character and every pair of neighbouring characters of a key, once each."""
    return list(dict.fromkeys([*key, *(key[i : i + 2] for i in range(len(key) - 1))]))


def query_tokens(key: str, limit: int = 12) -> list[str]:
    """The tokens a substring query needs: the key itself when it is one character, else
    its pairs, at most `limit` of them spread over the key (the substring check that follows
    makes any subset exact; fewer posting lists make long queries cheaper)."""
    if len(key) == 1:
        return [key]
    pairs = list(dict.fromkeys(key[i : i + 2] for i in range(len(key) - 1)))
    if len(pairs) <= limit:
        return pairs
    step = (len(pairs) - 1) / (limit - 1)
    return list(dict.fromkeys(pairs[round(i * step)] for i in range(limit)))


# -- SQLite -------------------------------------------------------------------------------------


def _sqlite_key(name: str | None) -> str | None:
    return None if name is None else search_key(name)


def _sqlite_tokens(name: str | None) -> str | None:
    return None if name is None else " ".join(tokens(search_key(name)))


def install_sqlite_functions(connection: sqlite3.Connection) -> None:
    """Register the functions the SQLite triggers call (on every new connection)."""
    connection.create_function("xinyong_search_key", 1, _sqlite_key, deterministic=True)
    connection.create_function("xinyong_search_tokens", 1, _sqlite_tokens, deterministic=True)


_SQLITE_ROW = (
    f"INSERT INTO {TABLE} (subject_id, district_id, search_key) "
    "SELECT new.id, new.district_id, xinyong_search_key(new.name) "
    f"WHERE new.kind <> '{PERSON}';\n"
    f"  INSERT INTO {FTS_TABLE} (rowid, tokens) SELECT new.id, xinyong_search_tokens(new.name) "
    f"WHERE new.kind <> '{PERSON}';"
)
_SQLITE_FORGET = (
    f"DELETE FROM {TABLE} WHERE subject_id = old.id;\n"
    f"  DELETE FROM {FTS_TABLE} WHERE rowid = old.id;"
)
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS subjects_search_insert AFTER INSERT ON subjects_subject
BEGIN
  {_SQLITE_ROW}
END""",
    f"""CREATE TRIGGER IF NOT EXISTS subjects_search_update
AFTER UPDATE OF name, kind, district_id ON subjects_subject
WHEN old.name IS NOT new.name OR old.kind IS NOT new.kind
  OR old.district_id IS NOT new.district_id
BEGIN
  {_SQLITE_FORGET}
  {_SQLITE_ROW}
END""",
    f"""CREATE TRIGGER IF NOT EXISTS subjects_search_delete AFTER DELETE ON subjects_subject
BEGIN
  {_SQLITE_FORGET}
END""",
)
"""Re-created after every `migrate` (`ensure_triggers`): SQLite rebuilds a table it alters
and drops the table's triggers with it."""

SQLITE_CREATE = (
    f"""CREATE TABLE {TABLE} (
  subject_id INTEGER PRIMARY KEY,
  district_id INTEGER,
  search_key TEXT NOT NULL
)""",
    f"CREATE INDEX {TABLE}_key ON {TABLE} (search_key)",
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(tokens, detail='none')",
    # How many names hold each token: fuzzy candidates come from the rarest.
    f"CREATE VIRTUAL TABLE {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, 'row')",
    *SQLITE_TRIGGERS,
    f"""INSERT INTO {TABLE} (subject_id, district_id, search_key)
SELECT id, district_id, xinyong_search_key(name) FROM subjects_subject WHERE kind <> '{PERSON}'""",
    f"""INSERT INTO {FTS_TABLE} (rowid, tokens)
SELECT id, xinyong_search_tokens(name) FROM subjects_subject WHERE kind <> '{PERSON}'""",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS subjects_search_insert",
    "DROP TRIGGER IF EXISTS subjects_search_update",
    "DROP TRIGGER IF EXISTS subjects_search_delete",
    f"DROP TABLE IF EXISTS {VOCAB_TABLE}",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"DROP TABLE IF EXISTS {TABLE}",
)


# -- PostgreSQL ---------------------------------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def postgres_create() -> list[str]:
    """The functions, table, indexes and triggers of the index, and its first filling."""
    source, target = t2s_pairs()
    kept = _literal(f"[^{_KEPT_CLASS}]")
    key_function = f"""CREATE OR REPLACE FUNCTION xinyong_search_key(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN k ~ {_literal(f"[{source}]")}
              THEN translate(k, {_literal(source)}, {_literal(target)}) ELSE k END
  FROM (SELECT regexp_replace(lower(normalize(name, NFKC)), {kept}, '', 'g') AS k) AS folded
$$"""
    tokens_function = """CREATE OR REPLACE FUNCTION xinyong_search_tokens(k text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN k = '' THEN ''::tsvector ELSE array_to_tsvector(
    regexp_split_to_array(k, '')
    || ARRAY(SELECT substr(k, i, 2) FROM generate_series(1, length(k) - 1) AS i)) END
$$"""
    rows = f"""SELECT s.id, s.district_id, x.k, xinyong_search_tokens(x.k)
  FROM {{source}} AS s CROSS JOIN LATERAL (SELECT xinyong_search_key(s.name) AS k) AS x
  WHERE s.kind <> '{PERSON}'"""
    sync_function = f"""CREATE OR REPLACE FUNCTION xinyong_search_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    TRUNCATE {TABLE};
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM {TABLE} AS t USING gone WHERE t.subject_id = gone.id;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} (subject_id, district_id, search_key, tokens)
    {rows.format(source="added")};
  ELSE
    DELETE FROM {TABLE} AS t USING added
      WHERE t.subject_id = added.id AND added.kind = '{PERSON}';
    INSERT INTO {TABLE} (subject_id, district_id, search_key, tokens)
    {rows.format(source="added")}
      AND EXISTS (SELECT 1 FROM gone WHERE gone.id = s.id
                  AND (gone.name, gone.kind, gone.district_id)
                      IS DISTINCT FROM (s.name, s.kind, s.district_id))
    ON CONFLICT (subject_id) DO UPDATE SET district_id = excluded.district_id,
      search_key = excluded.search_key, tokens = excluded.tokens;
  END IF;
  RETURN NULL;
END
$$"""
    trigger = "EXECUTE FUNCTION xinyong_search_sync()"
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        key_function,
        tokens_function,
        f"""CREATE TABLE {TABLE} (
  subject_id bigint PRIMARY KEY,
  district_id bigint,
  search_key text COLLATE "C" NOT NULL,
  tokens tsvector NOT NULL
)""",
        f"INSERT INTO {TABLE} {rows.format(source='subjects_subject')}",
        # Exact, prefix and (for common tokens) substring matches read this index only.
        f"CREATE INDEX {TABLE}_key ON {TABLE} (search_key, subject_id) INCLUDE (district_id)",
        # Keys in subject order (unrelated to the names): a substring that most names hold is
        # found by reading this until a page, or the cap, is full.
        f"CREATE INDEX {TABLE}_scan ON {TABLE} (subject_id) INCLUDE (search_key, district_id)",
        f"CREATE INDEX {TABLE}_tokens ON {TABLE} USING gin (tokens)",
        sync_function,
        "CREATE TRIGGER subjects_search_insert AFTER INSERT ON subjects_subject "
        f"REFERENCING NEW TABLE AS added FOR EACH STATEMENT {trigger}",
        "CREATE TRIGGER subjects_search_update AFTER UPDATE ON subjects_subject "
        f"REFERENCING OLD TABLE AS gone NEW TABLE AS added FOR EACH STATEMENT {trigger}",
        "CREATE TRIGGER subjects_search_delete AFTER DELETE ON subjects_subject "
        f"REFERENCING OLD TABLE AS gone FOR EACH STATEMENT {trigger}",
        "CREATE TRIGGER subjects_search_truncate AFTER TRUNCATE ON subjects_subject "
        f"FOR EACH STATEMENT {trigger}",
    ]


POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS subjects_search_insert ON subjects_subject",
    "DROP TRIGGER IF EXISTS subjects_search_update ON subjects_subject",
    "DROP TRIGGER IF EXISTS subjects_search_delete ON subjects_subject",
    "DROP TRIGGER IF EXISTS subjects_search_truncate ON subjects_subject",
    "DROP FUNCTION IF EXISTS xinyong_search_sync()",
    f"DROP TABLE IF EXISTS {TABLE}",
    "DROP FUNCTION IF EXISTS xinyong_search_tokens(text)",
    "DROP FUNCTION IF EXISTS xinyong_search_key(text)",
)


def _execute(connection: BaseDatabaseWrapper, statements: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_index(connection: BaseDatabaseWrapper) -> None:
    """Create the index and fill it from the subjects already stored (the migration)."""
    if connection.vendor == "postgresql":
        _execute(connection, postgres_create())
    else:
        _execute(connection, SQLITE_CREATE)


def drop_index(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, POSTGRES_DROP if connection.vendor == "postgresql" else SQLITE_DROP)


def ensure_triggers(connection: BaseDatabaseWrapper) -> None:
    """Put back SQLite triggers a table rebuild dropped (after `migrate`); if any was
    missing, rebuild the index, since writes may have happened without it."""
    if connection.vendor != "sqlite" or TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            ["subjects_search_%"],
        )
        if cursor.fetchone()[0] == len(SQLITE_TRIGGERS):
            return
    _execute(connection, [*SQLITE_DROP, *SQLITE_CREATE])
