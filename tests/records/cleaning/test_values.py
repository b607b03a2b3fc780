"""Dates, amounts and whole numbers in every spelling RULES.md lists, and the ones refused."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.records.ingest.types import Cell
from xinyong.records.ingest.values import (
    EXCEL_EPOCH,
    LONG_TERM,
    BadValue,
    canonical,
    cell_text,
    fold_text,
    is_long_term,
    parse_amount,
    parse_date,
    parse_integer,
)

DAY = date(2016, 11, 25)
SERIAL = (DAY - EXCEL_EPOCH).days  # 42699
FULL_WIDTH = str.maketrans("0123456789./-:年", "０１２３４５６７８９．／－：年")


@pytest.mark.parametrize(
    "cell",
    [
        "2016-11-25",
        "2016/11/25",
        "2016.11.25",
        "2016年11月25日",
        "2016年11月25",
        "2016 年 11 月 25 日",
        "20161125",
        "2016/11/25 10:30",
        "2016-11-25 00:00:00",
        "2016-11-25 08:15:00.000",
        "2016-11-25T08:15:00+08:00",
        "2016年11月25日 10时30分",
        "２０１６年１１月２５日",
        "２０１６－１１－２５",
        "  2016-11-25\u3000",
        DAY,
        datetime(2016, 11, 25, 14, 30),
        SERIAL,
        float(SERIAL),
        SERIAL + 0.75,
        str(SERIAL),
        f"{SERIAL}.5",
        20161125,
        20161125.0,
    ],
)
def test_every_spelling_of_a_date(cell: Cell) -> None:
    assert parse_date(cell) == DAY


def test_single_digit_months_and_days() -> None:
    assert parse_date("2016/1/5") == parse_date("2016年1月5日") == date(2016, 1, 5)


@pytest.mark.parametrize("cell", ["2099-12-31", "2099/12/31", "20991231", "9999-12-31", "长期"])
def test_long_term_stays_a_date(cell: str) -> None:
    day = parse_date(cell)
    assert day is not None and is_long_term(day)
    assert day in (LONG_TERM, date(9999, 12, 31))


def test_an_ordinary_date_is_not_long_term() -> None:
    assert not is_long_term(date(2098, 12, 31)) and not is_long_term(None)


@pytest.mark.parametrize("cell", [None, "", "  ", "无", "/", "-"])
def test_empty_dates(cell: Cell) -> None:
    assert parse_date(cell) is None


@pytest.mark.parametrize(
    "cell",
    [
        "2016-13-01",
        "2016-02-30",
        "2016/11-25",
        "16/11/25",
        "11/25/2016",
        "2016年11月",
        "二〇一六年十一月",
        "tomorrow",
        "20161325",
        "2016-11-25 blah",
        True,
        5,  # below 1900-03-01, where Excel's phantom 1900-02-29 makes serials unreliable
        -1.0,
        float("nan"),
        float("inf"),
        3_000_000,  # past 9999-12-31, and not an 8-digit YYYYMMDD
        "3000000",
    ],
)
def test_what_is_not_a_date(cell: Cell) -> None:
    with pytest.raises(BadValue) as caught:
        parse_date(cell)
    assert caught.value.code == "date.invalid"


def _spellings(day: date) -> list[Cell]:
    serial = (day - EXCEL_EPOCH).days
    iso = day.isoformat()
    texts = [
        iso,
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        f"{iso} 23:59:59",
        f"{iso}T00:00:00Z",
    ]
    return [
        *texts,
        *(t.translate(FULL_WIDTH) for t in texts),
        day,
        datetime.combine(day, time(18, 5)),
        serial,
        float(serial) + 0.999,
        str(serial),
        int(day.strftime("%Y%m%d")),
    ]


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)))
def test_any_date_in_any_form_reads_back(day: date) -> None:
    for cell in _spellings(day):
        assert parse_date(cell) == day, cell


# -- amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.5", "1.5"),
        ("1,500.00", "1500"),
        ("１．５", "1.5"),
        ("1.5万元", "1.5"),
        ("1.5万", "1.5"),
        ("15000元", "1.5"),
        ("15,000元", "1.5"),
        ("¥15000元", "1.5"),
        ("￥15000元", "1.5"),
        ("人民币15000元", "1.5"),
        (" 0.50 ", "0.5"),
        ("0", "0"),
        ("-0", "0"),
        (".5", "0.5"),
        ("1e3", None),
        (2, "2"),
        (0.1, "0.1"),
        (2.0, "2"),
        ("100", "100"),
    ],
)
def test_amounts_in_wan_yuan(cell: Cell, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(BadValue):
            parse_amount(cell, "万元")
        return
    amount = parse_amount(cell, "万元")
    assert amount == Decimal(expected) and str(amount) == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("-1.5", "amount.negative"),
        ("−1.5", "amount.negative"),
        (-3, "amount.negative"),
        (-0.5, "amount.negative"),
        ("abc", "amount.invalid"),
        ("1.5美元", "amount.invalid"),
        ("1,5", "amount.invalid"),
        ("1,50,000", "amount.invalid"),
        ("NaN", "amount.invalid"),
        ("Infinity", "amount.invalid"),
        (float("nan"), "amount.invalid"),
        (float("inf"), "amount.invalid"),
        (True, "amount.invalid"),
        (DAY, "amount.invalid"),
        ("1" * 20, "amount.too_large"),
    ],
)
def test_what_is_not_an_amount(cell: Cell, code: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_amount(cell, "万元")
    assert caught.value.code == code


def test_a_cell_unit_needs_a_field_unit_to_convert_to() -> None:
    assert parse_amount("1.5", "") == Decimal("1.5")
    with pytest.raises(BadValue) as caught:
        parse_amount("1.5万元", "")
    assert caught.value.code == "amount.unit"
    assert parse_amount("1.5万元", "元") == Decimal(15000)


@pytest.mark.parametrize("cell", [None, "", " ", "无", "/"])
def test_empty_amounts(cell: Cell) -> None:
    assert parse_amount(cell, "万元") is None


_AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False)


@given(_AMOUNTS)
def test_any_amount_in_any_spelling_reads_back(amount: Decimal) -> None:
    plain = format(amount, "f")
    yuan = format(amount * 10000, "f")
    whole, _, fraction = plain.partition(".")
    grouped = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    full_width = plain.translate(FULL_WIDTH)
    for cell in (plain, grouped, full_width, f"{plain}万元", f"{yuan}元", f"¥{yuan}元"):
        parsed = parse_amount(cell, "万元")
        assert parsed == amount, cell
        assert parsed is not None and str(parsed) == str(canonical(parsed))
        assert "E" not in str(parsed)


@given(_AMOUNTS)
def test_equal_amounts_are_spelled_alike(amount: Decimal) -> None:
    spellings = {str(parse_amount(c, "万元")) for c in (format(amount, "f"), f"{amount:.6f}")}
    assert len(spellings) == 1


# -- whole numbers and text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("12", 12), ("１２", 12), ("1,200", 1200), (12, 12), (12.0, 12), ("", None), ("无", None)],
)
def test_whole_numbers(cell: Cell, expected: int | None) -> None:
    parsed = parse_integer(cell)
    assert parsed == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(
    ("cell", "code"),
    [("1.5", "integer.invalid"), (1.5, "integer.invalid"), ("-3", "integer.negative"),
     (-3, "integer.negative"), ("十二", "integer.invalid"), (True, "integer.invalid")],
)  # fmt: skip
def test_what_is_not_a_whole_number(cell: Cell, code: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_integer(cell)
    assert caught.value.code == code


def test_text_folds_letters_and_digits_but_keeps_chinese_punctuation() -> None:
    assert fold_text("津市监罚〔２０２６〕１２号") == "津市监罚〔2026〕12号"
    assert fold_text("ＡＢＣ有限公司（天津）") == "ABC有限公司（天津）"
    assert fold_text("\u3000警告，罚款：５０００元。 ") == "警告，罚款：5000元。"


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (123456.0, "123456"),
        (1.25, "1.25"),
        (7, "7"),
        (DAY, "2016-11-25"),
        (datetime(2016, 11, 25), "2016-11-25"),
        (datetime(2016, 11, 25, 9, 5, 7), "2016-11-25 09:05:07"),
        (False, "false"),
        ("原样 ", "原样 "),
    ],
)
def test_cells_as_text(cell: Cell, text: str) -> None:
    assert cell_text(cell) == text


def test_serial_numbers_count_from_excel_epoch() -> None:
    assert parse_date(61) == date(1900, 3, 1)
    assert parse_date((LONG_TERM - EXCEL_EPOCH).days) == LONG_TERM
    assert parse_date(float((date(2024, 2, 29) - EXCEL_EPOCH).days)) == date(2024, 2, 29)
    assert EXCEL_EPOCH + timedelta(days=SERIAL) == DAY
