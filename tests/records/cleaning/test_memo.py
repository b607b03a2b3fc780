"""A RowCleaner remembers the cells of each column: rows that repeat a cell clean alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from xinyong.records.ingest.cleaning import RowCleaner
from xinyong.records.ingest.types import Cell, CleanRow, SourceRow

from .helpers import TODAY, USCC, broken, codes, column_map, items, penalty


def clean_rows(rows: Sequence[Mapping[str, Cell]]) -> list[CleanRow]:
    """The rows through one cleaner (one memo), in order; all rows have the first's columns."""
    item = items()["XZCF"]
    cleaner = RowCleaner(item, column_map(item, list(rows[0])), today=TODAY, allowlist=set())
    return [cleaner.clean(SourceRow(n, tuple(row.values()))) for n, row in enumerate(rows, 1)]


def test_a_repeated_bad_cell_is_reported_on_every_row() -> None:
    rows = clean_rows([penalty(统一社会信用代码=broken(USCC), 罚款金额="x")] * 2 + [penalty()])
    for row in rows[:2]:
        assert ("uscc", "uscc.check") in codes(row) and ("fine_amount", "amount.invalid") in codes(
            row
        )
    assert rows[2].errors == [] and rows[2].values["uscc"] == USCC


def test_each_row_gets_its_own_list_of_values() -> None:
    first, second = clean_rows([penalty(), penalty()])
    assert first.values["penalty_types"] == second.values["penalty_types"] == ["警告", "罚款"]
    assert first.values["penalty_types"] is not second.values["penalty_types"]


def test_equal_cells_of_different_types_are_read_each_as_itself() -> None:
    rows = clean_rows([penalty(罚款金额=cell) for cell in ("1", 1, True, 1.0, "1")])
    assert [row.values["fine_amount"] for row in rows] == [Decimal(1), Decimal(1), None, 1, 1]
    assert codes(rows[2]) == [("fine_amount", "amount.invalid")]


def test_a_code_as_typed_is_normalised_every_time() -> None:
    spaced = f" {USCC[:8]} {USCC[8:].lower()} "
    rows = clean_rows([penalty(统一社会信用代码=spaced)] * 2)
    assert [row.values["uscc"] for row in rows] == [USCC, USCC]
