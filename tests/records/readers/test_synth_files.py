"""Every file synth writes reads back with the manifest's counts, headers, encodings and row
numbers, and the formats agree with one another cell for cell."""

from __future__ import annotations

import unicodedata
from collections import Counter
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from xinyong.records.ingest.readers import open_table
from xinyong.records.ingest.tables import BaseTable
from xinyong.records.ingest.types import Cell, SourceRow

from .conftest import Synth

ENCODINGS = {"csv": None, "jsonl": "utf-8", "xlsx": "", "xls": ""}


def read(path: Path) -> tuple[tuple[str, ...], list[SourceRow], str, str]:
    with closing(open_table(path)) as table:
        return table.headers, list(table.rows()), table.format, table.encoding


def test_every_file_reads_back_as_the_manifest_says(synth: Synth) -> None:
    assert len(synth.files()) >= 14
    for entry in synth.files():
        headers, rows, fmt, encoding = read(synth.out / entry["path"])
        expected = tuple(
            unicodedata.normalize("NFKC", h) for h in synth.manifest["schemas"][entry["schema"]]
        )
        assert headers == expected, entry["path"]
        assert fmt == entry["format"], entry["path"]
        assert encoding == (ENCODINGS[fmt] if ENCODINGS[fmt] is not None else entry["encoding"])
        assert len(rows) == entry["rows"], entry["path"]
        assert [r.row_no for r in rows] == list(range(1, entry["rows"] + 1))
        assert all(len(r.cells) == len(headers) for r in rows)


def test_csv_encodings_are_the_ones_synth_wrote(synth: Synth) -> None:
    csv_files = [e["path"] for e in synth.files() if e["format"] == "csv"]
    found = {path: read(synth.out / path)[3] for path in csv_files}
    assert found == {"xzxk_v2.csv": "utf-8-sig", "xzcf_v2.csv": "gb18030", "xzcf_v1.csv": "gb18030"}


def test_sheets_and_sheet_rows_follow_the_manifest(synth: Synth) -> None:
    spreadsheets = [e for e in synth.files() if e["format"] in ("xls", "xlsx")]
    assert any(len(e["sheets"]) == 2 for e in spreadsheets)
    for entry in spreadsheets:
        _headers, rows, _fmt, _enc = read(synth.out / entry["path"])
        per_sheet = Counter(r.sheet for r in rows)
        assert per_sheet == {s["name"]: s["rows"] for s in entry["sheets"]}, entry["path"]
        by_number = {r.row_no: r for r in rows}
        for bad in entry["bad_rows"]:
            row = by_number[bad["row"]]
            assert (row.sheet, row.sheet_row) == (bad["sheet"], bad["sheet_row"]), entry["path"]


def _column(rows: list[SourceRow], headers: tuple[str, ...], name: str) -> list[Cell]:
    index = headers.index(name)
    return [r.cells[index] or None for r in rows]


@pytest.mark.parametrize("dataset", ["xzcf_v2", "xzxk_v2"])
def test_formats_agree_cell_for_cell(synth: Synth, dataset: str) -> None:
    readings = {}
    for fmt in ("csv", "xlsx", "xls", "jsonl"):
        parts = sorted(synth.out.glob(f"{dataset}*.{fmt}"))
        headers: tuple[str, ...] = ()
        rows: list[SourceRow] = []
        for part in parts:
            headers, more, _fmt, _enc = read(part)
            rows += more
        readings[fmt] = (headers, rows)
    doc_no = "行政处罚决定书文号" if dataset == "xzcf_v2" else "行政许可决定文书号"
    for name in (doc_no, "行政相对人名称", "统一社会信用代码", "数据来源单位"):
        columns = {fmt: _column(rows, headers, name) for fmt, (headers, rows) in readings.items()}
        assert columns["csv"] == columns["xlsx"] == columns["xls"] == columns["jsonl"], name


def test_spreadsheet_dates_are_dates(synth: Synth) -> None:
    headers, rows, _fmt, _enc = read(synth.out / "xzcf_v2.xlsx")
    decided = _column(rows, headers, "处罚决定日期")
    assert sum(isinstance(v, date) for v in decided) > len(decided) // 2
    assert any(isinstance(v, int) and v > 30000 for v in decided)  # bare Excel serials, as sent
    headers, rows, _fmt, _enc = read(synth.out / "xzcf_v2_part01.xls")
    assert any(isinstance(v, date) for v in _column(rows, headers, "处罚决定日期"))


def test_estimated_rows_bound_the_row_count(synth: Synth) -> None:
    for entry in synth.files():
        with closing(open_table(synth.out / entry["path"])) as table:
            assert isinstance(table, BaseTable)
            estimate = table.estimated_rows
        assert estimate is None or estimate >= entry["rows"], entry["path"]
