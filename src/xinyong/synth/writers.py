"""Streaming writers for CSV, JSON Lines, XLSX and XLS, each reproducible to the byte.

A writer takes one rendered row at a time and never holds the file in memory: XLSX goes
through openpyxl's write-only mode, XLS rows are flushed to xlwt's row store every few
hundred rows and a workbook is closed when its sheets are full. Each writer returns the
manifest entries of the files it wrote, with the deliberately bad rows it was told about.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Protocol

import xlwt
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from xinyong.synth.records import Bad
from xinyong.synth.render import Cell

XLS_MAX_ROWS = 65_535  # data rows under the header in one BIFF8 sheet (65,536 in all)
XLSX_MAX_ROWS = 1_048_575
_XLS_FLUSH_EVERY = 500
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class FileEntry:
    """One written file as the manifest lists it."""

    path: str
    dataset: str
    schema: str
    format: str
    encoding: str
    rows: int = 0
    sheets: list[dict[str, Any]] = field(default_factory=list)
    bad_rows: list[dict[str, Any]] = field(default_factory=list)

    def describe(self, path: Path) -> dict[str, Any]:
        """The manifest entry (the bad-row list is shared, not copied: it can be long)."""
        described: dict[str, Any] = {
            "path": self.path,
            "dataset": self.dataset,
            "schema": self.schema,
            "format": self.format,
            "encoding": self.encoding,
            "rows": self.rows,
        }
        if self.sheets:
            described["sheets"] = self.sheets
        described["bad_rows"] = self.bad_rows
        described["bytes"] = path.stat().st_size
        with path.open("rb") as handle:
            described["sha256"] = hashlib.file_digest(handle, "sha256").hexdigest()
        return described

    def note_bad(self, bad: Bad | None, sheet: str = "", sheet_row: int = 0) -> None:
        if bad is None:
            return
        entry: dict[str, Any] = {"row": self.rows, "reason": bad.reason, "field": bad.field}
        if sheet:
            entry |= {"sheet": sheet, "sheet_row": sheet_row}
        self.bad_rows.append(entry)


class RowWriter(Protocol):
    def write(self, text: Sequence[str], cells: Sequence[Cell], bad: Bad | None) -> None: ...

    def close(self) -> list[FileEntry]: ...


class CsvWriter:
    """CSV with a header row, CRLF line ends (as Excel writes them) and the given encoding."""

    def __init__(
        self, out: Path, name: str, dataset: str, schema: str, headers: Sequence[str], encoding: str
    ) -> None:
        self.entry = FileEntry(name, dataset, schema, "csv", encoding)
        self._handle: IO[str] = (out / name).open("w", encoding=encoding, newline="")
        self._csv = csv.writer(self._handle)
        self._csv.writerow(headers)

    def write(self, text: Sequence[str], cells: Sequence[Cell], bad: Bad | None) -> None:
        self._csv.writerow(text)
        self.entry.rows += 1
        self.entry.note_bad(bad)

    def close(self) -> list[FileEntry]:
        self._handle.close()
        return [self.entry]


class JsonlWriter:
    """One JSON object per line, keyed by the header names, UTF-8."""

    def __init__(
        self, out: Path, name: str, dataset: str, schema: str, headers: Sequence[str]
    ) -> None:
        self.entry = FileEntry(name, dataset, schema, "jsonl", "utf-8")
        self._headers = tuple(headers)
        self._handle = (out / name).open("w", encoding="utf-8", newline="\n")

    def write(self, text: Sequence[str], cells: Sequence[Cell], bad: Bad | None) -> None:
        row = dict(zip(self._headers, text, strict=True))
        self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.entry.rows += 1
        self.entry.note_bad(bad)

    def close(self) -> list[FileEntry]:
        self._handle.close()
        return [self.entry]


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose members all carry one fixed timestamp, so XLSX bytes depend on data only."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        info.compress_type = self.compression
        info.external_attr = 0o644 << 16
        return info

    def writestr(  # type: ignore[override]
        self, zinfo_or_arcname: str | zipfile.ZipInfo, data: bytes | str, *args: Any, **kw: Any
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kw)

    def write(  # type: ignore[override]
        self, filename: str, arcname: str | None = None, *args: Any, **kw: Any
    ) -> None:
        info = self._info(arcname or Path(filename).name)
        with open(filename, "rb") as source, self.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, 1 << 20)


class XlsxWriter:
    """XLSX in openpyxl's write-only mode: rows stream to a temporary file per sheet."""

    def __init__(
        self,
        out: Path,
        name: str,
        dataset: str,
        schema: str,
        headers: Sequence[str],
        created: datetime,
        rows_per_sheet: int = XLSX_MAX_ROWS,
    ) -> None:
        self.entry = FileEntry(name, dataset, schema, "xlsx", "utf-8")
        self._path = out / name
        self._headers = list(headers)
        self._rows_per_sheet = rows_per_sheet
        self._book = Workbook(write_only=True)
        self._book.properties.created = created
        self._book.properties.modified = created
        self._book.properties.creator = "xinyong synth"
        self._sheet: Any = None
        self._in_sheet = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        title = f"Sheet{len(self.entry.sheets) + 1}"
        self._sheet = self._book.create_sheet(title)
        self._sheet.append(self._headers)
        self.entry.sheets.append({"name": title, "rows": 0})
        self._in_sheet = 0

    def write(self, text: Sequence[str], cells: Sequence[Cell], bad: Bad | None) -> None:
        if self._in_sheet == self._rows_per_sheet:
            self._new_sheet()
        # openpyxl stores a date as a serial number with the yyyy-mm-dd format by itself.
        self._sheet.append([None if value == "" else value for value in cells])
        self._in_sheet += 1
        self.entry.rows += 1
        sheet = self.entry.sheets[-1]
        sheet["rows"] += 1
        self.entry.note_bad(bad, sheet["name"], self._in_sheet + 1)

    def close(self) -> list[FileEntry]:
        with _FixedTimeZip(self._path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(self._book, archive).save()
        return [self.entry]


class XlsWriter:
    """BIFF8 (Excel 97–2003) through xlwt, split into sheets and files at the format's limits.

    `rows_per_sheet` data rows go under each header; a workbook holds `sheets_per_file`
    sheets, then the next rows go to `<stem>_partNN.xls`. xlwt keeps a workbook's shared
    strings until it is saved, so one sheet per file bounds the memory best.
    """

    def __init__(
        self,
        out: Path,
        stem: str,
        dataset: str,
        schema: str,
        headers: Sequence[str],
        total_rows: int,
        rows_per_sheet: int = XLS_MAX_ROWS,
        sheets_per_file: int = 1,
    ) -> None:
        if not 0 < rows_per_sheet <= XLS_MAX_ROWS or sheets_per_file < 1:
            raise ValueError(f"an XLS sheet holds 1 to {XLS_MAX_ROWS} data rows")
        self._out, self._stem = out, stem
        self._dataset, self._schema = dataset, schema
        self._headers = list(headers)
        self._rows_per_sheet = rows_per_sheet
        self._sheets_per_file = sheets_per_file
        per_file = rows_per_sheet * sheets_per_file
        self._parts = max(1, -(-total_rows // per_file))
        self._date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
        self._entries: list[FileEntry] = []
        self._book: Any = None
        self._sheet: Any = None
        self._in_sheet = 0
        self._open_book()

    def _open_book(self) -> None:
        part = len(self._entries) + 1
        name = f"{self._stem}.xls" if self._parts == 1 else f"{self._stem}_part{part:02d}.xls"
        self._entries.append(FileEntry(name, self._dataset, self._schema, "xls", "biff8"))
        self._book = xlwt.Workbook(encoding="utf-8")
        self._new_sheet()

    def _new_sheet(self) -> None:
        entry = self._entries[-1]
        title = f"Sheet{len(entry.sheets) + 1}"
        self._sheet = self._book.add_sheet(title)
        for col, header in enumerate(self._headers):
            self._sheet.write(0, col, header)
        entry.sheets.append({"name": title, "rows": 0})
        self._in_sheet = 0

    def _save(self) -> None:
        self._sheet.flush_row_data()
        self._book.save(str(self._out / self._entries[-1].path))

    def write(self, text: Sequence[str], cells: Sequence[Cell], bad: Bad | None) -> None:
        if self._in_sheet == self._rows_per_sheet:
            if len(self._entries[-1].sheets) == self._sheets_per_file:
                self._save()
                self._open_book()
            else:
                self._sheet.flush_row_data()
                self._new_sheet()
        self._in_sheet += 1
        row = self._in_sheet
        sheet = self._sheet
        for col, value in enumerate(cells):
            if isinstance(value, date):
                sheet.write(row, col, value, self._date_style)
            elif value != "":
                sheet.write(row, col, value)
        if row % _XLS_FLUSH_EVERY == 0:
            sheet.flush_row_data()
        entry = self._entries[-1]
        entry.rows += 1
        entry.sheets[-1]["rows"] += 1
        entry.note_bad(bad, entry.sheets[-1]["name"], row + 1)

    def close(self) -> list[FileEntry]:
        self._save()
        return self._entries
