"""Reading one cell as text, a date, an amount, a whole number or an enumeration value, in the
spellings real files use.

Departments type dates as `2016-11-25`, `2016/11/25`, `2016.11.25`, `2016年11月25日` or
`20161125`, spreadsheets store them as date cells or bare Excel serial numbers, amounts come
as `1,500.00`, `１．５` or `15000元`, enumeration values in older or abbreviated names, and
everything may be full-width (RULES.md). These parsers accept exactly those forms and refuse
the rest with a `BadValue` reason code; the caller (cleaning.py, which takes each field's
parser from `field_parser`) turns the code into a message that names the field.

They run once per cell on files of millions of rows: the regular expressions are compiled
once here, ASCII text skips Unicode normalisation, and the common ISO date takes the C path.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial

from xinyong.catalog.schema import FieldSpec
from xinyong.records.ingest.types import Cell, Value

LONG_TERM = date(2099, 12, 31)
"""What 有效期至 and similar fields say for "long-term" (长期有效), by the national convention."""

LONG_TERM_DATES = frozenset({LONG_TERM, date(9999, 12, 31)})
LONG_TERM_WORDS = frozenset({"长期", "长期有效", "永久", "永久有效", "无期限"})
"""Words some departments write instead of 2099-12-31; read as LONG_TERM."""

EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_MIN = 61
"""Excel serial of 1900-03-01: below it Excel's phantom 1900-02-29 shifts every date."""
SERIAL_MAX = (date(9999, 12, 31) - EXCEL_EPOCH).days

PLACEHOLDERS = frozenset({"无", "/", "-", "--", "—", "——", "null", "NULL", "None", "N/A", "n/a"})
"""What a department types into a cell it has nothing for. For dates, amounts, numbers,
codes and enumerations they mean empty; in free text they are kept as written."""

MAX_AMOUNT_DIGITS = 16
"""Integer digits an amount may have (10^16 万元 is far past any real fine): longer is a typo."""

UNIT_FACTORS = {"元": 1, "万元": 10_000}
"""Amount units a cell may carry, in yuan; a bare number is in the field's own unit."""

_DATE = re.compile(
    r"(?P<y>\d{4})"
    r"(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?)"
    # an optional time of day, dropped: `10:30`, `10:30:00.000`, `T10:30:00+08:00`, `10时30分`
    r"(?:(?:\s+|T)\d{1,2}(?::\d{1,2}){1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\s*\d{1,2}\s*[时点](?:\s*\d{1,2}\s*分(?:\s*\d{1,2}\s*秒)?)?)?"
)
_COMPACT = re.compile(r"\d{8}")
_SERIAL = re.compile(r"\d{1,7}(?:\.\d+)?")
_AMOUNT = re.compile(
    r"(?P<sign>[-+−])?(?:人民币|RMB|¥)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)"
    r"(?P<unit>万元|万|元)?"
)
_INTEGER = re.compile(r"(?P<sign>[-+−])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)")


_WIDE_ALNUM = re.compile("[\u3000\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_NARROW = {0x3000: 0x20} | {
    code: code - 0xFEE0
    for first, last in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(first, last + 1)
}


class BadValue(ValueError):
    """A cell that cannot be read as its field's type; `code` is the stable reason."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def is_long_term(day: date | None) -> bool:
    """Whether `day` is the national "long-term" marker (2099-12-31, or 9999-12-31)."""
    return day in LONG_TERM_DATES


def fold(text: str) -> str:
    """NFKC (full-width digits, letters and punctuation to half-width) and trimmed.

    ASCII is already NFKC-normal, so the common case costs one `isascii` check.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def fold_text(text: str) -> str:
    """Full-width letters, digits and spaces to half-width, and trimmed; the rest as written.

    Full NFKC would also turn Chinese punctuation (，：（）) into ASCII and rewrite the
    department's prose; in free text only the letters and digits are folded, so that
    `津市监罚〔２０２４〕１２号` and `津市监罚〔2024〕12号` are the same document number.
    """
    if not text.isascii() and _WIDE_ALNUM.search(text):
        text = text.translate(_NARROW)
    return text.strip()


def cell_text(cell: Cell) -> str:
    """A cell as text, before folding: numbers the way a person typed them (a spreadsheet's
    `123456.0` is `123456`), dates in ISO form."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, datetime):
        if cell.hour == cell.minute == cell.second == cell.microsecond == 0:
            return cell.date().isoformat()
        return cell.isoformat(sep=" ", timespec="seconds")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


# -- dates ---------------------------------------------------------------------------------


def from_serial(serial: float) -> date:
    """The date of an Excel serial number (1900 date system); a time fraction is dropped."""
    if not (math.isfinite(serial) and SERIAL_MIN <= serial < SERIAL_MAX + 1):
        raise BadValue("date.invalid")
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _ymd(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise BadValue("date.invalid") from None


def _date_from_text(text: str) -> date | None:
    text = fold(text)
    if not text or text in PLACEHOLDERS:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # an impossible day (2016-02-30): the pattern below reports it
    if text in LONG_TERM_WORDS:
        return LONG_TERM
    if _COMPACT.fullmatch(text):
        return _ymd(text[:4], text[4:6], text[6:])
    if _SERIAL.fullmatch(text):
        return from_serial(float(text))
    match = _DATE.fullmatch(text)
    if match is None:
        raise BadValue("date.invalid")
    month, day = match["m"] or match["m2"], match["d"] or match["d2"]
    return _ymd(match["y"], month, day)


def parse_date(cell: Cell) -> date | None:
    """A date from any form of RULES.md; None for an empty cell; `BadValue` otherwise.

    Numbers are Excel serials, except 8-digit whole numbers, which are `YYYYMMDD` typed into
    a numeric cell (serials stop at 2958465, 9999-12-31, so the two never overlap).
    """
    if isinstance(cell, str):
        return _date_from_text(cell)
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise BadValue("date.invalid")
    if isinstance(cell, int) or (isinstance(cell, float) and cell.is_integer()):
        whole = int(cell)
        if 10_000_000 <= whole <= 99_999_999:
            text = str(whole)
            return _ymd(text[:4], text[4:6], text[6:])
    return from_serial(float(cell))


# -- amounts and whole numbers -------------------------------------------------------------


_ONE = Decimal(1)


def canonical(number: Decimal) -> Decimal:
    """One spelling per amount (`1.50`, `1.5`, `15000元` → `1.5`), so the same value always
    hashes the same; never in exponent form."""
    number = number.normalize()
    if number == number.to_integral_value():  # 1E+2 → 100
        number = number.quantize(_ONE)
    return number


def _finite(number: Decimal) -> Decimal:
    if not number.is_finite():
        raise BadValue("amount.invalid")
    if number.adjusted() >= MAX_AMOUNT_DIGITS:
        raise BadValue("amount.too_large")
    return number


def parse_amount(cell: Cell, unit: str = "") -> Decimal | None:
    """A non-negative amount in the field's `unit`; a cell may carry its own unit (`元`,
    `万元`, `万`) and is converted (15000元 in a 万元 field is 1.5). None for an empty cell."""
    if cell is None:
        return None
    if isinstance(cell, bool | date):
        raise BadValue("amount.invalid")
    if isinstance(cell, int | float):
        if isinstance(cell, float) and not math.isfinite(cell):
            raise BadValue("amount.invalid")
        number = _finite(Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell))
        if number < 0:
            raise BadValue("amount.negative")
        return canonical(number)
    text = fold(cell)
    if text.isascii() and text.replace(".", "", 1).isdigit():  # the common `2.5`: no regex
        return canonical(_finite(Decimal(text)))
    if not text or text in PLACEHOLDERS:
        return None
    match = _AMOUNT.fullmatch(text.replace(" ", ""))
    if match is None:
        raise BadValue("amount.invalid")
    try:
        number = _finite(Decimal(match["num"].replace(",", "")))
    except InvalidOperation:
        raise BadValue("amount.invalid") from None
    if match["sign"] in ("-", "−") and number:
        raise BadValue("amount.negative")
    spelled = match["unit"]
    if spelled:
        given = UNIT_FACTORS["万元" if spelled == "万" else spelled]
        wanted = UNIT_FACTORS.get(unit)
        if wanted is None:
            raise BadValue("amount.unit")
        number = number * given / wanted if given != wanted else number
    return canonical(number)


def parse_integer(cell: Cell) -> Decimal | None:
    """A non-negative whole number (a count, a year), as an integral Decimal; None if empty."""
    if cell is None:
        return None
    if isinstance(cell, bool | date):
        raise BadValue("integer.invalid")
    if isinstance(cell, float):
        if not cell.is_integer():
            raise BadValue("integer.invalid")
        cell = int(cell)
    if isinstance(cell, int):
        if cell < 0:
            raise BadValue("integer.negative")
        return Decimal(cell)
    text = fold(cell)
    if not text or text in PLACEHOLDERS:
        return None
    match = _INTEGER.fullmatch(text.replace(" ", ""))
    if match is None:
        raise BadValue("integer.invalid")
    number = Decimal(match["num"].replace(",", ""))
    if match["sign"] in ("-", "−") and number:
        raise BadValue("integer.negative")
    if number.adjusted() >= MAX_AMOUNT_DIGITS:
        raise BadValue("integer.invalid")
    return number


# -- a field's cells ------------------------------------------------------------------------

Parse = Callable[[Cell], Value]

SHORT_TEXT = 200
"""Text fields up to this `max_length` (names, numbers) have runs of whitespace collapsed;
longer ones (facts, content) keep their line breaks and are only trimmed."""

ENUM_VARIANTS: dict[str, tuple[str, ...]] = {
    # 行政相对人类别
    "法人": ("法人及非法人组织",),
    "非法人组织": ("法人及非法人组织",),
    "法人和非法人组织": ("法人及非法人组织",),
    "法人或非法人组织": ("法人及非法人组织",),
    "法人及其他组织": ("法人及非法人组织",),
    "法人或其他组织": ("法人及非法人组织",),
    "其他组织": ("法人及非法人组织",),
    "个体户": ("个体工商户",),
    "个体": ("个体工商户",),
    "个人": ("自然人",),
    # 证件类型
    "居民身份证": ("身份证",),
    "身份证号": ("身份证",),
    "身份证号码": ("身份证",),
    "公民身份号码": ("身份证",),
    "护照": ("护照号",),
    # 处罚类别: older and abbreviated names of the categories of 行政处罚法 art. 9
    "没收违法所得/非法财物": ("没收违法所得", "没收非法财物"),
    "没收违法所得及非法财物": ("没收违法所得", "没收非法财物"),
    "没收违法所得和非法财物": ("没收违法所得", "没收非法财物"),
    "没收违法所得、没收非法财物": ("没收违法所得", "没收非法财物"),
    "没收非法所得": ("没收违法所得",),
    # the pre-2021 law's single category "暂扣或者吊销许可证、暂扣或者吊销执照" cannot be
    # split after the fact: both values are recorded, so the record is classed by the graver
    "暂扣或吊销许可证件": ("暂扣许可证件", "吊销许可证件"),
    "暂扣或者吊销许可证件": ("暂扣许可证件", "吊销许可证件"),
    "暂扣或吊销许可证": ("暂扣许可证件", "吊销许可证件"),
    "暂扣或者吊销许可证": ("暂扣许可证件", "吊销许可证件"),
    "暂扣或吊销执照": ("暂扣许可证件", "吊销许可证件"),
    "暂扣或者吊销执照": ("暂扣许可证件", "吊销许可证件"),
    "暂扣许可证": ("暂扣许可证件",),
    "暂扣执照": ("暂扣许可证件",),
    "吊销许可证": ("吊销许可证件",),
    "吊销执照": ("吊销许可证件",),
    "吊销营业执照": ("吊销许可证件",),
    "停产停业": ("责令停产停业",),
    "拘留": ("行政拘留",),
    # 许可类别
    "普通许可": ("普通",),
    "特许许可": ("特许",),
}
"""Spellings seen in real files → catalogue values (keys folded, without whitespace). A
variant applies to a field only if all its values are among the field's values."""

_SPLIT = re.compile(r"[;、,\s]+")
"""Separators of several values in one cell, after folding (；，→ ;,); `/` is tried second,
within a piece, so that 没收违法所得/非法财物 is read as one spelling first."""


class EnumParser:
    """Reads an enumeration cell: exact catalogue values and their known variants."""

    def __init__(self, spec: FieldSpec) -> None:
        allowed = set(spec.values)
        self.lookup: dict[str, tuple[str, ...]] = {}
        for variant, targets in ENUM_VARIANTS.items():
            if set(targets) <= allowed and (spec.multiple or len(targets) == 1):
                self.lookup[variant] = targets
        for value in spec.values:
            self.lookup["".join(fold(value).split())] = (value,)
        self.multiple = spec.multiple

    def __call__(self, cell: Cell) -> Value:
        text = fold(cell_text(cell))
        if not text or text in PLACEHOLDERS:
            return None
        whole = self.lookup.get("".join(text.split()))
        if whole is not None:
            return list(whole) if self.multiple else whole[0]
        if not self.multiple:
            raise BadValue("enum.invalid")
        found: list[str] = []
        for piece in _SPLIT.split(text):
            if not piece:
                continue
            values = self.lookup.get(piece)
            if values is None:
                values = tuple(v for part in piece.split("/") if part for v in self._one(part))
            found.extend(values)
        return list(dict.fromkeys(found)) or None

    def _one(self, piece: str) -> tuple[str, ...]:
        values = self.lookup.get(piece)
        if values is None:
            raise BadPiece(piece)
        return values


class BadPiece(BadValue):
    """One value of a multiple enumeration that is not allowed: quoted alone in the message."""

    def __init__(self, piece: str) -> None:
        super().__init__("enum.invalid")
        self.piece = piece


def text_parser(spec: FieldSpec) -> Parse:
    """A text field's cells: folded (`fold_text`), trimmed, whitespace runs collapsed in
    short text, refused past `max_length`."""
    limit = spec.max_length
    collapse = limit is not None and limit <= SHORT_TEXT

    def parse(cell: Cell) -> Value:
        text = fold_text(cell if isinstance(cell, str) else cell_text(cell))
        if collapse:
            text = " ".join(text.split())
        if not text:
            return None
        if limit is not None and len(text) > limit:
            raise TooLong(len(text))
        return text

    return parse


class TooLong(BadValue):
    """Text longer than its field's `max_length`."""

    def __init__(self, length: int) -> None:
        super().__init__("field.too_long")
        self.length = length


def field_parser(spec: FieldSpec) -> Parse:
    """The reader of a text, date, amount, whole-number or enumeration field's cells."""
    if spec.type == "text":
        return text_parser(spec)
    if spec.type == "date":
        return parse_date
    if spec.type == "decimal":
        return partial(parse_amount, unit=spec.unit)
    if spec.type == "integer":
        return parse_integer
    if spec.type == "enum":
        return EnumParser(spec)
    raise ValueError(f"no parser for field type {spec.type}")
