"""Set-based writes for large batches: id allocation and bulk inserts, per database; and
one row's (or a few related rows') insert for hot paths.

PostgreSQL: ids come from the tables' sequences in one query and rows go in with COPY
(several times the rate of multi-row INSERTs). SQLite: the batch runs inside an immediate
transaction, so the database's single writer may take the next ids itself; rows go in with
`executemany` of one prepared INSERT. Records and versions point at each other, so both sets
of ids are known before either is written (the foreign keys are checked at commit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

from xinyong.core import rows as written_out


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys of `model`'s table, in increasing order."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT MAX(id) FROM {_table(model)}")  # noqa: S608
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(top, row[0] if row else 0) + 1
    return list(range(start, start + count))


def _adapter(field: object) -> Callable[[Any], Any] | None:
    """How SQLite's driver needs a value of `field` (None: as it is)."""
    if isinstance(field, models.DateTimeField):
        # A batch holds a handful of distinct moments: convert each once.
        return cache(connection.ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if v is not None else None
    if isinstance(field, models.BooleanField):
        return lambda v: int(v) if v is not None else None
    return None


def _field(model: type[models.Model], column: str) -> object:
    """The field stored in `column` (a foreign key's column is its name plus `_id`)."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    return by_column[column]


def _sqlite_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[Sequence[Any]]:
    adapters = [_adapter(_field(model, c)) for c in columns]
    if not any(adapters):
        return list(rows)
    pairs = list(enumerate(adapters))
    return [[a(row[i]) if a else row[i] for i, a in pairs] for row in rows]


def insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (values in `columns` order, JSON columns as JSON text) into `model`."""
    if not rows:
        return
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, connection.wrap_database_errors:
            raw = cursor.cursor
            with raw.copy(f"COPY {_table(model)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join(["?"] * len(columns))
    sql = f"INSERT INTO {_table(model)} ({quoted}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.executemany(sql, _sqlite_rows(model, columns, rows))


@cache
def _insert_statement(model: type[models.Model]) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    if any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields):
        raise TypeError(f"{model.__name__} has fields set on save: insert it with save()")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {_table(model)} ({columns}) VALUES ({marks}) RETURNING id"  # noqa: S608
    return sql, fields


def insert_row(instance: models.Model) -> None:
    """Insert a new `instance` and set its id, as `save(force_insert=True)` would, with a
    statement written once per model (at a thousand checks a second the ORM's compiling
    of the INSERT cost more than the database's work) and, on PostgreSQL, prepared on the
    server like the hot reads (`core.rows.prepared_cursor`). Values are converted by their
    fields; no signals are sent and no `pre_save` hooks run (use it only for models that
    have neither, with every value set before the call)."""
    sql, fields = _insert_statement(type(instance))
    with written_out.prepared_cursor() as cursor:
        cursor.execute(sql, _prepared(instance, fields))
        _inserted(instance, cursor.fetchone()[0])


def insert_rows(instances: Sequence[models.Model]) -> None:
    """Insert new `instances` that belong together (a check and its access-log entry) as
    `insert_row` does, all or none. On PostgreSQL they go in one statement, a chain of
    INSERTs in one WITH: a statement is atomic by itself, so outside a transaction it is
    one round trip where a transaction of two INSERTs takes four. On SQLite, in one
    transaction."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            for instance in instances:
                insert_row(instance)
        return
    sql, fields = _chained_statement(tuple(type(instance) for instance in instances))
    values = [
        v for instance, own in zip(instances, fields, strict=True) for v in _prepared(instance, own)
    ]
    with written_out.prepared_cursor() as cursor:
        cursor.execute(sql, values)
        ids = cursor.fetchone()
    for instance, pk in zip(instances, ids, strict=True):
        _inserted(instance, pk)


@cache
def _chained_statement(
    chain: tuple[type[models.Model], ...],
) -> tuple[str, tuple[tuple[models.Field[Any, Any], ...], ...]]:
    parts, fields = [], []
    for n, model in enumerate(chain):
        sql, own = _insert_statement(model)
        parts.append(f"r{n} AS ({sql})")
        fields.append(own)
    ids = ", ".join(f"(SELECT id FROM r{n})" for n in range(len(chain)))  # noqa: S608 - no input
    return f"WITH {', '.join(parts)} SELECT {ids}", tuple(fields)


def _prepared(instance: models.Model, fields: Sequence[models.Field[Any, Any]]) -> list[Any]:
    db = connections[DEFAULT_DB_ALIAS]  # not through the proxy on each field's call
    return [f.get_db_prep_save(getattr(instance, f.attname), db) for f in fields]


def _inserted(instance: models.Model, pk: int) -> None:
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias


def update_by_id(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set `columns` of the rows whose id is each row's first value (the rest in order)."""
    if not rows:
        return
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = f"UPDATE {_table(model)} SET {sets} WHERE id = %s"  # noqa: S608
    params = [[*row[1:], row[0]] for row in rows]
    if connection.vendor == "sqlite":
        params = [list(row) for row in _sqlite_rows(model, [*columns, "id"], params)]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def analyze(tables: Sequence[type[models.Model]]) -> None:
    """Refresh the planner's statistics of `tables` (PostgreSQL). Without them a table
    that grew from nothing within minutes, faster than autovacuum looks, is read by
    sequential scans where an index would find a batch's rows."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(_table(model) for model in tables))
