"""Model instances from written-out SQL, for the hottest reads.

`Model.objects.raw` works out afresh, for every query, which column feeds which field and
which converters each value needs; on a path taken a thousand times a second (an API call's
token lookup, a check's subject lookup) that cost more than the query itself. Here a
model's column list and converters are worked out once per model and database vendor, and
a row becomes an instance through `Model.from_db`, as the ORM's own queries build them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import Col

M = TypeVar("M", bound=Model)
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
    values = list(row[: len(model._meta.concrete_fields)])
    for index, column, chain in _converters(model, connection.vendor):
        value = values[index]
        for convert in chain:
            value = convert(value, column, connection)
        values[index] = value
    return model.from_db(connection.alias, _attnames(model), values)


@cache
def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)
