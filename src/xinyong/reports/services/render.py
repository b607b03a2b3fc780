"""A credit report's content laid out as a PDF (A4, Chinese, WeasyPrint).

The layout is decided here once for every report type: a cover with the report number, the
verification code and a QR code to the verification page, a table of contents with page
numbers, one table per catalogue item, then lists, commitments, grades, objections and the
plain-language notes. `monochrome=True` is the print version: black and grey only, negative
items marked by words and rules rather than by red.

The report number and the verification code also go into the PDF's metadata (keywords), so
that `claimed_code` can tell which report an altered file claims to be without trusting any
of its content.
"""

from __future__ import annotations

import datetime
import re
import zlib
from dataclasses import dataclass
from typing import Any

import segno
from django.utils.translation import gettext as _

from xinyong.core.pdf import PdfDocument, render_pdf
from xinyong.records.public import LONG_TERM, PublicRecord
from xinyong.reports.document import RecordSection, ReportContent

TEMPLATE = "reports/pdf/report.html"

NEGATIVE = "negative"
"""The catalogue polarity of items about broken trust (失信信息), marked as such in print."""

_DETAIL_KEYS = (
    "penalty_types",
    "fine_amount",
    "confiscation_amount",
    "licence_revoked",
    "licence_no",
    "valid_from",
    "valid_to",
)
"""Record fields worth a reader's eye beside the summary (what was imposed, what was granted),
kept few so a 300-record report stays readable and fast to lay out."""

_DIGITS = "零一二三四五六七八九"

_KEYWORD_CODE = "xinyong-code:"
_KEYWORD_NUMBER = "xinyong-report:"
_CODE_RE = re.compile(rb"xinyong-code:([0-9A-Z](?:[0-9A-Z-]{0,62}[0-9A-Z])?)")
_OBJECT_STREAM_RE = re.compile(rb"/Type\s*/ObjStm\b[^>]*>>\s*stream\r?\n")
_MAX_INFLATED = 4 * 1024 * 1024
"""How much of one object stream `claimed_code` inflates (metadata sits in a small one)."""


TOC_PAGES_FROM = 30
"""Records above which the table of contents gives page numbers: a report that long runs to
several pages and needs them, and a shorter one (two or three pages) is drawn a fifth faster
without them (each page number is resolved by laying the pages out again)."""


@dataclass(frozen=True)
class Part:
    """One entry of the table of contents (and its heading in the body)."""

    anchor: str
    title: str
    count: int | None
    """Entries in the part, or None for a part that is text (basic information, notes)."""
    negative: bool = False


@dataclass(frozen=True)
class Row:
    """One record as a row of its item's table."""

    number: int
    doc_no: str
    summary: str
    details: str
    basis: str
    department: str
    decided: datetime.date
    until: str
    under_objection: bool


@dataclass(frozen=True)
class Section:
    part: Part
    section: RecordSection
    rows: tuple[Row, ...]
    common_basis: str
    """The legal basis every record cites, said once above the table (a licence item); empty
    when records cite their own (a penalty's 处罚依据), which each row then shows."""


def render_report(
    content: ReportContent,
    *,
    number: str,
    code: str,
    verify_url: str,
    monochrome: bool = False,
) -> PdfDocument:
    """The report as a PDF; the same content, number and code always give the same layout."""
    return render_pdf(TEMPLATE, report_context(content, number, code, verify_url, monochrome))


def report_context(
    content: ReportContent, number: str, code: str, verify_url: str, monochrome: bool
) -> dict[str, Any]:
    """The template context: everything computed here so the template only lays out."""
    ordinal = iter(range(1, 100))
    basic = Part("basic", _heading(next(ordinal), _("主体基本信息")), None)
    # Items with records get a part each; the items looked at and found empty are named
    # together in one part, so a report of a quiet company is not pages of headings over 无.
    sections = tuple(
        _section(f"item-{index}", _heading(next(ordinal), s.name), s)
        for index, s in enumerate(content.sections)
        if s.records
    )
    empty_items = tuple(s for s in content.sections if not s.records)
    nothing = (
        Part("nothing", _heading(next(ordinal), _("查无记录的信息项")), len(empty_items))
        if empty_items
        else None
    )
    punishment = sum(1 for entry in content.lists if entry.punishment)
    optional = {
        "lists": (_("名单信息"), len(content.lists), punishment > 0),
        "commitments": (_("信用承诺"), len(content.commitments), False),
        "grades": (_("信用评价"), len(content.grades), False),
        "objections": (_("异议处理中的信息"), len(content.objections), False),
    }
    # A part the report's scope leaves out is not printed at all (the notes say so); an
    # included part with nothing in it says 无.
    included = {
        key: Part(key, _heading(next(ordinal), title), count, negative)
        for key, (title, count, negative) in optional.items()
        if key in content.included
    }
    notes = Part("notes", _heading(next(ordinal), _("报告说明")), None)
    title = _("信用报告")
    return {
        "content": content,
        "number": number,
        "code": code,
        "verify_url": verify_url,
        "monochrome": monochrome,
        "qr_svg": qr_svg(verify_url),
        "title": title,
        "pdf_title": f"{title}（{content.type_name}）{number}",
        "pdf_subject": _("信用报告编号 %(number)s，验证码 %(code)s")
        % {"number": number, "code": code},
        "keywords": f"{_KEYWORD_NUMBER}{number}, {_KEYWORD_CODE}{code}",
        "is_person": bool(content.subject.masked_id) and not content.subject.uscc,
        "parts": (
            basic,
            *(s.part for s in sections),
            *((nothing,) if nothing else ()),
            *included.values(),
            notes,
        ),
        "basic": basic,
        "sections": sections,
        "nothing_part": nothing,
        "empty_items": empty_items,
        "lists_part": included.get("lists"),
        "commitments_part": included.get("commitments"),
        "grades_part": included.get("grades"),
        "objections_part": included.get("objections"),
        "notes_part": notes,
        "toc_pages": content.record_count > TOC_PAGES_FROM,
        "negative_count": sum(len(s.rows) for s in sections if s.part.negative) + punishment,
    }


def qr_svg(url: str) -> str:
    """An inline SVG QR code of `url` (error correction at least M, raised when it costs no
    extra size), sized by the page's CSS: no file, no network."""
    qr = segno.make(url, error="m", micro=False)
    return str(qr.svg_inline(border=4, omitsize=True, svgclass="qr", lineclass=None))


def claimed_code(data: bytes) -> str | None:
    """The verification code a PDF names in its metadata, or None: read from the raw bytes
    (inflating the compressed object streams where WeasyPrint puts the document information),
    so that a file with a changed byte still says which report it claims to be."""
    found = _CODE_RE.search(data)
    if found:
        return found.group(1).decode("ascii")
    for match in _OBJECT_STREAM_RE.finditer(data):
        end = data.find(b"endstream", match.end())
        if end < 0:
            continue
        try:
            inflated = zlib.decompressobj().decompress(data[match.end() : end], _MAX_INFLATED)
        except zlib.error:
            continue
        found = _CODE_RE.search(inflated)
        if found:
            return found.group(1).decode("ascii")
    return None


def _section(anchor: str, title: str, section: RecordSection) -> Section:
    negative = section.polarity == NEGATIVE
    rows = tuple(_row(n, r) for n, r in enumerate(section.records, 1))
    bases = {r.basis for r in rows}
    common = bases.pop() if len(bases) == 1 else ""
    return Section(Part(anchor, title, len(rows), negative), section, rows, common)


def _row(number: int, record: PublicRecord) -> Row:
    details = "；".join(f"{f.name}：{f.value}" for f in record.fields if f.key in _DETAIL_KEYS)
    return Row(
        number=number,
        doc_no=record.doc_no,
        summary=record.summary,
        details=details,
        basis=record.legal_basis,
        department=record.department,
        decided=record.decision_date,
        until=_until(record.published_until),
        under_objection=record.under_objection,
    )


def _until(day: datetime.date | None) -> str:
    if day is None:
        return "—"
    if day >= LONG_TERM:
        return _("长期")
    return day.isoformat()


def _heading(n: int, name: str) -> str:
    return f"{_ordinal(n)}、{name}"


def _ordinal(n: int) -> str:
    """Chinese numerals for section headings (一 … 九十九)."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[units] if units else ''}"
