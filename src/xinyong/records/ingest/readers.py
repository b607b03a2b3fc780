"""Open a submitted file as a `Table`, whatever its format; or wrap API records as one.

The format is read from the content, never taken from the name alone: a zip is an XLSX, an
OLE2 compound file an XLS, text starting with `[` or `{` JSON (`{` per line: JSON Lines,
or `{"records": [...]}`), other text CSV. The extension is then cross-checked: it must be
of the same family (a spreadsheet, JSON, or delimited text) or unknown; an `.xls` that is
really text or a web page is refused rather than read as something else. Limits are in
limits.py; each refusal is a `FileRejected` with a stable code and a Chinese message, raised
when the file is opened where the check can be made on the whole file (size, encoding,
zip structure, JSON syntax, header, at least one data row), else while its rows stream.

Formats and what comes out of them:

| format | encoding | cells | notes |
|---|---|---|---|
| csv | utf-8, utf-8-sig, gb18030 | text, None for empty | comma, tab or semicolon |
| xlsx | "" | text, int, float, bool, date, datetime, None | streamed |
| xls | "" | the same | whole file in memory, ≤ `MAX_XLS_BYTES` |
| json, jsonl | as csv | JSON scalars as given | keys: union in first-seen order |

Every format: header names NFKC-normalised and trimmed; blank rows skipped (their numbers
are kept, so `row_no` matches the row a person counts); short rows padded with None; a cell
past the last header column must be empty (else `file.row_too_long`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.utils.translation import gettext as _

from xinyong.records.ingest.limits import (
    DEFAULT_LIMITS,
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_XLS_BYTES,
    Limits,
)
from xinyong.records.ingest.tables import no_header
from xinyong.records.ingest.textfiles import CsvTable, JsonTable, RecordsTable, json_kind, scan_text
from xinyong.records.ingest.types import FileRejected, Table
from xinyong.records.ingest.xls import XlsTable
from xinyong.records.ingest.xlsx import XlsxTable

__all__ = [
    "FORMATS",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "MAX_XLS_BYTES",
    "Limits",
    "open_table",
    "table_from_records",
]

FORMATS = ("csv", "xlsx", "xls", "json", "jsonl")
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
_FAMILY = {
    ".csv": "text",
    ".txt": "text",
    ".tsv": "text",
    ".xlsx": "sheet",
    ".xlsm": "sheet",
    ".xls": "sheet",
    ".et": "sheet",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}
_OTHER_FILES = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x1f\x8b", "gzip"),
)


def _family(name: str) -> str:
    return _FAMILY.get(Path(name).suffix.lower(), "")


def _mismatch(name: str, content: str) -> FileRejected:
    return FileRejected(
        "file.format_mismatch",
        _(
            "文件扩展名为 %(suffix)s，但内容是 %(content)s；"
            "请按实际格式另存（或更正扩展名）后重新报送"
        )
        % {"suffix": Path(name).suffix.lower(), "content": content},
    )


def open_table(
    path: Path, *, file_name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Table:
    """Open `path` (uploaded as `file_name`, whose extension is cross-checked) as a Table.

    Raises FileRejected when the file as a whole cannot be read. The caller closes the table.
    """
    name = file_name or path.name
    claimed = _family(name)
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise FileRejected(
            "file.too_large",
            _("文件大小 %(size).1f MiB，超过上限 %(limit)d MiB；请拆分为多个文件后报送")
            % {"size": size / 1024 / 1024, "limit": limits.file_bytes // (1024 * 1024)},
        )
    if size == 0:
        raise no_header()
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_ZIP):
        if claimed not in ("", "sheet"):
            raise _mismatch(name, _("Excel 工作簿（XLSX）"))
        return XlsxTable(path, limits)
    if head.startswith(_OLE2):
        if claimed not in ("", "sheet"):
            raise _mismatch(name, _("Excel 工作簿（XLS）"))
        return XlsTable(path, limits)
    for magic, kind in _OTHER_FILES:
        if head.startswith(magic):
            raise FileRejected(
                "file.format",
                _(
                    "文件是 %(kind)s 格式，不是数据表格；"
                    "请报送 CSV、XLSX、XLS、JSON 或 JSON Lines 文件"
                )
                % {"kind": kind},
            )
    scan = scan_text(path, limits)
    lines = json_kind(path, scan.encoding)
    if lines is None:
        if claimed == "sheet":
            raise (
                _web_page(name)
                if _looks_like_markup(path, scan.encoding)
                else _mismatch(name, _("文本（CSV）"))
            )
        if claimed == "json":
            raise _mismatch(name, _("文本（不是 JSON）"))
        return CsvTable(path, scan, limits)
    if claimed in ("sheet", "text"):
        raise _mismatch(name, "JSON")
    return JsonTable(path, scan, lines, limits)


def _looks_like_markup(path: Path, encoding: str) -> bool:
    with path.open(encoding=encoding) as handle:
        return handle.read(1024).lstrip().startswith("<")


def _web_page(name: str) -> FileRejected:
    return FileRejected(
        "file.format",
        _(
            "文件 %(name)s 是网页（HTML/XML）格式的表格，不是真正的 Excel 文件；"
            "请在 Excel 中另存为 XLSX 或 CSV 后报送"
        )
        % {"name": name},
    )


def table_from_records(
    records: Iterable[dict[str, object]], *, limits: Limits = DEFAULT_LIMITS
) -> Table:
    """A Table over records pushed through the API (format "json"): headers are the union of
    the records' keys in first-seen order; values are kept as given. A record that is not an
    object, or a value that is an object or an array, refuses the whole body."""
    return RecordsTable(records, limits)
