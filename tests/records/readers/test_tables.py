"""What each reader makes of cells, headers, sheets and records."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from xinyong.records.ingest.limits import Limits
from xinyong.records.ingest.readers import open_table, table_from_records
from xinyong.records.ingest.types import Cell, FileRejected, SourceRow

from .conftest import inline_row, write_xlsx

DEFAULT = Limits()


def read(path: Path, limits: Limits = DEFAULT) -> tuple[tuple[str, ...], list[SourceRow]]:
    with closing(open_table(path, limits=limits)) as table:
        return table.headers, list(table.rows())


def cells(rows: list[SourceRow]) -> list[tuple[Cell, ...]]:
    return [r.cells for r in rows]


def test_xlsx_saved_with_shared_strings_and_typed_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["名称 ", "罚款金额（万元）", "决定日期", "时间", "有效"])
    sheet.append(["甲公司", 1.5, date(2024, 3, 5), datetime(2024, 3, 5, 9, 30), True])
    sheet.append(["乙公司", 2, date(2023, 1, 31), None, False])
    sheet.append([None, None, None, None, None])
    sheet.append(["丙公司", 0.0001, 45356, None, None])
    sheet["C4"].number_format = "yyyy年m月d日"
    sheet["C4"] = 45000
    path = tmp_path / "typed.xlsx"
    book.save(path)
    headers, rows = read(path)
    assert headers == ("名称", "罚款金额(万元)", "决定日期", "时间", "有效")
    assert cells(rows) == [
        ("甲公司", 1.5, date(2024, 3, 5), datetime(2024, 3, 5, 9, 30), True),
        ("乙公司", 2, date(2023, 1, 31), None, False),
        (None, None, date(2023, 3, 15), None, None),
        ("丙公司", 0.0001, 45356, None, None),
    ]
    assert [r.row_no for r in rows] == [1, 2, 3, 4]
    assert [r.sheet_row for r in rows] == [2, 3, 4, 5]
    spilled = read(path, Limits(shared_strings_in_memory=1))
    assert spilled == (headers, rows)


def test_xlsx_with_a_namespace_prefix_sparse_cells_and_1904_dates(tmp_path: Path) -> None:
    rows = (
        inline_row(1, "名称", "", "文号", "日期", prefix="x")
        + '<x:row r="3"><x:c r="C3" t="inlineStr"><x:is><x:t>津罚1号</x:t></x:is></x:c>'
        '<x:c r="D3" s="1"><x:v>0</x:v></x:c></x:row>'
        '<x:row r="4"><x:c r="A4" t="inlineStr"><x:is><x:r><x:t>甲</x:t></x:r>'
        "<x:r><x:t>公司</x:t></x:r><x:rPh><x:t>コウシ</x:t></x:rPh></x:is></x:c>"
        '<x:c r="B4" t="str"><x:f>A4</x:f><x:v>甲公司</x:v></x:c>'
        '<x:c r="C4" t="e"><x:v>#N/A</x:v></x:c><x:c r="D4" s="1"><x:v>366</x:v></x:c></x:row>'
        + '<x:row r="5"><x:c r="E5" t="inlineStr"><x:is><x:t>备注</x:t></x:is></x:c></x:row>'
    )
    path = write_xlsx(
        tmp_path / "prefixed.xlsx",
        {"数据": rows},
        prefix="x",
        styles='<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>',
        date1904=True,
    )
    with closing(open_table(path)) as table:
        assert table.headers == ("名称", "列2", "文号", "日期")
        stream = table.rows()
        assert [next(stream).cells, next(stream).cells] == [
            (None, None, "津罚1号", date(1904, 1, 1)),
            ("甲公司", "甲公司", "#N/A", date(1905, 1, 1)),
        ]
        with pytest.raises(FileRejected) as caught:
            next(stream)  # E5 holds a value past the last header column
    assert caught.value.code == "file.row_too_long"
    assert "工作表“数据”第 5 行" in caught.value.message


def test_dates_by_number_format(tmp_path: Path) -> None:
    styles = (
        '<numFmts count="2">'
        '<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
        '<numFmt numFmtId="165" formatCode="#,##0.00_);[Red](#,##0.00)"/></numFmts>'
        '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/>'
        '<xf numFmtId="31"/></cellXfs>'
    )
    row = (
        '<row r="2"><c r="A2" s="1"><v>45356</v></c><c r="B2" s="2"><v>45356</v></c>'
        '<c r="C2" s="3"><v>45356.5</v></c><c r="D2"><v>1.25E+2</v></c></row>'
    )
    path = write_xlsx(
        tmp_path / "dates.xlsx", {"S": inline_row(1, "甲", "乙", "丙", "丁") + row}, styles=styles
    )
    assert cells(read(path)[1]) == [(date(2024, 3, 5), 45356, datetime(2024, 3, 5, 12), 125)]


def test_sheets_with_another_header_are_left_out(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "sheets.xlsx",
        {
            "说明": "",
            "一月": (
                inline_row(1, "名称", "文号")
                + inline_row(2, "甲", "1号")
                + inline_row(3, "乙", "2号")
            ),
            "填表说明": inline_row(1, "填表说明") + inline_row(2, "请按模板填写"),
            "二月": inline_row(2, "名称", "文号") + inline_row(5, "丙", "3号"),
        },
    )
    with closing(open_table(path)) as table:
        rows = list(table.rows())
        assert table.skipped_sheets == ("填表说明",)  # type: ignore[attr-defined]
    assert [(r.row_no, r.sheet, r.sheet_row, r.cells[0]) for r in rows] == [
        (1, "一月", 2, "甲"),
        (2, "一月", 3, "乙"),
        (5, "二月", 5, "丙"),
    ]


def test_csv_dialects_and_headers(tmp_path: Path) -> None:
    tab = tmp_path / "tab.csv"
    tab.write_text("\n名称\t＂文号＂\t\t备注\n甲\t1号\t\t\n", encoding="utf-8")
    headers, rows = read(tab)
    assert headers == ("名称", '"文号"', "列3", "备注")
    assert cells(rows) == [("甲", "1号", None, None)]
    assert rows[0].row_no == 1
    semicolon = tmp_path / "semicolon.csv"
    semicolon.write_text('名称;文号\n"甲;乙";1号\n', encoding="utf-8")
    assert cells(read(semicolon)[1]) == [("甲;乙", "1号")]


def test_json_forms_and_key_union(tmp_path: Path) -> None:
    records = [
        {"名称": "甲", "金额": 1.5},
        {"文号": "2号", "名称": "乙", "有效": True},
        {"名称": None},
    ]
    expected = (
        ("名称", "金额", "文号", "有效"),
        [("甲", 1.5, None, None), ("乙", None, "2号", True)],
    )
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"records": records}, ensure_ascii=False), encoding="gbk")
    lines = tmp_path / "lines.jsonl"
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    for path, fmt in ((bare, "json"), (wrapped, "json"), (lines, "jsonl")):
        with closing(open_table(path)) as table:
            assert table.format == fmt
            got = table.headers, [r.cells for r in table.rows()]
        assert got == expected, path.name


def test_json_array_read_in_chunks(tmp_path: Path) -> None:
    """Records straddle the reader's 1 MiB chunks and are streamed whole."""
    records = [{"编号": str(n), "内容": "违法事实" * 50} for n in range(8000)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert path.stat().st_size > 2 * 1024 * 1024
    _headers, rows = read(path)
    assert len(rows) == 8000 and rows[-1].cells == ("7999", "违法事实" * 50)


def test_records_from_the_api() -> None:
    table = table_from_records(
        [{"名称": "甲", "金额": 10}, {" 名称 ": "乙", "备注": None}, {"名称": ""}]
    )
    assert (table.format, table.encoding) == ("json", "utf-8")
    assert table.headers == ("名称", "金额", "备注")
    assert [r.cells for r in table.rows()] == [("甲", 10, None), ("乙", None, None)]
    sparse = table_from_records([{"a": 1}, {"a": None}, {"a": 2}])
    assert [r.row_no for r in sparse.rows()] == [1, 3]


@pytest.mark.parametrize(
    ("records", "code"),
    [
        ([], "file.no_rows"),
        ([{"名称": "甲"}, {"名称": {"a": 1}}], "json.nested"),
        ([{"名称": "甲"}, ["乙"]], "json.not_object"),
        ([{"名称": "甲" * 40_000}], "file.cell_too_long"),
    ],
)
def test_bad_api_records(records: list[object], code: str) -> None:
    with pytest.raises(FileRejected) as caught:
        table_from_records(records)  # type: ignore[arg-type]
    assert caught.value.code == code
