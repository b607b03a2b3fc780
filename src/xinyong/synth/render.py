"""Spelling a logical record the way real files spell it, mess included.

Each row is rendered once into two parallel lists: the text of every cell (CSV, JSON Lines)
and the value of every cell in a spreadsheet (XLSX, XLS), where a date is a date cell, an
amount a number and, now and then, a date is a bare Excel serial number. The mess is drawn
from its own random stream, so changing `mess_rate` never changes the data underneath.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from xinyong.synth import schemas
from xinyong.synth.records import Record

Cell = str | date | int | float
EXCEL_EPOCH = date(1899, 12, 30)
_FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)
_TRAILING = (" ", "  ", "\u3000")
_DATE_STYLES = ("cn", "slash", "compact", "serial")


def excel_serial(day: date) -> int:
    """Days since 1899-12-30: what Excel stores for a date (1900 system, after 1900-03-01)."""
    return (day - EXCEL_EPOCH).days


def _date_text(day: date, style: str) -> str:
    if style == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "compact":
        return day.strftime("%Y%m%d")
    return day.isoformat()


def _amount_text(amount: Decimal) -> str:
    return format(amount, "f")


class Renderer:
    """Renders rows of one schema; `mess_rate` is the chance that a given cell is messy."""

    def __init__(self, headers: Sequence[str], mess_rate: float) -> None:
        self.headers = tuple(headers)
        self.mess_rate = mess_rate
        self._kinds = tuple(self._kind(name) for name in self.headers)

    @staticmethod
    def _kind(name: str) -> str:
        if name in schemas.DATE_FIELDS:
            return "date"
        if name in schemas.AMOUNT_FIELDS:
            return "amount"
        if name in schemas.CODE_FIELDS:
            return "code"
        if name in schemas.TYPED_FIELDS:
            return "typed"
        return "text"

    def render(self, record: Record, rng: random.Random) -> tuple[list[str], list[Cell]]:
        text: list[str] = []
        cells: list[Cell] = []
        rate = self.mess_rate
        for name, kind in zip(self.headers, self._kinds, strict=True):
            value = record[name]
            messy = rng.random() < rate
            if isinstance(value, date):
                style = rng.choice(_DATE_STYLES) if messy else ""
                text.append(_date_text(value, style))
                if style == "serial":
                    cells.append(excel_serial(value))
                elif style:
                    cells.append(_date_text(value, style))
                else:
                    cells.append(value)
            elif isinstance(value, Decimal):
                spelled = _amount_text(value)
                text.append(spelled)
                cells.append(spelled if messy else float(value))
            elif messy and value and kind == "code":
                spelled = value.translate(_FULL_WIDTH) if rng.random() < 0.6 else value + " "
                text.append(spelled)
                cells.append(spelled)
            elif messy and value and kind == "typed":
                spelled = value + rng.choice(_TRAILING)
                text.append(spelled)
                cells.append(spelled)
            else:
                text.append(str(value))
                cells.append(str(value))
        return text, cells
