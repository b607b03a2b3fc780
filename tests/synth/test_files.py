"""The files read back: encodings, exact header rows, row counts, sheets and splits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.synth.conftest import SUBJECTS, Generated, as_date, read_table, sheets
from xinyong.synth import schemas

# The header rows as the brief and the national templates spell them, typed out again here
# so that a change in schemas.py cannot pass unnoticed.
SUBJECT_BLOCK = [
    "行政相对人名称", "行政相对人类别", "统一社会信用代码", "工商注册号", "组织机构代码",
    "税务登记号", "事业单位证书号", "社会组织登记证号", "法定代表人", "法定代表人证件类型",
    "法定代表人证件号码", "证件类型", "证件号码",
]  # fmt: skip
LICENCE_V2 = [
    *SUBJECT_BLOCK, "行政许可决定文书名称", "行政许可决定文书号", "许可类别", "许可证书名称",
    "许可编号", "许可内容", "许可决定日期", "有效期自", "有效期至", "许可机关",
    "许可机关统一社会信用代码", "当前状态", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
]  # fmt: skip
PENALTY_V2 = [
    *SUBJECT_BLOCK, "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别",
    "处罚内容", "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期", "处罚机关",
    "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
]  # fmt: skip
PENALTY_V1 = [
    "行政处罚决定书文号", "处罚名称", "处罚类别1", "处罚类别2", "处罚事由", "处罚依据",
    "行政相对人名称", "行政相对人代码_1(统一社会信用代码)", "行政相对人代码_2(组织机构代码)",
    "行政相对人代码_3(工商登记码)", "行政相对人代码_4(税务登记号)",
    "行政相对人代码_5(居民身份证号)", "法定代表人姓名", "处罚结果", "处罚决定日期", "处罚机关",
    "当前状态", "地方编码", "数据更新时间戳", "备注",
]  # fmt: skip
HEADERS = {"xzxk_v2": LICENCE_V2, "xzcf_v2": PENALTY_V2, "xzcf_v1": PENALTY_V1}
ENCODINGS = {"xzxk_v2": "utf-8-sig", "xzcf_v2": "gb18030", "xzcf_v1": "gb18030"}


def test_the_manifest_lists_every_file_written(generated: Generated) -> None:
    listed = {f["path"] for f in generated.manifest["files"]}
    on_disk = {p.name for p in generated.out.iterdir()} - {"manifest.json"}
    assert listed == on_disk
    formats = {(f["dataset"], f["format"]) for f in generated.manifest["files"]}
    assert formats == {("subjects", "jsonl")} | {
        (d, fmt) for d in HEADERS for fmt in ("csv", "xlsx", "xls", "jsonl")
    } - {("xzcf_v1", "jsonl")}
    assert generated.manifest["schemas"] == HEADERS


@pytest.mark.parametrize("dataset", sorted(HEADERS))
def test_csv_encoding_and_header(generated: Generated, dataset: str) -> None:
    (entry,) = generated.files(dataset, "csv")
    assert entry["encoding"] == ENCODINGS[dataset]
    raw = (generated.out / entry["path"]).read_bytes()
    if ENCODINGS[dataset] == "utf-8-sig":
        assert raw.startswith(b"\xef\xbb\xbf")
    else:
        assert not raw.startswith(b"\xef\xbb\xbf")
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    assert raw.endswith(b"\r\n")
    header, rows = read_table(generated.out, entry)
    assert header == HEADERS[dataset]
    assert len(rows) == entry["rows"]
    assert all(len(row) == len(header) for row in rows)


@pytest.mark.parametrize("dataset", sorted(HEADERS))
def test_row_counts_agree_across_formats(generated: Generated, dataset: str) -> None:
    expected = {"xzxk_v2": SUBJECTS, "xzcf_v2": SUBJECTS // 2, "xzcf_v1": SUBJECTS // 5}
    for fmt in ("csv", "xlsx", "xls", "jsonl"):
        entries = generated.files(dataset, fmt)
        if dataset == "xzcf_v1" and fmt == "jsonl":
            assert entries == []
            continue
        rows = 0
        for entry in entries:
            header, data = read_table(generated.out, entry)
            assert header == HEADERS[dataset], entry["path"]
            assert len(data) == entry["rows"], entry["path"]
            rows += entry["rows"]
        assert rows == expected[dataset], (dataset, fmt)


def test_xls_is_split_into_sheets_and_files_at_the_limit(generated: Generated) -> None:
    entries = generated.files("xzxk_v2", "xls")
    # 400 rows, 70 per sheet, 2 sheets per file: 3 files of 140, 140 and 120 rows.
    assert [e["path"] for e in entries] == [f"xzxk_v2_part0{i}.xls" for i in (1, 2, 3)]
    assert [e["rows"] for e in entries] == [140, 140, 120]
    assert [[s["rows"] for s in e["sheets"]] for e in entries] == [[70, 70], [70, 70], [70, 50]]
    for entry in entries:
        read = dict(sheets(generated.out / entry["path"], "xls"))
        assert list(read) == [s["name"] for s in entry["sheets"]]
        for sheet in entry["sheets"]:
            assert read[sheet["name"]][0] == LICENCE_V2
            assert len(read[sheet["name"]]) == sheet["rows"] + 1
    (single,) = generated.files("xzcf_v1", "xls")
    assert single["path"] == "xzcf_v1.xls" and single["rows"] == SUBJECTS // 5


def _same_cell(name: str, text: str, cell: Any) -> bool:
    if name in schemas.DATE_FIELDS:
        return as_date(text) == as_date(cell)
    if name in schemas.AMOUNT_FIELDS and isinstance(cell, int | float):
        return Decimal(text) == Decimal(str(cell))
    return bool(text == cell)


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "jsonl"])
@pytest.mark.parametrize("dataset", sorted(HEADERS))
def test_every_format_holds_the_same_records(generated: Generated, dataset: str, fmt: str) -> None:
    (csv_entry,) = generated.files(dataset, "csv")
    header, csv_rows = read_table(generated.out, csv_entry)
    other: list[list[Any]] = []
    for entry in generated.files(dataset, fmt):
        other += read_table(generated.out, entry)[1]
    if dataset == "xzcf_v1" and fmt == "jsonl":
        assert other == []
        return
    assert len(other) == len(csv_rows)
    for text_row, cells in zip(csv_rows, other, strict=True):
        for name, text, cell in zip(header, text_row, cells, strict=True):
            assert _same_cell(name, text, cell), (name, text, cell)


def test_spreadsheets_hold_date_cells_numbers_and_serials(generated: Generated) -> None:
    (entry,) = generated.files("xzcf_v2", "xlsx")
    header, rows = read_table(generated.out, entry)
    decided = [row[header.index("处罚决定日期")] for row in rows]
    kinds = {type(v).__name__ for v in decided}
    assert {"datetime", "int", "str"} <= kinds  # date cells, bare serials, typed text
    fines = [row[header.index("罚款金额（万元）")] for row in rows]
    assert any(isinstance(f, float) for f in fines)


def test_bad_rows_are_numbered_alike_in_every_format(generated: Generated) -> None:
    for dataset in HEADERS:
        (csv_entry,) = generated.files(dataset, "csv")
        expected = [(b["row"], b["reason"], b["field"]) for b in csv_entry["bad_rows"]]
        assert expected, dataset
        for fmt in ("xlsx", "xls", "jsonl"):
            seen: list[tuple[int, str, str]] = []
            offset = 0
            for entry in generated.files(dataset, fmt):
                before = {s["name"]: 0 for s in entry.get("sheets", [])}
                running = 0
                for s in entry.get("sheets", []):
                    before[s["name"]] = running
                    running += s["rows"]
                for bad in entry["bad_rows"]:
                    if "sheet" in bad:
                        assert before[bad["sheet"]] + bad["sheet_row"] - 1 == bad["row"]
                    seen.append((offset + bad["row"], bad["reason"], bad["field"]))
                offset += entry["rows"]
            if dataset == "xzcf_v1" and fmt == "jsonl":
                continue
            assert seen == expected, (dataset, fmt)
