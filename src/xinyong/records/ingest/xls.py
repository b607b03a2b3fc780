"""Old-format Excel (BIFF8, `.xls`) workbooks, read through calamine.

calamine parses a whole XLS file when it opens it, at about eight times the file's size in
memory, so XLS files are limited in size (`Limits.xls_bytes`; a full 65,535-row sheet of
双公示 data is about 31 MB) rather than streamed. Date cells come out as dates (datetimes
with a time of day), numbers as int or float, as in the XLSX reader. Sheets are chosen and
numbered as in xlsx.py: every sheet with the first sheet's header, rows numbered on.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineSheet, CalamineWorkbook, PasswordError, SheetTypeEnum

from xinyong.records.ingest.limits import Limits
from xinyong.records.ingest.tables import (
    BaseTable,
    check_cells,
    clean_header,
    corrupt,
    fit,
    is_blank,
    no_header,
    no_rows,
)
from xinyong.records.ingest.types import Cell, FileRejected, SourceRow

_ENCRYPTED_OLE = "EncryptedPackage".encode("utf-16-le")


def _cell(value: Any) -> Cell:
    if type(value) is str:
        return value or None
    if type(value) is float:
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, int | date):
        return value  # int, bool, date and datetime as calamine gives them
    if isinstance(value, time | timedelta):
        return str(value)
    return None if value is None else str(value)


def encrypted_refusal() -> FileRejected:
    return FileRejected("file.encrypted", _("文件设置了打开密码，无法读取；请取消密码后重新报送"))


def is_encrypted(path: Path) -> bool:
    """Whether an OLE2 file is an encrypted Office document (how Excel saves an XLSX with an
    opening password): its directory names an `EncryptedPackage` stream."""
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(1024 * 1024):
            if _ENCRYPTED_OLE in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTED_OLE) :]
    return False


class XlsTable(BaseTable):
    """An XLS workbook (see the module docstring)."""

    def __init__(self, path: Path, limits: Limits) -> None:
        if is_encrypted(path):
            raise encrypted_refusal()
        if path.stat().st_size > limits.xls_bytes:
            raise FileRejected(
                "file.too_large",
                _("XLS 文件超过 %(mib)d MiB；请另存为 XLSX 或 CSV（或拆分为多个文件）后报送")
                % {"mib": limits.xls_bytes // (1024 * 1024)},
            )
        self._limits = limits
        try:
            self._book = CalamineWorkbook.from_path(str(path))
        except PasswordError:
            raise encrypted_refusal() from None
        except Exception:  # calamine's own errors, and Rust panics
            raise corrupt() from None
        try:
            self._load()
        finally:
            # The sheets needed are copied out; the workbook's own copy of every sheet goes.
            self._book.close()

    def _sheet(self, name: str) -> CalamineSheet:
        try:
            return self._book.get_sheet_by_name(name)
        except Exception:  # calamine's own errors, and Rust panics
            raise corrupt() from None

    def _sheet_rows(self, sheet: CalamineSheet) -> Iterator[tuple[int, list[Cell]]]:
        """(sheet row number, cells from column A) for each row of the sheet's used range."""
        top, left = sheet.start or (0, 0)
        pad: list[Cell] = [None] * left
        try:
            for index, values in enumerate(sheet.iter_rows()):
                yield top + index + 1, [*pad, *map(_cell, values)]
        except Exception:  # calamine's own errors, and Rust panics
            raise corrupt() from None

    def _load(self) -> None:
        headers: tuple[str, ...] | None = None
        self._sheets: list[tuple[CalamineSheet, int]] = []
        skipped: list[str] = []
        estimate = 0
        for meta in self._book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = self._sheet(meta.name)
            found = next(
                (
                    (names, number)
                    for number, cells in self._sheet_rows(sheet)
                    if (names := clean_header(cells, self._limits)) is not None
                ),
                None,
            )
            if found is None:
                continue
            if headers is None:
                headers = found[0]
            if found[0] != headers:
                skipped.append(meta.name)
                continue
            self._sheets.append((sheet, found[1]))
            estimate += (sheet.end or (0, 0))[0] + 1 - found[1]
        if headers is None:
            raise no_header()
        super().__init__(
            format="xls",
            encoding="",
            headers=headers,
            estimated_rows=estimate,
            skipped_sheets=tuple(skipped),
        )
        first = self._rows()
        try:
            if next(first, None) is None:
                raise no_rows()
        finally:
            first.close()

    def _rows(self) -> Generator[SourceRow, None, None]:
        width = len(self.headers)
        limits = self._limits
        offset = 0
        for sheet, header_row in self._sheets:
            last = offset
            for number, cells in self._sheet_rows(sheet):
                if number <= header_row or is_blank(cells):
                    continue
                last = offset + number - header_row
                check_cells(cells, limits, last, sheet.name, number)
                yield SourceRow(
                    last, fit(cells, width, last, sheet.name, number), sheet.name, number
                )
            offset = last

    def close(self) -> None:
        super().close()
        self._sheets.clear()
