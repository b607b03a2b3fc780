"""Bad files are refused whole, with a stable code and a message in Chinese."""

from __future__ import annotations

import json
import time
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from xinyong.records.ingest.limits import Limits
from xinyong.records.ingest.readers import MAX_CELL_CHARS, open_table
from xinyong.records.ingest.types import FileRejected

from .conftest import Synth, inline_row, write_xlsx

HEADER = "行政相对人名称,行政处罚决定书文号,处罚决定日期\n"
ROW = "天津某某商贸有限公司,津市监罚〔2024〕1号,2024-03-05\n"


def refusal(path: Path, *, read: bool = True, **kwargs: object) -> FileRejected:
    """The refusal met when opening `path` (and, with `read`, streaming all its rows)."""

    def attempt() -> None:
        with closing(open_table(path, **kwargs)) as table:  # type: ignore[arg-type]
            if read:
                for _row in table.rows():
                    pass

    with pytest.raises(FileRejected) as caught:
        attempt()
    assert caught.value.message and not caught.value.message.isascii()
    return caught.value


def test_truncated_xlsx(synth: Synth, tmp_path: Path) -> None:
    data = (synth.out / "xzcf_v2.xlsx").read_bytes()
    for cut in (len(data) // 2, len(data) - 100):
        path = tmp_path / "cut.xlsx"
        path.write_bytes(data[:cut])
        assert refusal(path, read=False).code == "file.corrupt"


def test_xlsx_with_damaged_compressed_data(synth: Synth, tmp_path: Path) -> None:
    """The directory is intact but a sheet's deflate stream is not: refused while reading."""
    source = synth.out / "xzcf_v2.xlsx"
    with zipfile.ZipFile(source) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(source.read_bytes())
    middle = info.header_offset + 100 + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    assert refusal(path).code == "file.corrupt"


def test_corrupt_and_truncated_xls(synth: Synth, tmp_path: Path) -> None:
    data = (synth.out / "xzcf_v2_part01.xls").read_bytes()
    garbage = tmp_path / "garbage.xls"
    garbage.write_bytes(data[:8] + bytes(range(256)) * 64)
    assert refusal(garbage, read=False).code == "file.corrupt"
    cut = tmp_path / "cut.xls"
    cut.write_bytes(data[: len(data) // 3])
    assert refusal(cut).code == "file.corrupt"


def test_encrypted_office_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    marker = "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(500) + marker)
    assert refusal(path, read=False).code == "file.encrypted"


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    """A small XLSX whose sheet XML inflates a thousandfold is refused before inflating."""
    filler = "<row/>" * (8 * 1024 * 1024)
    path = write_xlsx(tmp_path / "bomb.xlsx", {"Sheet1": inline_row(1, "名称") + filler})
    assert path.stat().st_size < 1024 * 1024
    started = time.monotonic()
    assert refusal(path, read=False).code == "file.zip_bomb"
    assert time.monotonic() - started < 1


def test_zip_bomb_by_total_size(tmp_path: Path) -> None:
    rows = "".join(inline_row(n, f"甲{n}") for n in range(1, 2000))
    path = write_xlsx(tmp_path / "big.xlsx", {"Sheet1": rows}, compression=zipfile.ZIP_STORED)
    assert refusal(path, read=False, limits=Limits(unzipped_bytes=50_000)).code == "file.zip_bomb"
    assert refusal(path, read=False, limits=Limits(zip_members=3)).code == "file.zip_bomb"


def test_hundred_megabyte_cell_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        handle.write("天津某某商贸有限公司,")
        block = "违" * (1024 * 1024)
        for _ in range(34):  # 34 Mi characters, 3 bytes each: 102 MiB
            handle.write(block)
        handle.write(",2024-03-05\n")
    started = time.monotonic()
    error = refusal(path, read=False)
    assert error.code == "file.cell_too_long"
    assert time.monotonic() - started < 10


def test_long_cell_spread_over_many_lines(tmp_path: Path) -> None:
    """A quoted cell of many short lines passes the line check and fails the cell limit."""
    path = tmp_path / "lines.csv"
    cell = "\n".join(["违法事实"] * (MAX_CELL_CHARS // 4))
    path.write_text(HEADER + ROW + f'天津某某,"{cell}",2024-03-05\n', encoding="utf-8")
    error = refusal(path)
    assert (error.code, "第 2 行" in error.message) == ("file.cell_too_long", True)


def test_long_cells_in_spreadsheets_and_json(tmp_path: Path) -> None:
    long = "甲" * (MAX_CELL_CHARS + 1)
    xlsx = write_xlsx(tmp_path / "long.xlsx", {"S": inline_row(1, "名称") + inline_row(2, long)})
    assert refusal(xlsx).code == "file.cell_too_long"
    shared = write_xlsx(
        tmp_path / "shared.xlsx",
        {"S": inline_row(1, "名称") + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'},
        shared=[long],
    )
    assert refusal(shared, read=False).code == "file.cell_too_long"
    records = tmp_path / "long.json"
    records.write_text(json.dumps([{"名称": long}], ensure_ascii=False), encoding="utf-8")
    assert refusal(records, read=False).code == "file.cell_too_long"


def test_binary_garbage_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"\x01\x02\x00\xff" * 1000)
    assert refusal(path, read=False).code == "file.binary"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("", "file.no_header"),
        ("\n\n  \n", "file.no_header"),
        (',,,\n"",""\n', "file.no_header"),
        (",,\n" + HEADER + ",,\n\n", "file.no_rows"),
        (HEADER, "file.no_rows"),
        (HEADER + ",,\n\n", "file.no_rows"),
        ("[]", "file.no_header"),
        ('{"records": []}', "file.no_header"),
    ],
)
def test_empty_files(tmp_path: Path, content: str, code: str) -> None:
    suffix = ".json" if content.startswith(("[", "{")) else ".csv"
    path = tmp_path / f"empty{suffix}"
    path.write_text(content, encoding="utf-8")
    assert refusal(path, read=False).code == code


def test_header_only_spreadsheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "header.xlsx", {"S": inline_row(1, "名称", "文号")})
    assert refusal(path, read=False).code == "file.no_rows"
    empty = write_xlsx(tmp_path / "empty.xlsx", {"S": ""})
    assert refusal(empty, read=False).code == "file.no_header"


def test_row_longer_than_the_header(tmp_path: Path) -> None:
    path = tmp_path / "shifted.csv"
    path.write_text(HEADER + ROW + "天津,某某,津罚1号,2024-03-05\n", encoding="utf-8")
    error = refusal(path)
    assert (error.code, "第 2 行" in error.message) == ("file.row_too_long", True)
    padded = tmp_path / "padded.csv"
    padded.write_text(HEADER + ROW.rstrip("\n") + ",,\n" + "天津\n", encoding="utf-8")
    with closing(open_table(padded)) as table:
        rows = [r.cells for r in table.rows()]
    assert rows == [tuple(ROW.strip().split(",")), ("天津", None, None)]


def test_file_too_large(tmp_path: Path, synth: Synth) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + ROW * 10, encoding="utf-8")
    assert refusal(path, read=False, limits=Limits(file_bytes=100)).code == "file.too_large"
    xls = synth.out / "xzcf_v2_part01.xls"
    assert refusal(xls, read=False, limits=Limits(xls_bytes=1000)).code == "file.too_large"


def test_too_many_columns(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"列{i}" for i in range(20)) + "\n" + "a\n", encoding="utf-8")
    assert refusal(path, read=False, limits=Limits(columns=10)).code == "file.too_many_columns"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("data.xlsx", HEADER + ROW, "file.format_mismatch"),
        ("data.xls", "<html><table><tr><td>名称</td></tr></table></html>", "file.format"),
        ("data.json", HEADER + ROW, "file.format_mismatch"),
        ("data.csv", '[{"名称": "甲"}]', "file.format_mismatch"),
    ],
)
def test_extension_must_agree_with_content(
    tmp_path: Path, name: str, content: str, code: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert refusal(path, read=False).code == code


def test_spreadsheet_content_under_a_text_name(tmp_path: Path, synth: Synth) -> None:
    path = tmp_path / "stored-upload"
    path.write_bytes((synth.out / "xzcf_v2.xlsx").read_bytes())
    assert refusal(path, read=False, file_name="处罚.csv").code == "file.format_mismatch"
    with closing(open_table(path, file_name="处罚.xls")) as table:  # xls/xlsx mix-up: fine
        assert table.format == "xlsx"
    with closing(open_table(path)) as table:  # no extension: the content decides
        assert table.format == "xlsx"


def test_other_file_kinds(tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(100))
    assert refusal(pdf, read=False).code == "file.format"
    document = tmp_path / "letter.docx"
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refusal(document, read=False).code == "file.format"


def test_doctype_in_sheet_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dtd.xlsx"
    write_xlsx(path, {"S": inline_row(1, "名称") + inline_row(2, "甲")})
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + parts["xl/worksheets/sheet1.xml"]
    )
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    assert refusal(path).code == "file.corrupt"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ('[{"名称": "甲"}, {"名称": {"嵌套": 1}}]', "json.nested"),
        ('[{"名称": "甲"}, {"名称": [1, 2]}]', "json.nested"),
        ('[{"名称": "甲"}, "乙"]', "json.not_object"),
        ('[{"名称": "甲"} {"名称": "乙"}]', "json.syntax"),
        ('[{"名称": "甲"}, {"名称": "乙"', "json.syntax"),
        ('{"data": [{"名称": "甲"}]}\n{"名称": 1}', "json.nested"),
        ('{"名称": "甲"}\n{"名称": ', "json.syntax"),
        ('{"records": [{"名称": "甲"}], "more": 1}', "json.structure"),
        ('[{"名称": "甲", " 名称": "乙"}]', "json.duplicate_key"),
        ('[{"": "甲"}]', "json.structure"),
    ],
)
def test_bad_json(tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / "records.json"
    path.write_text(content, encoding="utf-8")
    error = refusal(path, read=False)
    assert error.code == code, error.message


def test_nested_value_names_its_record(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('{"名称": "甲"}\n\n{"名称": "乙", "附件": {"a": 1}}\n', encoding="utf-8")
    error = refusal(path, read=False)
    assert (error.code, "第 2 条记录" in error.message, "附件" in error.message) == (
        "json.nested",
        True,
        True,
    )


def test_huge_json_record(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text('[{"名称": "' + "甲" * 5000 + '"', encoding="utf-8")
    limits = Limits(json_record_chars=1000)
    assert refusal(path, read=False, limits=limits).code == "json.record_too_large"
