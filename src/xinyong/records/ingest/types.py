"""The shapes that pass between the pipeline's stages.

readers.py turns a file into a `Table` of `SourceRow`s; mapping.py maps its headers to
catalogue fields (`ColumnMap`); cleaning.py turns each row into a `CleanRow` with its
errors; pipeline.py links, versions and stores them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

Cell = str | int | float | bool | date | datetime | None
"""A cell as the file gave it: text for CSV and JSON strings, typed values for spreadsheets."""

Value = str | Decimal | date | list[str] | None
"""A cleaned field value: text, amount, date, or the values of a multiple enum."""


class FileRejected(Exception):
    """The file as a whole cannot be read or mapped; nothing of it is loaded."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row: its number counts data rows from 1 across the file, header excluded.
    Cells stay out of the repr (they may hold ID numbers)."""

    row_no: int
    cells: tuple[Cell, ...] = field(repr=False)
    sheet: str = ""
    sheet_row: int = 0


class Table(Protocol):
    """A readable file: its format, detected encoding, header and a stream of rows."""

    format: str  # csv | xlsx | xls | json | jsonl
    encoding: str  # for text formats: utf-8, utf-8-sig, gb18030; "" for spreadsheets
    headers: tuple[str, ...]

    def rows(self) -> Iterator[SourceRow]: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """For each column of the file, the catalogue field it fills (None: kept as extra)."""

    fields: tuple[str | None, ...]
    headers: tuple[str, ...]

    @property
    def unknown(self) -> tuple[str, ...]:
        return tuple(h for h, f in zip(self.headers, self.fields, strict=True) if f is None)


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a row (or one of its fields) was refused: a stable code and a Chinese message."""

    field: str
    code: str
    message: str


@dataclass(slots=True)
class CleanRow:
    """A row after normalisation and validation; it lands only if `errors` is empty.

    Values stay out of the repr: they may hold citizen ID numbers, and reprs end up in logs
    and test reports.
    """

    row_no: int
    values: dict[str, Value] = field(repr=False)
    extra: dict[str, str] = field(repr=False)
    subject_type: str
    errors: list[RowError] = field(default_factory=list)
