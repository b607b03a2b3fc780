"""A synthetic dataset in every format, shared by the reader tests, and small file builders."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from xinyong.synth import Options, generate

# Small XLS sheets, two to a file, so sheet splitting and row numbering are exercised.
OPTIONS = Options(mess_rate=0.2, bad_rate=0.05, xls_rows_per_sheet=40, xls_sheets_per_file=2)


@dataclass(frozen=True)
class Synth:
    out: Path
    manifest: dict[str, Any]

    def files(self) -> list[dict[str, Any]]:
        return [f for f in self.manifest["files"] if f["dataset"] != "subjects"]

    def file(self, path: str) -> dict[str, Any]:
        return next(f for f in self.manifest["files"] if f["path"] == path)


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    out = tmp_path_factory.mktemp("synth")
    generate(out, 300, seed=5, options=OPTIONS)
    return Synth(out, json.loads((out / "manifest.json").read_text(encoding="utf-8")))


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
ROOT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_xlsx(
    path: Path,
    sheets: dict[str, str],
    *,
    prefix: str = "",
    shared: list[str] | None = None,
    styles: str = "",
    compression: int = zipfile.ZIP_DEFLATED,
    date1904: bool = False,
) -> Path:
    """A hand-built XLSX: `sheets` maps a sheet name to its <sheetData> content (rows)."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    entries = "".join(
        f'<{p}sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheets, start=1)
    )
    properties = f'<{p}workbookPr date1904="1"/>' if date1904 else ""
    workbook = (
        f'<{p}workbook {ns} xmlns:r="{REL}">{properties}'
        f"<{p}sheets>{entries}</{p}sheets></{p}workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    extra = len(sheets) + 1
    if shared is not None:
        rels += (
            f'<Relationship Id="rId{extra}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    if styles:
        rels += f'<Relationship Id="rId{extra + 1}" Type="{REL}/styles" Target="styles.xml"/>'
    with zipfile.ZipFile(path, "w", compression) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", workbook)
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for i, data in enumerate(sheets.values(), start=1):
            book.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f"<{p}worksheet {ns}><{p}sheetData>{data}</{p}sheetData></{p}worksheet>",
            )
        if shared is not None:
            items = "".join(f"<si><t>{text}</t></si>" for text in shared)
            book.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{items}</sst>')
        if styles:
            book.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
    return path


def inline_row(number: int, *values: str, prefix: str = "") -> str:
    """A sheet row of inline strings in columns A, B, C …"""
    p = f"{prefix}:" if prefix else ""
    cells = "".join(
        f'<{p}c r="{chr(65 + i)}{number}" t="inlineStr"><{p}is><{p}t>{v}</{p}t></{p}is></{p}c>'
        for i, v in enumerate(values)
        if v
    )
    return f'<{p}row r="{number}">{cells}</{p}row>'
