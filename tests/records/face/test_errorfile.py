"""The error file: only the rejected rows, in the submitter's format, with reasons, safe to open."""

from __future__ import annotations

import codecs
import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlwt

from xinyong.records.ingest.errorfile import (
    FORMULA_LEADS,
    describe_one,
    error_file_name,
    neutralise,
    write_error_file,
)
from xinyong.records.ingest.types import RowError

HEADERS = ["行政相对人名称", "统一社会信用代码", "处罚决定日期", "备注"]
ROWS = [
    ["天津市和平区甲商贸有限公司", "91120101MA05T6XW3K", "2025-03-01", "第一行"],
    ["天津市河东区乙餐饮店", "91120102MA05T6XW3X", "2025年3月2日", "校验位错"],
    ["天津市河西区丙科技有限公司", "91120103MA05T6XW1A", "2025/03/03", '=HYPERLINK("x")'],
    ["天津市南开区丁物流有限公司", "", "20250304", "@SUM(1+1)"],
    ["天津市河北区戊建材有限公司", "91120105MA05T6XW5B", "2025-03-05", "末行"],
]
REASONS = {
    2: [RowError("uscc", "invalid_check_char", "校验码错误")],
    4: [
        RowError("uscc", "missing_required_field", "缺少必填项“统一社会信用代码”"),
        RowError("decision_date", "future_decision_date", "决定日期晚于今天"),
    ],
    3: [RowError("", "subject.conflict", "与已知主体的统一社会信用代码冲突")],
}
NAMES = {"uscc": "统一社会信用代码", "decision_date": "处罚决定日期"}
REASONS_TEXT_4 = "缺少必填项“统一社会信用代码”；处罚决定日期：决定日期晚于今天"


def _csv_file(path: Path, encoding: str, rows: list[list[str]] = ROWS) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def _read_csv(path: Path, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def test_gb18030_csv_stays_gb18030_with_row_numbers_and_reasons(tmp_path: Path) -> None:
    source = _csv_file(tmp_path / "xzcf.csv", "gb18030")
    out = write_error_file(
        source, "csv", "gb18030", REASONS, tmp_path / "errors" / "e", field_names=NAMES
    )
    assert out == tmp_path / "errors" / "e.csv"
    raw = out.read_bytes()
    assert not raw.startswith(codecs.BOM_UTF8)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = _read_csv(out, "gb18030")
    assert rows[0] == ["行号", "错误原因", *HEADERS]
    assert [row[0] for row in rows[1:]] == ["2", "3", "4"]
    assert rows[1][1] == "统一社会信用代码：校验码错误"
    assert rows[1][2:] == ROWS[1]
    assert rows[2][1] == "与已知主体的统一社会信用代码冲突"
    assert rows[2][5] == '\'=HYPERLINK("x")'
    assert rows[3][1] == REASONS_TEXT_4
    assert rows[3][5] == "'@SUM(1+1)"
    assert not list(tmp_path.joinpath("errors").glob(".*"))  # no temporary file left over


def test_utf8_bom_csv_keeps_its_bom(tmp_path: Path) -> None:
    source = _csv_file(tmp_path / "xzcf.csv", "utf-8-sig")
    out = write_error_file(source, "csv", "utf-8-sig", {5: REASONS[2]}, tmp_path / "e")
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and not raw[3:].startswith(codecs.BOM_UTF8)
    rows = _read_csv(out, "utf-8-sig")
    # Without field names a reason is its message: the field key is not for submitters.
    assert rows == [["行号", "错误原因", *HEADERS], ["5", "校验码错误", *ROWS[4]]]


def test_plain_utf8_csv_has_no_bom(tmp_path: Path) -> None:
    source = _csv_file(tmp_path / "xzcf.csv", "utf-8")
    out = write_error_file(source, "csv", "utf-8", {1: REASONS[2]}, tmp_path / "e")
    assert out.read_bytes().startswith("行号".encode())
    assert _read_csv(out, "utf-8")[1][2:] == ROWS[0]


def test_no_rejected_rows_gives_the_header_alone(tmp_path: Path) -> None:
    source = _csv_file(tmp_path / "xzcf.csv", "utf-8")
    out = write_error_file(source, "csv", "utf-8", {}, tmp_path / "e")
    assert _read_csv(out, "utf-8") == [["行号", "错误原因", *HEADERS]]


def _xlsx_source(path: Path) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "一月"
    first.append([*HEADERS, "罚款金额"])
    first.append(["甲公司", "91120101MA05T6XW3K", date(2025, 3, 1), "+8622", 1.5])
    first.append(["乙公司", "91120102MA05T6XW3X", datetime(2025, 3, 2, 9, 30), "-5元", 2])
    second = book.create_sheet("二月")
    second.append([*HEADERS, "罚款金额"])
    second.append(["丙公司", "91120103MA05T6XW1A", date(2025, 2, 3), "@cmd", None])
    book.save(path)
    return path


def test_xlsx_answers_xlsx_with_sheet_rows_and_values_as_given(tmp_path: Path) -> None:
    source = _xlsx_source(tmp_path / "xzcf.xlsx")
    reasons = {1: REASONS[2], 3: REASONS[4]}
    out = write_error_file(source, "xlsx", "", reasons, tmp_path / "e", field_names=NAMES)
    assert out.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["行号", "错误原因", "工作表", "表内行号", *HEADERS, "罚款金额"]
    assert rows[1][:4] == [1, "统一社会信用代码：校验码错误", "一月", 2]
    assert rows[1][4:6] == ["甲公司", "91120101MA05T6XW3K"]
    assert rows[1][6].date() == date(2025, 3, 1)
    assert rows[1][7] == "'+8622" and rows[1][8] == 1.5
    assert rows[2][:4] == [3, REASONS_TEXT_4, "二月", 2]
    assert rows[2][7] == "'@cmd"
    assert len(rows) == 3
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_xls_is_answered_as_xlsx(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for col, header in enumerate(HEADERS):
        sheet.write(0, col, header)
    for row_index, row in enumerate(ROWS, start=1):
        for col, value in enumerate(row):
            sheet.write(row_index, col, value)
    source = tmp_path / "xzcf.xls"
    book.save(str(source))
    out = write_error_file(source, "xls", "", {3: REASONS[3]}, tmp_path / "e.xls")
    assert out == tmp_path / "e.xlsx"
    assert error_file_name("二〇二五年处罚.xls", "xls") == "二〇二五年处罚.错误行.xlsx"
    loaded = openpyxl.load_workbook(out).active
    assert loaded is not None
    rows = [[cell.value for cell in row] for row in loaded.iter_rows()]
    assert rows[1][0] == 3 and rows[1][4] == ROWS[2][0]
    assert rows[1][7] == "'" + ROWS[2][3]


def test_json_array_keeps_values_and_adds_two_keys(tmp_path: Path) -> None:
    records = [dict(zip(HEADERS, row, strict=True)) for row in ROWS]
    source = tmp_path / "xzcf.json"
    source.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    out = write_error_file(source, "json", "utf-8", REASONS, tmp_path / "e", field_names=NAMES)
    assert out.suffix == ".json"
    written = json.loads(out.read_text(encoding="utf-8"))
    assert [item["行号"] for item in written] == [2, 3, 4]
    assert written[0]["错误原因"] == "统一社会信用代码：校验码错误"
    assert {k: v for k, v in written[1].items() if k in HEADERS} == records[2]
    assert written[2]["备注"] == "@SUM(1+1)"  # JSON is data, not a spreadsheet


def test_json_lines_stay_json_lines(tmp_path: Path) -> None:
    source = tmp_path / "xzcf.jsonl"
    lines = [json.dumps(dict(zip(HEADERS, row, strict=True)), ensure_ascii=False) for row in ROWS]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = write_error_file(source, "jsonl", "utf-8", {5: REASONS[2]}, tmp_path / "e")
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(written) == 1
    assert written[0]["行号"] == 5 and written[0]["行政相对人名称"] == ROWS[4][0]


@pytest.mark.parametrize("lead", FORMULA_LEADS)
def test_every_formula_lead_is_neutralised(lead: str) -> None:
    assert neutralise(f"{lead}1+1") == f"'{lead}1+1"
    assert neutralise(f"a{lead}1") == f"a{lead}1"


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_formula_cells_are_neutralised_in_csv_and_xlsx(tmp_path: Path, lead: str) -> None:
    payload = f"{lead}cmd|' /C calc'!A0"
    rows = [["甲公司", "91120101MA05T6XW3K", "2025-03-01", payload]]
    source = _csv_file(tmp_path / "x.csv", "utf-8", rows)
    out = write_error_file(source, "csv", "utf-8", {1: REASONS[2]}, tmp_path / "e")
    assert _read_csv(out, "utf-8")[1][5] == "'" + payload

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    sheet.append(rows[0])
    sheet.cell(row=2, column=4).data_type = "s"  # a text cell that merely looks like a formula
    book.save(tmp_path / "x.xlsx")
    out = write_error_file(tmp_path / "x.xlsx", "xlsx", "", {1: REASONS[2]}, tmp_path / "f")
    cell = openpyxl.load_workbook(out).active.cell(row=2, column=8)
    assert cell.value == "'" + payload and cell.data_type == "s"


def test_a_reason_names_its_field_once_and_never_by_its_key() -> None:
    assert describe_one("uscc", "校验码错误", NAMES) == "统一社会信用代码：校验码错误"
    assert (
        describe_one("uscc", "“统一社会信用代码”校验码错误", NAMES)
        == "“统一社会信用代码”校验码错误"
    )
    assert describe_one("uscc", "校验码错误") == "校验码错误"
    assert describe_one("", "无法确定该行所指的信用主体", NAMES) == "无法确定该行所指的信用主体"


def test_reasons_may_stream_in_row_order(tmp_path: Path) -> None:
    source = _csv_file(tmp_path / "xzcf.csv", "utf-8")
    streamed = iter([(2, REASONS[2]), (4, REASONS[4]), (99, REASONS[3])])
    out = write_error_file(source, "csv", "utf-8", streamed, tmp_path / "e", field_names=NAMES)
    rows = _read_csv(out, "utf-8")
    assert [row[0] for row in rows[1:]] == ["2", "4"]
    assert rows[2][1] == REASONS_TEXT_4
