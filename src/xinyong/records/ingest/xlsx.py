"""XLSX workbooks, streamed: one row at a time from the zip member, in flat memory.

calamine loads a whole XLSX sheet into memory before the first row comes out (about 2.4 GB
for a million rows of 双公示 data), so XLSX is parsed here with expat straight from the zip
member. Before anything is inflated, the zip's central directory is checked against the bomb
limits (total size, inflation ratio, part count). The shared-string table is kept in memory
up to `Limits.shared_strings_in_memory` strings and read back from a temporary file beyond
that, so a million-row workbook saved by Excel stays bounded too. A cell whose number format
is a date comes out as a date (a datetime when it has a time of day), as calamine gives it;
other numbers as int (when whole) or float; a formula as its cached value. Sheets are chosen
and numbered as in every workbook (`tables.WorkbookTable`).
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Generator, Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from django.utils.translation import gettext as _

from xinyong.records.ingest.limits import Limits
from xinyong.records.ingest.tables import RawRow, WorkbookTable, cell_too_long, corrupt, where
from xinyong.records.ingest.types import Cell, FileRejected

_CHUNK = 256 * 1024
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_MAX_SERIAL = 2_958_465  # 9999-12-31
# Built-in number formats that are dates (14-17, 22; the CJK ones among 27-36 and 50-58).
_BUILTIN_DATES = frozenset({14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58})
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_REL_ID = re.compile(r"(?:^|:)id$")
_ROOT = re.compile(r"<(\w+:)?worksheet\b")


def _bomb() -> FileRejected:
    return FileRejected(
        "file.zip_bomb",
        _("XLSX 文件解压后异常巨大（疑似“压缩炸弹”），拒绝读取；请检查文件来源后重新导出"),
    )


# -- XML parts -----------------------------------------------------------------------------


def _refuse_doctype(*_args: object) -> None:
    raise corrupt(_("XML 中含有 DTD 声明"))


def _parser() -> Any:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    return parser


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _member(book: zipfile.ZipFile, name: str) -> IO[bytes]:
    try:
        return book.open(name)
    except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
        raise corrupt() from None


def _feed(book: zipfile.ZipFile, name: str, parser: Any) -> Iterator[None]:
    """Feed member `name` to `parser` chunk by chunk, yielding after each chunk."""
    try:
        with _member(book, name) as handle:
            while chunk := handle.read(_CHUNK):
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
            yield
    except expat.ExpatError as error:
        raise corrupt(
            _("XML 第 %(line)d 行格式错误") % {"line": getattr(error, "lineno", 0)}
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise corrupt() from None


def _elements(
    book: zipfile.ZipFile, name: str, limits: Limits
) -> list[tuple[str, dict[str, str], str]]:
    """A small part's elements as (local name, attributes, parent's local name)."""
    if book.getinfo(name).file_size > limits.xml_part_bytes:
        raise _bomb()
    found: list[tuple[str, dict[str, str], str]] = []
    stack: list[str] = [""]

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        found.append((local, attrs, stack[-1]))
        stack.append(local)

    def end(_tag: str) -> None:
        stack.pop()

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    for _chunk in _feed(book, name, parser):
        pass
    return found


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(base, target))


def _relationships(book: zipfile.ZipFile, part: str, limits: Limits) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type suffix, member name)."""
    folder, file_name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{file_name}.rels")
    if rels not in book.NameToInfo:
        return {}
    out = {}
    for local, attrs, _parent in _elements(book, rels, limits):
        if local == "Relationship" and "Id" in attrs and "Target" in attrs:
            kind = attrs.get("Type", "").rpartition("/")[2]
            out[attrs["Id"]] = (kind, _resolve(folder, attrs["Target"]))
    return out


def is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date (its year or day), as Excel decides."""
    bare = _FORMAT_NOISE.sub("", code).lower()
    return "y" in bare or "d" in bare


def _date_styles(book: zipfile.ZipFile, part: str | None, limits: Limits) -> frozenset[str]:
    """The cell style indexes (as the `s` attribute spells them) whose format is a date."""
    if part is None or part not in book.NameToInfo:
        return frozenset()
    elements = _elements(book, part, limits)
    custom = {
        int(attrs["numFmtId"]): is_date_format(attrs.get("formatCode", ""))
        for local, attrs, _parent in elements
        if local == "numFmt" and attrs.get("numFmtId", "").isdigit()
    }
    styles = [attrs for local, attrs, parent in elements if local == "xf" and parent == "cellXfs"]
    dates = set()
    for index, attrs in enumerate(styles):
        number = attrs.get("numFmtId", "0")
        fmt = int(number) if number.isdigit() else 0
        if custom.get(fmt, fmt in _BUILTIN_DATES):
            dates.add(str(index))
    return frozenset(dates)


class SharedStrings:
    """The shared-string table: the first strings in memory, the rest in a temporary file."""

    def __init__(self, in_memory: int) -> None:
        self._memory: list[str] = []
        self._in_memory = in_memory
        self._spill: IO[bytes] | None = None
        self._offsets = array("Q", [0])

    def append(self, text: str) -> None:
        if len(self._memory) < self._in_memory:
            self._memory.append(text)
            return
        if self._spill is None:
            self._spill = tempfile.TemporaryFile(prefix="xinyong-sst-")  # noqa: SIM115
        data = text.encode("utf-8")
        self._spill.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def __getitem__(self, index: int) -> str:
        if index < len(self._memory):
            return self._memory[index]
        index -= len(self._memory)
        if self._spill is None or not 0 <= index < len(self._offsets) - 1:
            raise IndexError(index)
        start, end = self._offsets[index], self._offsets[index + 1]
        return os.pread(self._spill.fileno(), end - start, start).decode("utf-8")

    def seal(self) -> None:
        """The table is complete: make the spilled strings readable."""
        if self._spill is not None:
            self._spill.flush()

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None


def _shared_strings(book: zipfile.ZipFile, part: str | None, limits: Limits) -> SharedStrings:
    table = SharedStrings(limits.shared_strings_in_memory)
    if part is None or part not in book.NameToInfo:
        return table
    parts: list[str] = []
    size = 0
    collecting = False
    phonetic = 0

    def start(tag: str, _attrs: dict[str, str]) -> None:
        nonlocal collecting, phonetic, size
        local = _local(tag)
        if local == "si":
            parts.clear()
            size = 0
        elif local == "t":
            collecting = phonetic == 0
        elif local == "rPh":
            phonetic += 1

    def end(tag: str) -> None:
        nonlocal collecting, phonetic
        local = _local(tag)
        if local == "si":
            table.append("".join(parts))
        elif local == "t":
            collecting = False
        elif local == "rPh":
            phonetic -= 1

    def text(data: str) -> None:
        nonlocal size
        if collecting:
            size += len(data)
            if size > limits.cell_chars:
                raise cell_too_long(_("共享字符串表中"), limits)
            parts.append(data)

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        for _chunk in _feed(book, part, parser):
            pass
    except BaseException:
        table.close()
        raise
    table.seal()
    return table


# -- sheet rows ----------------------------------------------------------------------------


class _Sheet:
    """One worksheet part, read row by row; `dimension` is its declared used range."""

    def __init__(self, name: str, part: str) -> None:
        self.name = name
        self.part = part
        self.dimension = ""

    def rows(self, book: XlsxTable) -> Generator[RawRow, None, None]:
        """(sheet row number, cells from column A) for every row the part lists.

        The handlers run once per XML element (millions per file), so they compare raw tag
        names against constants and keep their state in closure variables.
        """
        limit = book.limits.cell_chars
        convert = _Converter(book)
        prefix = _prefix(book.zip, self.part)
        tag_c, tag_v, tag_t, tag_is, tag_row = (prefix + n for n in ("c", "v", "t", "is", "row"))
        tag_rph, tag_dimension = prefix + "rPh", prefix + "dimension"
        columns: dict[str, int] = {}
        done: list[RawRow] = []
        cells: list[Cell] = []
        parts: list[str] = []
        width = row_number = column = following = phonetic = 0
        kind: str | None = None
        style: str | None = None
        collecting = inline = False

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal row_number, column, following, kind, style, collecting, inline, phonetic
            nonlocal cells
            if tag == tag_c:
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    found = columns.get(letters)
                    if found is None:
                        found = columns[letters] = _column_index(letters)
                    column = found
                else:
                    column = following
                following = column + 1
                kind = attrs.get("t")
                style = attrs.get("s")
                parts.clear()
            elif tag == tag_t:
                collecting = inline and phonetic == 0
            elif tag == tag_is:
                inline = True
            elif tag == tag_v:
                collecting = True
            elif tag == tag_row:
                number = attrs.get("r")
                row_number = int(number) if number and number.isdigit() else row_number + 1
                following = 0
                cells = [None] * width
            elif tag == tag_rph:
                phonetic += 1
            elif tag == tag_dimension:
                self.dimension = attrs.get("ref", "")

        def end(tag: str) -> None:
            nonlocal collecting, inline, phonetic, width
            if tag == tag_c:
                if parts:
                    value = convert(kind, style, "".join(parts))
                    if value is not None:
                        if column >= len(cells):
                            cells.extend([None] * (column - len(cells) + 1))
                        cells[column] = value
            elif tag in (tag_t, tag_v):
                collecting = False
            elif tag == tag_is:
                inline = False
            elif tag == tag_row:
                done.append((row_number, cells))
                width = max(width, len(cells))
            elif tag == tag_rph:
                phonetic -= 1

        def text(data: str) -> None:
            if collecting:
                parts.append(data)
                if (len(data) if len(parts) == 1 else sum(map(len, parts))) > limit:
                    raise cell_too_long(where(0, self.name, row_number), book.limits)

        parser = _parser()
        parser.buffer_size = 1 << 16
        if limit < parser.buffer_size:
            parser.buffer_size = max(limit, 1024)
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        for _chunk in _feed(book.zip, self.part, parser):
            yield from done
            done.clear()

    def last_row(self) -> int | None:
        """The last row of the declared used range (None when the part does not say)."""
        match = re.fullmatch(r"[A-Z]+\d+:[A-Z]+(\d+)", self.dimension)
        return int(match.group(1)) if match else None


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter.upper()) - 64
    return index - 1


def _prefix(book: zipfile.ZipFile, part: str) -> str:
    """The namespace prefix of a worksheet's elements (`x:` in some generators, mostly none)."""
    with _member(book, part) as handle:
        try:
            head = handle.read(4096).decode("utf-8", "replace")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise corrupt() from None
    match = _ROOT.search(head)
    return match.group(1) or "" if match else ""


class _Converter:
    """A cell's value from its type attribute `t`, style `s` and text (dates cached: a
    sheet holds few distinct ones)."""

    def __init__(self, book: XlsxTable) -> None:
        self.strings = book.strings
        self.dates = book.date_styles
        self.epoch = book.epoch
        self.seen: dict[str, Cell] = {}

    def __call__(self, kind: str | None, style: str | None, text: str) -> Cell:
        if kind is None or kind == "n":
            if text.isdigit() and style not in self.dates:
                return int(text)
            try:
                number = float(text)
            except ValueError:
                return text  # not a number after all: kept as the file wrote it
            if style in self.dates:
                found = self.seen.get(text)
                if found is None:
                    found = self.seen[text] = _serial_date(number, self.epoch)
                return found
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        if kind == "inlineStr" or kind == "str":
            return text
        if kind == "s":
            try:
                return self.strings[int(text)] or None
            except (ValueError, IndexError):
                raise corrupt(_("共享字符串索引无效")) from None
        if kind == "b":
            return text == "1"
        if kind == "d":
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                return text
            return moment.date() if "T" not in text else moment
        return text  # e: an error value such as #N/A


def _serial_date(serial: float, epoch: datetime) -> Cell:
    """A date-formatted number as a date; a number no date can be (Excel shows ####) as is."""
    if not (0 if epoch == _EPOCH_1904 else 1) <= serial <= _MAX_SERIAL:
        return int(serial) if serial.is_integer() else serial
    moment = epoch + timedelta(days=serial)
    moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    return moment.date() if moment.time() == time(0) else moment


# -- XLSX ----------------------------------------------------------------------------------


def _open_zip(path: Path, limits: Limits) -> zipfile.ZipFile:
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise corrupt() from None
    infos = book.infolist()
    total = sum(info.file_size for info in infos)
    bomb = len(infos) > limits.zip_members or total > limits.unzipped_bytes
    for info in infos:
        if info.file_size > limits.zip_ratio_floor and info.file_size > limits.zip_ratio * max(
            info.compress_size, 1
        ):
            bomb = True
    if bomb:
        book.close()
        raise _bomb()
    return book


class XlsxTable(WorkbookTable[_Sheet]):
    """An XLSX workbook, streamed (see the module docstring)."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.limits = limits
        self.zip = _open_zip(path, limits)
        self.strings = SharedStrings(0)
        try:
            self._load()
        except BaseException:
            self._free()
            raise

    def _load(self) -> None:
        limits = self.limits
        names = self.zip.NameToInfo
        root = _relationships(self.zip, "", limits)
        workbook = next((t for k, t in root.values() if k == "officeDocument"), "xl/workbook.xml")
        if workbook not in names:
            raise FileRejected(
                "file.format", _("压缩包不是 Excel 工作簿（缺少 workbook.xml）；请另存为 XLSX")
            )
        rels = _relationships(self.zip, workbook, limits)
        by_kind = {kind: target for kind, target in rels.values()}
        self.epoch = _EPOCH_1900
        sheets: list[_Sheet] = []
        for local, attrs, _parent in _elements(self.zip, workbook, limits):
            if local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = _EPOCH_1904
            elif local == "sheet":
                rel = next((v for k, v in attrs.items() if _REL_ID.search(k)), "")
                kind, target = rels.get(rel, ("", ""))
                if kind == "worksheet" and target in names:
                    sheets.append(_Sheet(attrs.get("name", target), target))
        self.date_styles = _date_styles(self.zip, by_kind.get("styles"), limits)
        self.strings = _shared_strings(self.zip, by_kind.get("sharedStrings"), limits)
        self._open_sheets(sheets, "xlsx", limits)

    def _sheet_rows(self, sheet: _Sheet) -> Generator[RawRow, None, None]:
        return sheet.rows(self)

    def _last_row(self, sheet: _Sheet) -> int | None:
        return sheet.last_row()

    def _free(self) -> None:
        self.strings.close()
        self.zip.close()

    def close(self) -> None:
        super().close()
        self._free()
