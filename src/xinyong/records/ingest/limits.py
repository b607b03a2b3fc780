"""How large a submitted file, and each part of it, may be before the readers refuse it.

The readers stream, so these bound time and memory rather than correctness: a file past one
of them is refused as a whole with a reason, before or while it is read. `readers.py`
re-exports the two that other stages name (`MAX_FILE_BYTES`, `MAX_CELL_CHARS`); tests pass
a smaller `Limits` to exercise a refusal without building a huge file.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_FILE_BYTES = 512 * 1024 * 1024
"""A submitted file of any format (what the upload form and the API accept)."""

UPLOAD_BODY_LIMIT = MAX_FILE_BYTES + 1024 * 1024
"""A back-office upload request: the file, the form's fields and the multipart framing
(`core.bodylimit` refuses a larger declared body before reading it)."""

MAX_CELL_CHARS = 32_767
"""Characters in one cell: Excel's own limit, so no real spreadsheet exceeds it."""

MAX_COLUMNS = 1_024
"""Columns in a header row: a catalogue item has a few dozen fields."""

MAX_LINE_BYTES = 16 * 1024 * 1024
"""Bytes in one physical line of a text file, checked before parsing: a longer line holds a
cell past MAX_CELL_CHARS whatever the encoding, and is refused without being read whole."""

MAX_XLS_BYTES = 40 * 1024 * 1024
"""An old-format (BIFF8) workbook. calamine reads an XLS whole, at about eight times its
size in memory; a full 65,535-row sheet of 双公示 data is about 31 MB."""

MAX_UNZIPPED_BYTES = 4 * 1024 * 1024 * 1024
"""All the parts of an XLSX once inflated (a million-row sheet is about 1.5 GB of XML)."""

MAX_ZIP_RATIO = 100
"""How many times a part of an XLSX may inflate (real sheets: 5 to 20 times)."""

ZIP_RATIO_FLOOR = 1024 * 1024
"""Parts smaller than this once inflated are not held to MAX_ZIP_RATIO (tiny XML parts
compress extremely well)."""

MAX_ZIP_MEMBERS = 10_000
"""Parts in an XLSX: a workbook has a few per sheet."""

MAX_XML_PART_BYTES = 32 * 1024 * 1024
"""An XLSX part read whole: the workbook, its relationships and styles."""

MAX_JSON_RECORD_CHARS = 4 * 1024 * 1024
"""One object of a JSON or JSON Lines file (a record of many fields at MAX_CELL_CHARS)."""

SHARED_STRINGS_IN_MEMORY = 500_000
"""Strings of an XLSX's shared table kept in memory; the rest are looked up from a
temporary file, so a million-row workbook saved by Excel stays within bounded memory."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits one reading applies (the defaults are the module constants)."""

    file_bytes: int = MAX_FILE_BYTES
    cell_chars: int = MAX_CELL_CHARS
    columns: int = MAX_COLUMNS
    line_bytes: int = MAX_LINE_BYTES
    xls_bytes: int = MAX_XLS_BYTES
    unzipped_bytes: int = MAX_UNZIPPED_BYTES
    zip_ratio: int = MAX_ZIP_RATIO
    zip_ratio_floor: int = ZIP_RATIO_FLOOR
    zip_members: int = MAX_ZIP_MEMBERS
    xml_part_bytes: int = MAX_XML_PART_BYTES
    json_record_chars: int = MAX_JSON_RECORD_CHARS
    shared_strings_in_memory: int = SHARED_STRINGS_IN_MEMORY


DEFAULT_LIMITS = Limits()
