"""What every reader shares: the table object, the header row and the shaping of data rows.

A header is cleaned once (NFKC, trimmed, a BOM dropped); an empty header cell before the last
named one gets the synthetic name `列N` (its column number), so a column of values under a
blank header is kept rather than lost. Data rows are padded with None to the header's width;
a row with a non-empty cell past the last header column is refused with its row number (in
a CSV it almost always means an unquoted delimiter shifted the row's values).

A workbook (`WorkbookTable`: XLSX, XLS) reads every sheet whose header equals the first
non-empty sheet's, in workbook order, its rows numbered on from the previous sheet's last row
(as synth's manifest.json numbers them); sheets with another header are left out and named
in `skipped_sheets`.
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Generator, Iterable, Iterator, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Generic, Protocol, TypeVar

from django.utils.translation import gettext as _

from xinyong.records.ingest.limits import Limits
from xinyong.records.ingest.types import Cell, FileRejected, SourceRow


def synthetic_header(column: int) -> str:
    """The name given to the column numbered `column` (1-based) when its header is empty
    (data, like every header: the same in every interface language)."""
    return f"列{column}"


def cell_text(cell: object) -> str:
    """A header cell as text: numbers without a spurious `.0`, dates in ISO form."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell)


def clean_header(cells: Sequence[object], limits: Limits) -> tuple[str, ...] | None:
    """The header row's names, or None when the row is blank."""
    names = [
        unicodedata.normalize("NFKC", cell_text(c)).replace("\ufeff", "").strip() for c in cells
    ]
    while names and not names[-1]:
        names.pop()
    if not names:
        return None
    if len(names) > limits.columns:
        raise FileRejected(
            "file.too_many_columns",
            _("表头有 %(n)d 列，超过上限 %(limit)d 列")
            % {"n": len(names), "limit": limits.columns},
        )
    return tuple(name or synthetic_header(i) for i, name in enumerate(names, start=1))


def is_blank(cells: Sequence[Cell]) -> bool:
    """Whether a row holds nothing but empty cells and whitespace (such rows are skipped)."""
    for cell in cells:
        if cell is None:
            continue
        if type(cell) is str:
            if cell and not cell.isspace():
                return False
        else:
            return False
    return True


def where(row_no: int, sheet: str = "", sheet_row: int = 0) -> str:
    """A row as a person finds it: the sheet and its row in a spreadsheet, else the data row."""
    if sheet:
        return _("工作表“%(sheet)s”第 %(row)d 行") % {"sheet": sheet, "row": sheet_row}
    return _("第 %(row)d 行") % {"row": row_no}


def cell_too_long(place: str, limits: Limits) -> FileRejected:
    return FileRejected(
        "file.cell_too_long",
        _("%(where)s有单元格超过 %(limit)d 个字符（Excel 单元格的上限），无法读取")
        % {"where": place, "limit": limits.cell_chars},
    )


def check_cells(
    cells: Sequence[Cell], limits: Limits, row_no: int, sheet: str = "", sheet_row: int = 0
) -> None:
    """Refuse a row with a text cell longer than the limit (for readers that get whole cells)."""
    limit = limits.cell_chars
    for cell in cells:
        if type(cell) is str and len(cell) > limit:
            raise cell_too_long(where(row_no, sheet, sheet_row), limits)


def fit(
    cells: Sequence[Cell], width: int, row_no: int, sheet: str = "", sheet_row: int = 0
) -> tuple[Cell, ...]:
    """`cells` padded with None (or cut, when the cut cells are empty) to `width`."""
    if len(cells) == width:
        return tuple(cells)
    if len(cells) < width:
        return (*cells, *(None,) * (width - len(cells)))
    if not is_blank(cells[width:]):
        raise FileRejected(
            "file.row_too_long",
            _(
                "%(where)s有 %(n)d 列，多于表头的 %(width)d 列"
                "（可能是文本中含有未加引号的分隔符，或数据列没有表头）；请修正后重新报送"
            )
            % {"where": where(row_no, sheet, sheet_row), "n": len(cells), "width": width},
        )
    return tuple(cells[:width])


def no_rows() -> FileRejected:
    return FileRejected("file.no_rows", _("文件只有表头，没有数据行"))


def no_header() -> FileRejected:
    return FileRejected("file.no_header", _("文件为空：没有表头行，也没有数据"))


def corrupt(detail: str = "") -> FileRejected:
    message = _("文件已损坏或不完整（可能在传输中被截断），无法读取；请重新导出后报送")
    if detail:
        message = f"{message}（{detail}）"
    return FileRejected("file.corrupt", message)


class BaseTable(ABC):
    """A table whose rows are streamed by `_rows()`; `rows()` may be called again to re-read.

    `estimated_rows` is a cheap upper estimate of the data rows (None when unknown) for a
    progress bar; `skipped_sheets` names the sheets left out because their header differs
    from the first sheet's.
    """

    def __init__(
        self,
        *,
        format: str,
        encoding: str,
        headers: tuple[str, ...],
        estimated_rows: int | None = None,
        skipped_sheets: tuple[str, ...] = (),
    ) -> None:
        self.format = format
        self.encoding = encoding
        self.headers = headers
        self.estimated_rows = estimated_rows
        self.skipped_sheets = skipped_sheets
        self._streams: list[Generator[SourceRow, None, None]] = []

    def rows(self) -> Iterator[SourceRow]:
        stream = self._rows()
        self._streams.append(stream)
        return stream

    @abstractmethod
    def _rows(self) -> Generator[SourceRow, None, None]:
        """The data rows, read afresh from the start."""

    def _require_rows(self) -> None:
        """Refuse a file that has a header but no data row."""
        first = self._rows()
        try:
            if next(first, None) is None:
                raise no_rows()
        finally:
            first.close()

    def close(self) -> None:
        """Stop the row streams still open (readers that hold a file open extend this)."""
        for stream in self._streams:
            stream.close()
        self._streams.clear()

    def __enter__(self) -> BaseTable:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


RawRow = tuple[int, list[Cell]]
"""A workbook row as read: (its row number in the sheet, its cells from column A)."""


class Sheet(Protocol):
    """A reader's sheet: its name is what rows and `skipped_sheets` report."""

    @property
    def name(self) -> str: ...


SheetT = TypeVar("SheetT", bound=Sheet)


class WorkbookTable(BaseTable, Generic[SheetT]):
    """A workbook's sheets as one table (see the module docstring); a reader supplies how a
    sheet's rows are read and how many it declares."""

    _sheets: list[tuple[SheetT, int]]
    """The sheets read, each with its header's row number."""

    @abstractmethod
    def _sheet_rows(self, sheet: SheetT) -> Generator[RawRow, None, None]:
        """Every row of the sheet, from its first, afresh."""

    @abstractmethod
    def _last_row(self, sheet: SheetT) -> int | None:
        """The sheet's last row number as the file declares it (None when it does not)."""

    def _check_row(self, cells: Sequence[Cell], row_no: int, sheet: str, sheet_row: int) -> None:
        """Refuse a data row (before it is fitted to the header); readers that check cells
        as they parse them need nothing more."""

    def _open_sheets(self, sheets: Iterable[SheetT], format: str, limits: Limits) -> None:
        """Choose the sheets to read and set the table up from them; refuse a workbook with no
        header or no data row."""
        headers: tuple[str, ...] | None = None
        self._sheets = []
        skipped: list[str] = []
        estimate: int | None = 0
        for sheet in sheets:
            found = self._header(sheet, limits)
            if found is None:
                continue
            if headers is None:
                headers = found[0]
            if found[0] != headers:
                skipped.append(sheet.name)
                continue
            self._sheets.append((sheet, found[1]))
            last = self._last_row(sheet)
            estimate = None if last is None or estimate is None else estimate + last - found[1]
        if headers is None:
            raise no_header()
        super().__init__(
            format=format,
            encoding="",
            headers=headers,
            estimated_rows=estimate,
            skipped_sheets=tuple(skipped),
        )
        self._require_rows()

    def _header(self, sheet: SheetT, limits: Limits) -> tuple[tuple[str, ...], int] | None:
        """The sheet's header (its first non-blank row) and that row's number."""
        stream = self._sheet_rows(sheet)
        try:
            for number, cells in stream:
                headers = clean_header(cells, limits)
                if headers is not None:
                    return headers, number
        finally:
            stream.close()
        return None

    def _rows(self) -> Generator[SourceRow, None, None]:
        width = len(self.headers)
        offset = 0
        for sheet, header_row in self._sheets:
            name = sheet.name
            last = offset
            stream = self._sheet_rows(sheet)
            try:
                for number, cells in stream:
                    if number <= header_row or is_blank(cells):
                        continue
                    last = offset + number - header_row
                    self._check_row(cells, last, name, number)
                    yield SourceRow(last, fit(cells, width, last, name, number), name, number)
            finally:
                stream.close()
            offset = last
