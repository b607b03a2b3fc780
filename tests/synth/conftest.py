"""One generated dataset shared by the synth tests, and readers for every format."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xinyong.synth import Options, generate

SEED = 11
SUBJECTS = 400
# Small sheets and two sheets per XLS file, so the splitting is exercised at test scale.
OPTIONS = Options(mess_rate=0.2, bad_rate=0.05, xls_rows_per_sheet=70, xls_sheets_per_file=2)


@dataclass(frozen=True)
class Generated:
    out: Path
    manifest: dict[str, Any]

    def files(self, dataset: str, fmt: str | None = None) -> list[dict[str, Any]]:
        return [
            f
            for f in self.manifest["files"]
            if f["dataset"] == dataset and (fmt is None or f["format"] == fmt)
        ]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("synth")
    return Generated(out, generate(out, SUBJECTS, seed=SEED, options=OPTIONS))


def read_table(out: Path, entry: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Header and data rows of a manifest entry; spreadsheets give their sheets in order."""
    path = out / entry["path"]
    fmt = entry["format"]
    if fmt == "csv":
        with path.open(encoding=entry["encoding"], newline="") as handle:
            rows = list(csv.reader(handle))
        return rows[0], rows[1:]
    if fmt == "jsonl":
        with path.open(encoding="utf-8") as handle:
            objects = [json.loads(line) for line in handle]
        header = list(objects[0]) if objects else []
        return header, [list(o.values()) for o in objects]
    names: list[str] = []
    data: list[list[Any]] = []
    for _, rows in sheets(path, fmt):
        names = [str(h) for h in rows[0]]
        data += [list(r) + [""] * (len(names) - len(r)) for r in rows[1:]]
    return names, data


def sheets(path: Path, fmt: str) -> Iterator[tuple[str, list[list[Any]]]]:
    """(sheet name, rows) of an XLSX or XLS file, empty cells as ""."""
    if fmt == "xls":
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            yield name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            rows = [
                ["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)
            ]
            yield sheet.title, rows
    finally:
        book.close()


_DATE_FORMS = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "-"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), "年"),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), "/"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), ""),
)


def as_date(value: Any) -> date | None:
    """A date cell in any of the spellings the generator uses; None when empty."""
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float):
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = str(value).strip()
    for pattern, _ in _DATE_FORMS:
        match = pattern.fullmatch(text)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    raise AssertionError(f"not a date: {value!r}")


def bad_rows(entry: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {b["row"]: b for b in entry["bad_rows"]}
