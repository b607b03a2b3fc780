"""Old-format Excel (BIFF8, `.xls`) workbooks, read through calamine.

calamine parses a whole XLS file when it opens it, at about eight times the file's size in
memory, so XLS files are limited in size (`Limits.xls_bytes`; a full 65,535-row sheet of
双公示 data is about 31 MB) rather than streamed. Date cells come out as dates (datetimes
with a time of day), numbers as int or float, as in the XLSX reader. Sheets are chosen and
numbered as in every workbook (`tables.WorkbookTable`).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineSheet, CalamineWorkbook, PasswordError, SheetTypeEnum

from xinyong.records.ingest.limits import Limits
from xinyong.records.ingest.tables import RawRow, WorkbookTable, check_cells, corrupt
from xinyong.records.ingest.types import Cell, FileRejected

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


class XlsTable(WorkbookTable[CalamineSheet]):
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
            sheets = (
                self._sheet(meta.name)
                for meta in self._book.sheets_metadata
                if meta.typ == SheetTypeEnum.WorkSheet
            )
            self._open_sheets(sheets, "xls", limits)
        finally:
            # The sheets needed are copied out; the workbook's own copy of every sheet goes.
            self._book.close()

    def _sheet(self, name: str) -> CalamineSheet:
        try:
            return self._book.get_sheet_by_name(name)
        except Exception:  # calamine's own errors, and Rust panics
            raise corrupt() from None

    def _sheet_rows(self, sheet: CalamineSheet) -> Generator[RawRow, None, None]:
        """(sheet row number, cells from column A) for each row of the sheet's used range."""
        top, left = sheet.start or (0, 0)
        pad: list[Cell] = [None] * left
        try:
            for index, values in enumerate(sheet.iter_rows()):
                yield top + index + 1, [*pad, *map(_cell, values)]
        except Exception:  # calamine's own errors, and Rust panics
            raise corrupt() from None

    def _last_row(self, sheet: CalamineSheet) -> int:
        return (sheet.end or (0, 0))[0] + 1

    def _check_row(self, cells: Sequence[Cell], row_no: int, sheet: str, sheet_row: int) -> None:
        check_cells(cells, self._limits, row_no, sheet, sheet_row)

    def close(self) -> None:
        super().close()
        self._sheets.clear()
