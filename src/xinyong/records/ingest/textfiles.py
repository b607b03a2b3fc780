"""Text files: the encoding check, CSV, JSON, JSON Lines, and API records.

The encoding is decided once, over the whole file, before a row is read (RULES.md: "detected,
never guessed silently"). One pass in 1 MiB chunks decodes the bytes as UTF-8 and as GB18030
at once, so memory stays flat whatever the file's size:

- each line with non-ASCII bytes is evidence: for UTF-8 when it decodes as UTF-8 and holds
  at least three Chinese characters, which GBK bytes practically never do by chance (and
  which every real row of 双公示 data does); for GB18030 when it is not valid UTF-8, or when
  its UTF-8 reading has no Chinese character but accented or Cyrillic letters (how short
  GBK text such as `一一一` reads as UTF-8) while its GB18030 reading is Chinese;
- evidence both ways means mixed encodings: refused with both line numbers;
- otherwise GB18030 evidence (with no BOM) and a valid GB18030 file mean GB18030 (a superset
  of GBK and GB2312); no GB18030 evidence means UTF-8 (plain ASCII is UTF-8 too);
- anything else (valid in neither) is refused as undecidable. NUL bytes mean binary data.

A JSON file's keys become its headers, in first-seen order across all records, so JSON files
are read twice: once to check them whole (syntax, nesting, sizes, keys), once to stream rows.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import unicodedata
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from django.utils.translation import gettext as _

from xinyong.records.ingest.limits import Limits
from xinyong.records.ingest.tables import (
    BaseTable,
    cell_too_long,
    clean_header,
    fit,
    is_blank,
    no_header,
    no_rows,
    where,
)
from xinyong.records.ingest.types import Cell, FileRejected, SourceRow

CHUNK = 1024 * 1024
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK3_LINE = re.compile(r"^(?:[^\n]*?[\u3400-\u9fff\uf900-\ufaff]){3}", re.MULTILINE)
_TWO_BYTE = re.compile(r"[\u0080-\u07ff]")  # what GBK bytes read as UTF-8 mostly give
# A line of well-formed UTF-8 sequences with at least one Chinese character (U+4000-9FFF).
_UTF8_CHAR = (
    rb"(?:[\x00-\x09\x0b-\x7f]|[\xc2-\xdf][\x80-\xbf]"
    rb"|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})"
)
_UTF8_LINE = _UTF8_CHAR + rb"*?[\xe4-\xe9][\x80-\xbf]{2}" + _UTF8_CHAR + rb"*+(?=\n|$)"
_FIRST_UTF8_LINE = re.compile(_UTF8_LINE)
_NEXT_UTF8_LINE = re.compile(rb"\n(" + _UTF8_LINE + rb")")  # a literal start: searched fast
DELIMITERS = (",", "\t", ";")
_RECORDS_PREFIX = re.compile(r'\s*\{\s*"records"\s*:\s*\[')
_SPACE = re.compile(r"\s*")
_JSON_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True, slots=True)
class TextScan:
    encoding: str  # utf-8 | utf-8-sig | gb18030
    lines: int


def _mixed(utf8_line: int, other_line: int) -> FileRejected:
    return FileRejected(
        "file.mixed_encoding",
        _(
            "文件混用了多种编码：第 %(a)d 行是 UTF-8，第 %(b)d 行不是；"
            "请用同一种编码（UTF-8 或 GB18030）另存整个文件后重新报送"
        )
        % {"a": utf8_line, "b": other_line},
    )


def _line_too_long(line: int, limits: Limits) -> FileRejected:
    return FileRejected(
        "file.cell_too_long",
        _(
            "文件第 %(line)d 行超过 %(bytes)d 字节，单元格过长"
            "（每个单元格至多 %(limit)d 个字符，即 Excel 单元格的上限），无法读取"
        )
        % {"line": line, "bytes": limits.line_bytes, "limit": limits.cell_chars},
    )


def scan_text(path: Path, limits: Limits) -> TextScan:
    """Decide the encoding of a text file (see the module docstring) or refuse it."""
    gb = codecs.getincrementaldecoder("gb18030")("strict")
    evidence = _Evidence()
    gb_line: int | None = None  # the first line not valid in GB18030
    lines = 0
    run = 0  # bytes since the last newline
    chunk_size = min(CHUNK, limits.line_bytes)
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(UTF16_BOMS):
            raise FileRejected(
                "file.encoding",
                _("文件是 UTF-16 编码（Excel 的“Unicode 文本”）；请另存为 UTF-8 或 GB18030 的 CSV"),
            )
        bom = head.startswith(UTF8_BOM)
        handle.seek(0)
        while chunk := handle.read(chunk_size):
            if b"\x00" in chunk:
                raise FileRejected(
                    "file.binary", _("文件含有二进制数据（NUL 字节），不是文本表格；请检查文件格式")
                )
            newlines = chunk.count(b"\n")
            if newlines == 0:
                run += len(chunk)
            else:
                if run + chunk.find(b"\n") > limits.line_bytes:
                    raise _line_too_long(lines + 1, limits)
                run = len(chunk) - chunk.rfind(b"\n") - 1
            if run > limits.line_bytes:
                raise _line_too_long(lines + newlines + 1, limits)
            if gb_line is None:
                try:
                    gb.decode(chunk)
                except UnicodeDecodeError as error:
                    gb_line = lines + chunk.count(b"\n", 0, max(error.start, 0)) + 1
            evidence.feed(chunk, lines)
            if evidence.utf8 is not None and (other := evidence.other) is not None:
                raise _mixed(evidence.utf8, other)
            lines += newlines
        evidence.feed(b"", lines, final=True)
        if gb_line is None:
            try:
                gb.decode(b"", final=True)
            except UnicodeDecodeError:
                gb_line = lines + (1 if run else 0)
    total = lines + (0 if run == 0 else 1)
    other = evidence.other
    if other is None:
        return TextScan("utf-8-sig" if bom else "utf-8", total)
    if bom or evidence.utf8 is not None:
        raise _mixed(evidence.utf8 or 1, other)
    if gb_line is None:
        return TextScan("gb18030", total)
    raise FileRejected(
        "file.encoding",
        _(
            "无法确定文件编码：第 %(line)d 行既不是有效的 UTF-8，也不是有效的 GB18030；"
            "请另存为 UTF-8 或 GB18030 编码的 CSV 后重新报送"
        )
        % {"line": gb_line},
    )


def _reads_as_gb18030(line: str) -> bool:
    try:
        return _CJK.search(line.encode("utf-8").decode("gb18030")) is not None
    except UnicodeDecodeError:
        return False


def _chinese(line: bytes) -> bool:
    """Whether a line of UTF-8 has at least three Chinese characters."""
    try:
        return len(_CJK.findall(line.decode("utf-8"))) >= 3
    except UnicodeDecodeError:
        return False


class _Evidence:
    """What the lines seen so far say about the encoding (see the module docstring).

    While the file is valid UTF-8 it is decoded (fast in C); after its first invalid byte,
    lines that are still UTF-8 are looked for in the raw bytes with one regular expression.
    """

    def __init__(self) -> None:
        self.utf8: int | None = None  # the first line surely in UTF-8
        self.not_utf8: int | None = None  # the first line that is not valid UTF-8
        self.gb: int | None = None  # the first valid UTF-8 line that reads as GB18030
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    @property
    def other(self) -> int | None:
        """The first line that is GB18030 rather than UTF-8."""
        found = [n for n in (self.not_utf8, self.gb) if n is not None]
        return min(found) if found else None

    def feed(self, chunk: bytes, before: int, *, final: bool = False) -> None:
        """Take in the next `chunk` of the file, whose first line is line `before` + 1."""
        if self.not_utf8 is None:
            pending = len(self._decoder.getstate()[0])
            try:
                text = self._decoder.decode(chunk, final)
            except UnicodeDecodeError as error:
                at = max(error.start - pending, 0)
                self.not_utf8 = before + chunk.count(b"\n", 0, at) + 1
            else:
                self._text(text, before)
                return
        if self.utf8 is None:
            first = _FIRST_UTF8_LINE.match(chunk)
            if first is not None and _chinese(first.group()):
                self.utf8 = before + 1
                return
            for match in _NEXT_UTF8_LINE.finditer(chunk):
                if _chinese(match.group(1)):
                    self.utf8 = before + chunk.count(b"\n", 0, match.start()) + 2
                    return

    def _text(self, text: str, before: int) -> None:
        if text.isascii():
            return
        if self.utf8 is None and (found := _CJK3_LINE.search(text)) is not None:
            self.utf8 = before + text.count("\n", 0, found.start()) + 1
        if self.gb is None and _TWO_BYTE.search(text):
            for offset, line in enumerate(text.split("\n")):
                if _TWO_BYTE.search(line) and not _CJK.search(line) and _reads_as_gb18030(line):
                    self.gb = before + offset + 1
                    return


# -- CSV ---------------------------------------------------------------------------------------


def _delimiter(line: str) -> str:
    """The delimiter the header line uses most (a comma when none is used)."""
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


class CsvTable(BaseTable):
    """A CSV file: its header is the first non-blank line; empty cells come as None."""

    def __init__(self, path: Path, scan: TextScan, limits: Limits) -> None:
        self._path = path
        self._encoding = scan.encoding
        self._limits = limits
        headers: tuple[str, ...] | None = None
        with self._open() as handle:
            while headers is None and (line := handle.readline()):
                self._delimiter = _delimiter(line)
                cells = next(csv.reader([line], delimiter=self._delimiter), [])
                headers = clean_header(cells, limits)
        if headers is None:
            raise no_header()
        super().__init__(
            format="csv", encoding=scan.encoding, headers=headers, estimated_rows=scan.lines - 1
        )
        self._require_rows()

    def _open(self) -> IO[str]:
        return self._path.open(encoding=self._encoding, newline="")

    def _rows(self) -> Generator[SourceRow, None, None]:
        limits = self._limits
        width = len(self.headers)
        csv.field_size_limit(limits.cell_chars)
        with self._open() as handle:
            reader = csv.reader(handle, delimiter=self._delimiter)
            row_no = -1  # becomes 0 at the header row
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    if "field larger than field limit" in str(error):
                        raise cell_too_long(where(row_no + 1), limits) from None
                    raise FileRejected(
                        "file.csv_syntax",
                        _("CSV 格式错误（文件第 %(line)d 行）：%(error)s")
                        % {"line": reader.line_num, "error": error},
                    ) from None
                if row_no < 0:
                    if not is_blank(cells):
                        row_no = 0
                    continue
                row_no += 1
                if not is_blank(cells):
                    yield SourceRow(row_no, fit([c or None for c in cells], width, row_no))


# -- JSON and JSON Lines -----------------------------------------------------------------------


def _json_error(record: int, message: str) -> FileRejected:
    return FileRejected(
        "json.syntax", _("JSON 格式错误（第 %(n)d 条记录）：%(m)s") % {"n": record, "m": message}
    )


def _structure() -> FileRejected:
    return FileRejected(
        "json.structure",
        _('JSON 文件应为对象数组、{"records": [...]}，或每行一个对象的 JSON Lines'),
    )


def _iter_lines(handle: IO[str]) -> Iterator[tuple[int, object]]:
    """JSON Lines: (record number, decoded value) for each non-blank line."""
    number = 0
    for line in handle:
        if not line.strip():
            continue
        number += 1
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise _json_error(number, error.msg) from None


class _Buffer:
    """Text read ahead from a file: `text[pos:]` is what is not consumed yet."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self.text = handle.read(CHUNK)
        self.pos = 0

    def more(self) -> bool:
        """Read another chunk (dropping what is consumed); False at the end of the file."""
        chunk = self._handle.read(CHUNK)
        if not chunk:
            return False
        self.text = self.text[self.pos :] + chunk
        self.pos = 0
        return True

    def skip(self) -> str:
        """Move past whitespace and return the next character ("" at the end)."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""


def _iter_array(handle: IO[str], limits: Limits) -> Iterator[tuple[int, object]]:
    """A JSON array (bare or as {"records": [...]}), one element at a time."""
    decoder = json.JSONDecoder()
    stream = _Buffer(handle)
    wrapped = stream.skip() == "{"
    if wrapped:
        while len(stream.text) - stream.pos < 4096 and stream.more():
            pass
        match = _RECORDS_PREFIX.match(stream.text, stream.pos)
        if match is None:
            raise _structure()
        stream.pos = match.end()
    elif stream.skip() == "[":
        stream.pos += 1
    else:
        raise _structure()
    number = 0
    if stream.skip() == "]":
        stream.pos += 1
    else:
        while True:
            number += 1
            stream.skip()
            while True:
                try:
                    value, stream.pos = decoder.raw_decode(stream.text, stream.pos)
                    break
                except json.JSONDecodeError as error:
                    if len(stream.text) - stream.pos > limits.json_record_chars:
                        raise FileRejected(
                            "json.record_too_large",
                            _("第 %(n)d 条记录过大（超过 %(limit)d 个字符）")
                            % {"n": number, "limit": limits.json_record_chars},
                        ) from None
                    if not stream.more():
                        raise _json_error(number, error.msg) from None
            yield number, value
            following = stream.skip()
            stream.pos += 1
            if following == "]":
                break
            if following != ",":
                raise _json_error(number, _("记录之间缺少逗号，或数组没有结束"))
    if wrapped:
        if stream.skip() != "}":
            raise _structure()
        stream.pos += 1
    if stream.skip():
        raise _structure()


class _KeyIndex:
    """JSON keys to columns: normalised (NFKC, trimmed) and numbered in first-seen order."""

    def __init__(self) -> None:
        self.headers: list[str] = []
        self._column: dict[str, int] = {}
        self._by_raw: dict[str, int] = {}

    def column(self, key: str, number: int) -> int:
        found = self._by_raw.get(key)
        if found is not None:
            return found
        name = unicodedata.normalize("NFKC", key).strip()
        if not name:
            raise FileRejected("json.structure", _("第 %(n)d 条记录有空的字段名") % {"n": number})
        column = self._column.get(name)
        if column is None:
            column = self._column[name] = len(self.headers)
            self.headers.append(name)
        self._by_raw[key] = column
        return column


def _check_record(
    number: int, value: object, keys: _KeyIndex, limits: Limits
) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise FileRejected(
            "json.not_object", _("第 %(n)d 条记录不是 JSON 对象（{...}）") % {"n": number}
        )
    seen: set[int] = set()
    for key, cell in value.items():
        if not isinstance(key, str):
            raise _structure()
        column = keys.column(key, number)
        if column in seen:
            raise FileRejected(
                "json.duplicate_key",
                _("第 %(n)d 条记录的字段“%(key)s”重复出现") % {"n": number, "key": key},
            )
        seen.add(column)
        if not isinstance(cell, _JSON_SCALARS):
            raise FileRejected(
                "json.nested",
                _(
                    "第 %(n)d 条记录的字段“%(key)s”是嵌套的对象或数组；"
                    "每个字段只能是文本、数字或空值"
                )
                % {"n": number, "key": key},
            )
        if isinstance(cell, str) and len(cell) > limits.cell_chars:
            raise cell_too_long(_("第 %(n)d 条记录") % {"n": number}, limits)
    return value


def _row(number: int, record: Mapping[str, object], keys: _KeyIndex) -> SourceRow:
    cells: list[Cell] = [None] * len(keys.headers)
    for key, cell in record.items():
        cells[keys.column(key, number)] = cast(Cell, cell)  # a scalar: _check_record saw to it
    return SourceRow(number, tuple(cells))


class JsonTable(BaseTable):
    """A JSON array, {"records": [...]} or JSON Lines file, checked whole when opened."""

    def __init__(self, path: Path, scan: TextScan, lines: bool, limits: Limits) -> None:
        self._path = path
        self._lines = lines
        self._encoding = scan.encoding
        self._limits = limits
        self._keys = _KeyIndex()
        count = 0
        with self._open() as handle:
            for number, value in self._values(handle):
                _check_record(number, value, self._keys, limits)
                count = number
        if not self._keys.headers:
            raise no_header() if count == 0 else no_rows()
        super().__init__(
            format="jsonl" if lines else "json",
            encoding=scan.encoding,
            headers=tuple(self._keys.headers),
            estimated_rows=count,
        )

    def _open(self) -> IO[str]:
        return self._path.open(encoding=self._encoding)

    def _values(self, handle: IO[str]) -> Iterator[tuple[int, object]]:
        return _iter_lines(handle) if self._lines else _iter_array(handle, self._limits)

    def _rows(self) -> Generator[SourceRow, None, None]:
        with self._open() as handle:
            for number, value in self._values(handle):
                record = _check_record(number, value, self._keys, self._limits)
                row = _row(number, record, self._keys)
                if not is_blank(row.cells):
                    yield row


def json_kind(path: Path, encoding: str) -> bool | None:
    """Whether a text file that starts with `[` or `{` is JSON Lines (True), a JSON document
    (False), or neither (None: read it as CSV)."""
    with path.open(encoding=encoding) as handle:
        start = handle.read(4096)
    stripped = start.lstrip()
    if stripped.startswith("["):
        return False
    if stripped.startswith("{"):
        return _RECORDS_PREFIX.match(start) is None
    return None


class RecordsTable(BaseTable):
    """Records given as Python objects (an API body): checked whole, like a JSON file."""

    def __init__(self, records: Iterable[object], limits: Limits) -> None:
        self._keys = _KeyIndex()
        self._records = [
            _check_record(number, value, self._keys, limits)
            for number, value in enumerate(records, start=1)
        ]
        if not self._records or not self._keys.headers:
            raise no_rows()
        super().__init__(
            format="json",
            encoding="utf-8",
            headers=tuple(self._keys.headers),
            estimated_rows=len(self._records),
        )

    def _rows(self) -> Generator[SourceRow, None, None]:
        for number, record in enumerate(self._records, start=1):
            row = _row(number, record, self._keys)
            if not is_blank(row.cells):
                yield row
