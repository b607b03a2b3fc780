"""The encoding of a text file is decided over the whole file, never guessed."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from xinyong.records.ingest.limits import Limits
from xinyong.records.ingest.readers import open_table
from xinyong.records.ingest.textfiles import scan_text
from xinyong.records.ingest.types import FileRejected

HEADER = "行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期"
ROW = "天津市河西区某某商贸有限公司,91120103MA05T8K3XQ,津市监罚〔2024〕12号,2024年3月5日"


def rows_of(path: Path) -> tuple[str, tuple[str, ...], list[tuple[object, ...]]]:
    with closing(open_table(path)) as table:
        return table.encoding, table.headers, [r.cells for r in table.rows()]


def refused(path: Path, **kwargs: object) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        open_table(path, **kwargs).close()  # type: ignore[arg-type]
    return caught.value


def test_gbk_with_crlf_as_a_spreadsheet_saves_it(tmp_path: Path) -> None:
    path = tmp_path / "处罚.csv"
    path.write_bytes(f"{HEADER}\r\n{ROW}\r\n\r\n{ROW}\r\n".encode("gbk"))
    encoding, headers, rows = rows_of(path)
    assert encoding == "gb18030"
    assert headers == tuple(HEADER.split(","))
    assert rows == [tuple(ROW.split(","))] * 2  # the blank line skipped, no stray \r


def test_utf8_without_and_with_bom(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    bom = tmp_path / "bom.csv"
    bom.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8-sig")
    assert rows_of(plain)[0] == "utf-8"
    assert rows_of(bom)[0] == "utf-8-sig"
    assert rows_of(plain)[1:] == rows_of(bom)[1:]
    assert rows_of(bom)[1][0] == "行政相对人名称"  # the BOM is not part of the first header


def test_ascii_only_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("CF_WSH,CF_XDR_MC\nA-1,B\n", encoding="ascii")
    assert rows_of(path)[0] == "utf-8"


@pytest.mark.parametrize("gbk_first", [True, False])
def test_mixed_encodings_are_refused(tmp_path: Path, gbk_first: bool) -> None:
    gbk = f"{ROW}\n".encode("gbk")
    utf8 = f"{ROW}\n".encode()
    body = gbk * 3 + utf8 * 3 if gbk_first else utf8 * 3 + gbk * 3
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER.encode("gbk" if gbk_first else "utf-8") + b"\n" + body)
    error = refused(path)
    assert error.code == "file.mixed_encoding"
    assert "UTF-8" in error.message


def test_a_bom_over_gbk_lines_is_mixed(tmp_path: Path) -> None:
    path = tmp_path / "bom-gbk.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\n{ROW}\n".encode("gbk"))
    assert refused(path).code == "file.mixed_encoding"


def test_mixed_lines_far_apart_are_found(tmp_path: Path) -> None:
    """The scan runs in chunks: a UTF-8 line megabytes after the GBK ones is still seen."""
    path = tmp_path / "late.csv"
    with path.open("wb") as handle:
        handle.write(f"{HEADER}\n".encode("gbk"))
        for _ in range(30_000):
            handle.write(f"{ROW}\n".encode("gbk"))
        handle.write(f"{ROW}\n".encode())
    assert path.stat().st_size > 2 * 1024 * 1024
    error = refused(path)
    assert error.code == "file.mixed_encoding"
    assert "30002" in error.message


def test_valid_in_neither_is_undecidable(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(f"{HEADER}\n".encode("gbk") + b"\xff\xfe\xfd,abc\n")
    error = refused(path)
    assert error.code == "file.encoding"
    assert "第 2 行" in error.message


def test_utf16_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-16")
    error = refused(path)
    assert (error.code, "UTF-16" in error.message) == ("file.encoding", True)


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 64)
    assert refused(path).code == "file.binary"


def test_the_scan_reads_in_bounded_chunks(tmp_path: Path) -> None:
    """A long single line is refused from its length alone, before any parsing."""
    path = tmp_path / "long.csv"
    path.write_text(HEADER + "\n" + "甲" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        scan_text(path, Limits(line_bytes=4096))
    assert caught.value.code == "file.cell_too_long"


def test_gbk_that_is_also_valid_utf8_reads_as_gbk(tmp_path: Path) -> None:
    """一 is D2 BB in GBK, a valid UTF-8 sequence (Cyrillic һ): the Chinese reading wins."""
    path = tmp_path / "short.csv"
    path.write_bytes("名称\n一一一\n".encode("gbk"))
    assert rows_of(path) == ("gb18030", ("名称",), [("一一一",)])
    path.write_bytes("一一一\n".encode("gbk") + "名称一二三\n".encode())
    assert refused(path).code == "file.mixed_encoding"


CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
LINES = st.lists(st.text(CHINESE, min_size=3, max_size=30), min_size=1, max_size=20)
CJK = re.compile(r"[\u3400-\u9fff]")


def utf8_reading(line: str) -> str | None:
    try:
        return line.encode("gb18030").decode("utf-8")
    except UnicodeDecodeError:
        return None


def gb_evidence(line: str) -> bool:
    """Whether a GB18030 line is evidence of GB18030 by the rule (see textfiles.py)."""
    reading = utf8_reading(line)
    return reading is None or (CJK.search(reading) is None and not reading.isascii())


def utf8_evidence(line: str) -> bool:
    reading = utf8_reading(line)
    return reading is not None and len(CJK.findall(reading)) >= 3


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=LINES)
def test_utf8_is_always_recognised(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "prop-utf8.csv"
    text = "\n".join(lines) + "\n"
    path.write_bytes(text.encode())
    scan = scan_text(path, Limits())
    assert scan.encoding == "utf-8"
    assert path.read_bytes().decode(scan.encoding) == text


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=LINES)
def test_gb18030_is_recognised(tmp_path: Path, lines: list[str]) -> None:
    assume(any(map(gb_evidence, lines)) and not any(map(utf8_evidence, lines)))
    text = "\n".join(lines) + "\n"
    path = tmp_path / "prop-gb.csv"
    path.write_bytes(text.encode("gb18030"))
    scan = scan_text(path, Limits())
    assert scan.encoding == "gb18030"
    assert path.read_bytes().decode(scan.encoding) == text


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(utf8=LINES, gb=LINES, utf8_first=st.booleans())
def test_utf8_and_gb18030_lines_together_are_refused(
    tmp_path: Path, utf8: list[str], gb: list[str], utf8_first: bool
) -> None:
    assume(any(map(gb_evidence, gb)))
    one = "".join(f"{line}\n" for line in utf8).encode()
    other = "".join(f"{line}\n" for line in gb).encode("gb18030")
    path = tmp_path / "prop-mixed.csv"
    path.write_bytes(one + other if utf8_first else other + one)
    with pytest.raises(FileRejected) as caught:
        scan_text(path, Limits())
    assert caught.value.code == "file.mixed_encoding"
