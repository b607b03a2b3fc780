"""Written-out SQL for the hottest reads: prepared statements, and model instances built
from their rows.

On a path taken a thousand times a second (an API call's token lookup, a check's subject
lookup and entries in force) two costs outweighed the queries' own work:

- `Model.objects.raw` works out afresh, for every query, which column feeds which field and
  which converters each value needs. Here that is done once per model and database vendor,
  and a row becomes an instance through `Model.from_db`, as the ORM's own queries build them.
- PostgreSQL planned each statement afresh, because Django binds parameters on the client.
  `prepared_cursor` binds them on the server, so psycopg prepares a statement on its sixth
  run on a connection (`prepare_threshold`, set in settings; the ORM's client-bound
  statements are never prepared) and PostgreSQL plans it no more: on the
  1.5-million-subject bench database a subject lookup took 0.25 ms of the server's CPU
  planned afresh, 0.07 ms prepared. A connection pooler in front of PostgreSQL must then
  keep prepared statements (PgBouncer from 1.21 with `max_prepared_statements`, or session
  pooling); docs/decisions.md.

Bulk loads look up thousands of keys a batch (`select_in`). The ORM's `__in` lookup prepares
each value through its field and binds it on the client, which cost more than the lookups
themselves; here PostgreSQL receives the values as one array parameter of one prepared
statement, and SQLite as the parameters of chunks of a written-out `IN` list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.db.models.expressions import Col

M = TypeVar("M", bound=Model)

IN_CHUNK = 900
"""Values per SQLite `IN` list: below its historical limit of 999 bound parameters."""
IN_MARK = "{in}"
Converter = Callable[[Any, Any, Any], Any]
Converters = tuple[tuple[int, Col, tuple[Converter, ...]], ...]


@cache
def select_list(model: type[Model], alias: str) -> str:
    """`alias."col", …`: every concrete field of `model`, in field order — the columns
    `instance` expects first in a row (quoted as both supported databases quote)."""
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


@cache
def _converters(model: type[Model], vendor: str) -> Converters:
    """The converters of each field that has any, as the ORM's compiler finds them (the
    backend's, then the field's). They depend on the vendor and settings only, so the
    first connection's serve every thread's."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        chain = (*connection.ops.get_db_converters(column), *column.get_db_converters(connection))
        if chain:
            found.append((index, column, tuple(chain)))
    return tuple(found)


def instance(model: type[M], row: Sequence[Any]) -> M:
    """An instance of `model` from a row whose first columns are `select_list(model, …)`
    (any further columns are the caller's)."""
    db = connections[DEFAULT_DB_ALIAS]  # not through the proxy on each converter's call
    values = list(row[: len(model._meta.concrete_fields)])
    for index, column, chain in _converters(model, db.vendor):
        value = values[index]
        for convert in chain:
            value = convert(value, column, db)
        values[index] = value
    return model.from_db(db.alias, _attnames(model), values)


@cache
def converter(model: type[Model], name: str) -> Callable[[Any], Any]:
    """What the ORM does to a value of `model`'s field `name` read from the database (a
    time made aware on SQLite, say), for values read by a written-out query."""
    fields = model._meta.concrete_fields
    index = next(i for i, field in enumerate(fields) if field.name == name)
    chain = next((c for i, _column, c in _converters(model, connection.vendor) if i == index), ())
    column = fields[index].get_col(model._meta.db_table)

    def convert(value: Any) -> Any:
        for step in chain:
            value = step(value, column, connection)
        return value

    return convert


@cache
def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


_IDLE_CURSOR = "xinyong_idle_binding_cursor"
"""Where a connection keeps its server-binding cursor between statements: an attribute of
Django's per-thread connection object, so it lives and dies with that connection (whose
time zone, the one its cursors read times in, is fixed for its life)."""


@contextmanager
def prepared_cursor() -> Iterator[CursorWrapper]:
    """A cursor whose statements PostgreSQL binds on the server and, once run a few times
    on a connection, keeps prepared (see the module doc); on SQLite the ordinary cursor. Only
    for statements written for it, with plain `%s` markers: the ORM's own SQL is not
    (Django ticket #20516). The cursor is wrapped as Django wraps its own, so query logging
    and execute wrappers see its statements.

    Each connection keeps one such cursor and lends it out again: making and wrapping a
    cursor cost about as much client time as running a prepared lookup. A cursor asked for
    while the kept one is lent (nested use) is a new one; a cursor that met an error is
    closed, not kept."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    db = connections[DEFAULT_DB_ALIAS]  # the thread's connection object, looked up once
    db.ensure_connection()
    raw = db.__dict__.pop(_IDLE_CURSOR, None)
    if raw is None or raw.closed or raw.connection is not db.connection:
        raw = _binding_cursor(db)
    try:
        yield db._prepare_cursor(raw)  # type: ignore[attr-defined]  # Django's wrapping
    except BaseException:
        raw.close()
        raise
    if raw.connection is db.connection and not raw.closed:
        db.__dict__[_IDLE_CURSOR] = raw


def _binding_cursor(db: BaseDatabaseWrapper) -> Any:
    """A new server-binding cursor on `db`'s open connection, reading times as Django's own
    cursors do (in the connection's current zone)."""
    from django.db.backends.postgresql import base as postgresql
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    with db.wrap_database_errors:
        raw = postgresql.ServerBindingCursor(db.connection)  # type: ignore[attr-defined]
    loader = raw.adapters.get_loader(
        postgresql.TIMESTAMPTZ_OID,  # type: ignore[attr-defined]
        Format.TEXT,
    )
    if db.timezone != loader.timezone:
        register_tzloader(db.timezone, raw)
    return raw


def select_in(sql: str, values: Sequence[Any], params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of `sql`, a statement written for `prepared_cursor` in which `{in}` follows
    the column to test against `values` (`WHERE k.value {in}`): `= ANY(%s)` with `values` as
    one array on PostgreSQL, `IN (%s, …)` for each chunk of IN_CHUNK values on SQLite (the
    rows of the chunks concatenated: an ORDER BY or a lock orders within a chunk only).
    `params` are the parameters before the `{in}`; none may follow it."""
    if not values:
        return []
    with prepared_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.replace(IN_MARK, "= ANY(%s)"), [*params, list(values)])
            every: list[tuple[Any, ...]] = cursor.fetchall()
            return every
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start : start + IN_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql.replace(IN_MARK, f"IN ({marks})"), [*params, *chunk])
            found.extend(cursor.fetchall())
        return found
