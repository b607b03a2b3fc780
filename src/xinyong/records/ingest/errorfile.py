"""The error file: the rejected rows of a submission, in the submitter's own format.

A department fixes its rows where it keeps them — a spreadsheet, a GB18030 CSV, a JSON
export — so the error file is that same kind of file holding only the rows that did not
land, each with its row number ("行号") and every reason ("错误原因", "字段：说明" joined
with "；"). Formats:

- CSV stays CSV in the submitted encoding (GB18030 stays GB18030, a UTF-8 BOM stays);
- XLSX stays XLSX; legacy XLS is answered with XLSX (writing BIFF8 buys nothing: every
  spreadsheet program that opens XLS opens XLSX), and the file name says ``.xlsx``;
- JSON stays a JSON array and JSON Lines stay JSON Lines, each object with the two keys added.

Spreadsheet sources also get "工作表" and "表内行号", the sheet and the row a person sees.

Text cells that a spreadsheet would run as a formula (they begin with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) get a leading apostrophe in CSV and XLSX, as OWASP's CSV
injection guidance says: the submitted file is untrusted and the error file is opened by
people. XLSX cells are always written as values, never as formulas.

The submitted file is read again row by row (through the readers) and written row by row,
so memory does not grow with the file; the output appears under its final name only when it
is complete.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from xinyong.records.ingest.readers import open_table
from xinyong.records.ingest.tables import cell_text
from xinyong.records.ingest.types import Cell, RowError, SourceRow

ROW_NO = "行号"
REASONS = "错误原因"
SHEET = "工作表"
SHEET_ROW = "表内行号"
REASON_SEPARATOR = "；"
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL = 32_767
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "xls": ".xlsx", "json": ".json", "jsonl": ".jsonl"}
# GBK and GB2312 files are answered in GB18030: the same bytes for every character they
# hold, and a reason may quote a character they lack.
_ENCODINGS = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "": "utf-8"}


def describe_one(field: str, message: str, field_names: Mapping[str, str] | None = None) -> str:
    """One reason as "字段：说明", the field by its Chinese name. The cleaning messages already
    name their field (“处罚决定日期”晚于今天), so a name the message holds is not repeated, and
    a bare field key (`decision_date`) is never shown to a submitter."""
    label = (field_names or {}).get(field, "") if field else ""
    if label and label not in message:
        return f"{label}：{message}"
    return message


def describe(errors: Iterable[RowError], field_names: Mapping[str, str] | None = None) -> str:
    """Every reason of a row as one cell, joined with "；"."""
    return REASON_SEPARATOR.join(describe_one(e.field, e.message, field_names) for e in errors)


def neutralise(value: str) -> str:
    """A text cell a spreadsheet will show as text, never evaluate (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_LEADS) else value


def output_format(table_format: str) -> str:
    """The format the error file of a `table_format` submission is written in."""
    if table_format not in SUFFIXES:
        raise ValueError(f"no error file for format {table_format!r}")
    return "xlsx" if table_format == "xls" else table_format


def output_encoding(encoding: str) -> str:
    """The encoding of a CSV error file: the submitted one (GBK family as GB18030)."""
    return _ENCODINGS.get(encoding.lower().replace("_", "-"), encoding)


def _as_text(value: Cell) -> str:
    """A cell as a CSV error file spells it: as a header cell is read, but a boolean as a
    spreadsheet shows it and a time of day after a space."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return cell_text(value)


def _json_value(value: Cell) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _xlsx_value(value: Cell) -> Cell:
    if isinstance(value, str):
        text = str(ILLEGAL_CHARACTERS_RE.sub("\ufffd", neutralise(value)))
        return text[:XLSX_MAX_CELL]
    return value


Reasons = Mapping[int, Sequence[RowError]] | Iterable[tuple[int, Sequence[RowError]]]
"""Row number → its errors: a mapping, or (row number, errors) pairs in ascending row order,
which the caller may stream from the database so memory stays flat however many rows failed."""


def _rejected(
    rows: Iterator[SourceRow], reasons: Reasons, field_names: Mapping[str, str] | None
) -> Iterator[tuple[SourceRow, str]]:
    """The rows named in `reasons`, in file order (a merge of two ascending sequences); stops
    reading the file once the last one was found."""
    pairs = iter(sorted(reasons.items())) if isinstance(reasons, Mapping) else iter(reasons)
    wanted = next(pairs, None)
    for row in rows:
        while wanted is not None and wanted[0] < row.row_no:
            wanted = next(pairs, None)  # a row number the file does not have
        if wanted is None:
            return
        if wanted[0] == row.row_no:
            yield row, describe(wanted[1], field_names)
            wanted = next(pairs, None)


@contextmanager
def _replacing(target: Path, *, text: bool, encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """A temporary file next to `target` that becomes `target` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        if text:
            handle: IO[Any] = os.fdopen(fd, "w", encoding=encoding, newline="")
        else:
            handle = os.fdopen(fd, "wb")
        with handle:
            yield handle
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_csv(
    handle: IO[str], headers: Sequence[str], rows: Iterator[tuple[SourceRow, str]]
) -> None:
    writer = csv.writer(handle)
    writer.writerow([ROW_NO, REASONS, *(neutralise(h) for h in headers)])
    for row, reason in rows:
        cells = [neutralise(_as_text(cell)) for cell in row.cells]
        writer.writerow([row.row_no, neutralise(reason), *cells])


def _write_xlsx(path: Path, headers: Sequence[str], rows: Iterator[tuple[SourceRow, str]]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误行")
    sheet.append([ROW_NO, REASONS, SHEET, SHEET_ROW, *(_xlsx_value(h) for h in headers)])
    for row, reason in rows:
        cells = [_xlsx_value(cell) for cell in row.cells]
        sheet.append([row.row_no, _xlsx_value(reason), row.sheet, row.sheet_row, *cells])
    with _replacing(path, text=False) as handle:
        book.save(handle)


def _json_object(headers: Sequence[str], row: SourceRow, reason: str) -> dict[str, Any]:
    record: dict[str, Any] = {ROW_NO: row.row_no, REASONS: reason}
    for header, cell in zip(headers, row.cells, strict=False):
        record[header] = _json_value(cell)
    return record


def _write_json(
    handle: IO[str],
    headers: Sequence[str],
    rows: Iterator[tuple[SourceRow, str]],
    *,
    lines: bool,
) -> None:
    if lines:
        for row, reason in rows:
            handle.write(json.dumps(_json_object(headers, row, reason), ensure_ascii=False))
            handle.write("\n")
        return
    handle.write("[")
    separator = "\n"
    for row, reason in rows:
        handle.write(separator)
        handle.write(json.dumps(_json_object(headers, row, reason), ensure_ascii=False))
        separator = ",\n"
    handle.write("\n]\n")


def error_file_name(file_name: str, table_format: str) -> str:
    """The name offered for download: the submitted name, marked, with the output suffix."""
    stem = Path(file_name).stem or "submission"
    return f"{stem}.错误行{SUFFIXES[table_format]}"


def write_error_file(
    source_path: Path,
    table_format: str,
    encoding: str,
    reasons: Reasons,
    out: Path,
    *,
    field_names: Mapping[str, str] | None = None,
) -> Path:
    """Write the rows of `source_path` named in `reasons` (see `Reasons`) to `out`,
    with the suffix of the output format (`.xlsx` for an XLS submission), and return the
    path written. `table_format` and `encoding` are what the pipeline detected; the file is
    read again with the same reader, so the rows match the row numbers exactly.
    `field_names` (field key → Chinese name) names the field of a reason whose message does
    not already name it."""
    fmt = output_format(table_format)
    target = out.with_suffix(SUFFIXES[table_format])
    table = open_table(source_path, file_name=f"{source_path.stem}.{table_format}")
    try:
        headers = tuple(table.headers)
        rows = _rejected(table.rows(), reasons, field_names)
        if fmt == "csv":
            with _replacing(target, text=True, encoding=output_encoding(encoding)) as handle:
                _write_csv(handle, headers, rows)
        elif fmt == "xlsx":
            _write_xlsx(target, headers, rows)
        else:
            with _replacing(target, text=True) as handle:
                _write_json(handle, headers, rows, lines=fmt == "jsonl")
    finally:
        table.close()
    return target
