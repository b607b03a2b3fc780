"""Rendering credit reports: text a program can extract, pages, the print version, metadata
and the QR code. The content is built directly from the report dataclasses (no database)."""

from __future__ import annotations

import dataclasses
import datetime
import re
import subprocess
import time
from pathlib import Path

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from xinyong.catalog.models import ListKind
from xinyong.lists.public import PublicEntry
from xinyong.records.public import PublicField, PublicRecord, SubjectRef
from xinyong.reports.document import (
    CommitmentLine,
    GradeLine,
    ObjectionLine,
    RecordSection,
    ReportContent,
    ReportSubject,
)
from xinyong.reports.services.render import claimed_code, qr_svg, render_report

NAME = "天津市滨海星辰建材有限公司"
USCC = "91120116MA05K1234X"
NUMBER = "XY20260315000042"
CODE = "K7Q2-9XHM-4TPA-WD3N"
URL = "https://credit.example.gov.cn/verify/K7Q2-9XHM-4TPA-WD3N/"
PENALTY_NO = "津市监罚〔2025〕0137号"
DAY = datetime.date(2026, 3, 15)

REF = SubjectRef(name=NAME, kind="法人和非法人组织", uscc=USCC, public_id="S7K2M9Q4")


def _licence(n: int) -> PublicRecord:
    decided = DAY - datetime.timedelta(days=3 * n + 5)
    return PublicRecord(
        item_code="XZXK",
        item_name="行政许可",
        doc_no=f"津审批许〔{decided.year}〕{n:04d}号",
        department="天津市滨海新区行政审批局",
        decision_date=decided,
        published_until=datetime.date(2099, 12, 31) if n % 3 else decided.replace(year=2030),
        legal_basis="《中华人民共和国行政许可法》第四十条",
        summary=f"建筑材料生产许可证（第{n}次延续）；准予延续生产建筑材料",
        fields=(
            PublicField("licence_no", "许可编号", f"JC-1201-{n:05d}"),
            PublicField("valid_from", "有效期自", decided.isoformat()),
        ),
        subject=REF,
        record_id=10_000 + n,
        under_objection=False,
    )


def _penalty(n: int) -> PublicRecord:
    decided = DAY - datetime.timedelta(days=2 * n + 1)
    doc_no = PENALTY_NO if n == 37 else f"津市监罚〔{decided.year}〕{n + 1000:04d}号"
    return PublicRecord(
        item_code="XZCF",
        item_name="行政处罚",
        doc_no=doc_no,
        department="天津市市场监督管理委员会",
        decision_date=decided,
        published_until=decided + datetime.timedelta(days=365 * (3 if n % 7 == 0 else 1)),
        legal_basis=f"《中华人民共和国产品质量法》第{49 + n % 5}条",
        summary="生产不符合保障人体健康和人身、财产安全的国家标准的产品；没收违法生产的产品并处罚款",
        fields=(
            PublicField("penalty_types", "处罚类别", "罚款、没收违法所得"),
            PublicField("fine_amount", "罚款金额", f"{1 + n % 9}.5 万元"),
        ),
        subject=REF,
        record_id=20_000 + n,
        under_objection=n == 3,
    )


def _abnormal(n: int) -> PublicRecord:
    decided = DAY - datetime.timedelta(days=40 * n + 9)
    return PublicRecord(
        item_code="JYYC",
        item_name="经营异常名录",
        doc_no=f"津滨市监异〔{decided.year}〕{n:03d}号",
        department="天津市滨海新区市场监督管理局",
        decision_date=decided,
        published_until=None,
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        summary="未按规定期限公示年度报告",
        fields=(),
        subject=REF,
        record_id=30_000 + n,
        under_objection=False,
    )


def _entry(kind: str, name: str, reason: str) -> PublicEntry:
    return PublicEntry(
        list_type="SX_SCJG" if kind == ListKind.PUNISHMENT else "SX_JL",
        list_name=name,
        kind=kind,
        department="天津市市场监督管理委员会",
        doc_no="津市监列〔2025〕12号",
        decision_date=datetime.date(2025, 6, 1),
        starts_on=datetime.date(2025, 6, 3),
        ends_on=datetime.date(2028, 6, 2) if kind == ListKind.PUNISHMENT else None,
        published_on=datetime.date(2025, 6, 4),
        reason=reason,
        decision_basis="",
        legal_basis=("《市场监督管理严重违法失信名单管理办法》第二条",),
        subject=REF,
    )


def _section(
    code: str, name: str, polarity: str, records: tuple[PublicRecord, ...]
) -> RecordSection:
    return RecordSection(
        code=code,
        name=name,
        polarity=polarity,
        disclosure="public",
        description=f"{name}信息（社会公开）",
        records=records,
    )


def content(records: int) -> ReportContent:
    """A report of `records` records (0 for a subject with nothing on file): licences,
    penalties and abnormal-operation entries in the proportions of a busy company."""
    licences = records * 2 // 5
    penalties = records // 2
    abnormal = records - licences - penalties
    busy = records > 0
    return ReportContent(
        type_code="public",
        type_name="公共信用信息报告（通用版）",
        purpose="参加政府采购活动" if busy else "",
        requester="社会公众",
        cut_off=datetime.datetime(2026, 3, 15, 9, 30, tzinfo=datetime.UTC),
        subject=ReportSubject(
            name=NAME,
            kind="法人和非法人组织",
            uscc=USCC,
            masked_id="",
            public_id="S7K2M9Q4",
            district="滨海新区",
            status="存续",
            former_names=("天津市星辰建材厂",) if busy else (),
        ),
        sections=(
            _section("XZXK", "行政许可", "neutral", tuple(_licence(n) for n in range(licences))),
            _section("XZCF", "行政处罚", "negative", tuple(_penalty(n) for n in range(penalties))),
            _section(
                "JYYC", "经营异常名录", "negative", tuple(_abnormal(n) for n in range(abnormal))
            ),
            _section("SXJL", "守信激励对象", "positive", ()),
        ),
        lists=(
            _entry(ListKind.PUNISHMENT, "市场监督管理严重违法失信名单", "拒不履行行政处罚决定"),
            _entry(ListKind.INCENTIVE, "守信激励对象名单", "连续三年纳税信用A级"),
        )
        if busy
        else (),
        grades=(
            GradeLine(
                model_code="GGXY",
                model_name="公共信用综合评价",
                grade="C",
                grade_name="较差",
                as_of=datetime.date(2026, 3, 1),
                evaluated_on=datetime.date(2026, 3, 2),
                reasons=("近一年行政处罚 12 次（-30 分）", "列入严重违法失信名单（-40 分）"),
            ),
        )
        if busy
        else (),
        commitments=(
            CommitmentLine(
                kind="信用修复承诺",
                title="关于纠正失信行为的信用承诺书",
                signed_on=datetime.date(2025, 9, 1),
                status="履行中",
                department="天津市市场监督管理委员会",
            ),
        )
        if busy
        else (),
        objections=(
            ObjectionLine(
                about="行政处罚 津市监罚〔2026〕1003号",
                filed_on=datetime.date(2026, 3, 10),
                status="处理中",
            ),
        )
        if busy
        else (),
        scope_note="本报告仅包含社会公开类信用信息；授权查询类、政务共享类信息不在本报告范围内。",
        notes=(
            "已修复、已撤销或公示期届满的信息不在本报告中。",
            "对报告内容有异议的，可登录平台 /account/objections/ 提出，或向市信用办申请。",
        ),
        validity_days=30,
        included=("lists", "grades", "commitments", "objections"),
    )


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    report = content(300)
    render_report(report, number=NUMBER, code=CODE, verify_url=URL)  # warm: fonts, templates
    times = []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        document = render_report(report, number=NUMBER, code=CODE, verify_url=URL)
        times.append(f"{time.perf_counter() - wall:.3f} s ({time.process_time() - cpu:.3f} s CPU)")
    print(f"\nrender 300 records: {'; '.join(times)}")
    return document.content


@pytest.fixture(scope="module")
def empty_pdf() -> bytes:
    return render_report(content(0), number=NUMBER, code=CODE, verify_url=URL).content


def _text(pdf: bytes, tmp_path: Path, *pages: int) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    done = subprocess.run(
        ["pdftotext", "-layout", *span, str(path), "-"], capture_output=True, check=True
    )
    return done.stdout.decode()


def _pngs(pdf: bytes, tmp_path: Path, dpi: int = 40) -> list[Path]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(path), str(tmp_path / "p")], check=True)
    return sorted(tmp_path.glob("p-*.png"))


def _coloured(png: Path) -> int:
    """Pixels with any saturation (anything but black, white or grey)."""
    saturation = Image.open(png).convert("RGB").convert("HSV").getchannel("S")
    return sum(saturation.histogram()[16:])


def test_long_report_text_finds_what_a_reader_looks_for(long_pdf: bytes, tmp_path: Path) -> None:
    text = _text(long_pdf, tmp_path)
    assert NAME in text
    assert PENALTY_NO in text
    assert NUMBER in text
    assert CODE in text
    assert "异议处理中" in text
    assert "失信惩戒" in text


def test_every_page_has_its_number_and_the_report_number(long_pdf: bytes, tmp_path: Path) -> None:
    pages = len(PdfReader(_write(long_pdf, tmp_path)).pages)
    assert pages > 5
    for page in (1, pages // 2, pages):
        text = _text(long_pdf, tmp_path, page)
        assert re.search(rf"第\s*{page}\s*页\s*共\s*{pages}\s*页", text), text[-300:]
        assert NUMBER in text


def test_table_of_contents_gives_the_page_of_each_part(long_pdf: bytes, tmp_path: Path) -> None:
    first = _text(long_pdf, tmp_path, 1)
    found = {}
    for line in first.splitlines():
        match = re.match(r"\s*([一二三四五六七八九十]+、\S+).*?\s(\d+)\s*$", line)
        if match:
            found[match.group(1)] = int(match.group(2))
    assert len(found) >= 8, first
    pages = list(found.values())
    assert pages == sorted(pages) and pages[-1] > 5
    notes = next(title for title in found if title.endswith("报告说明"))
    assert notes in _text(long_pdf, tmp_path, found[notes])
    penalties = next(title for title in found if title.endswith("行政处罚"))
    assert penalties in _text(long_pdf, tmp_path, found[penalties])


def test_empty_report_says_none_for_each_part(empty_pdf: bytes, tmp_path: Path) -> None:
    text = _text(empty_pdf, tmp_path)
    assert NAME in text and NUMBER in text and CODE in text
    # lists, commitments, grades, objections: each says 无; the 4 catalogue items looked at
    # are named together as found empty
    assert len(re.findall(r"^\s*无\s*$", text, re.MULTILINE)) == 4
    assert "以下 4 个信息项经查询，截至数据截止时间无记录" in text
    for name in ("行政许可", "行政处罚", "经营异常名录", "守信激励对象"):
        assert re.search(rf"\d．{name}", text), name
    assert "收录信用记录 0 条" in text
    assert len(PdfReader(_write(empty_pdf, tmp_path)).pages) <= 2


def test_print_version_has_no_colour_and_the_colour_one_has(
    long_pdf: bytes, tmp_path: Path
) -> None:
    report = content(30)
    mono = render_report(report, number=NUMBER, code=CODE, verify_url=URL, monochrome=True)
    (tmp_path / "mono").mkdir()
    (tmp_path / "colour").mkdir()
    assert all(_coloured(png) == 0 for png in _pngs(mono.content, tmp_path / "mono"))
    colour = render_report(report, number=NUMBER, code=CODE, verify_url=URL)
    assert sum(_coloured(png) for png in _pngs(colour.content, tmp_path / "colour")) > 100
    assert _penalty(3).doc_no in _text(mono.content, tmp_path)


def test_metadata_names_the_report_and_its_code(long_pdf: bytes, tmp_path: Path) -> None:
    info = PdfReader(_write(long_pdf, tmp_path)).metadata
    assert info is not None
    assert NUMBER in str(info.title) and "信用报告" in str(info.title)
    assert CODE in str(info.subject) and CODE in str(info.get("/Keywords"))
    assert claimed_code(long_pdf) == CODE
    altered = bytearray(long_pdf)
    altered[len(altered) // 3] ^= 0xFF
    assert claimed_code(bytes(altered)) == CODE
    assert claimed_code(b"%PDF-1.7\n%%EOF\n") is None
    assert claimed_code(b"not a pdf at all") is None


def test_qr_code_encodes_the_verification_url() -> None:
    svg = qr_svg(URL)
    qr = segno.make(URL, error="m", micro=False)
    assert qr.error in ("M", "Q", "H")
    assert _svg_matrix(svg, len(qr.matrix)) == [list(map(bool, row)) for row in qr.matrix]
    assert _svg_matrix(qr_svg(URL + "x"), len(qr.matrix)) != _svg_matrix(svg, len(qr.matrix))


def _svg_matrix(svg: str, size: int, border: int = 4) -> list[list[bool]]:
    """The dark modules of a segno SVG path (horizontal runs: `m` moves, `h` draws)."""
    path = re.search(r' d="([^"]+)"', svg)
    assert path is not None
    cells = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, dx, dy in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path.group(1)):
        if op == "M":
            x, y = float(dx), float(dy)
        elif op == "m":
            x, y = x + float(dx), y + float(dy)
        else:
            for col in range(int(x), int(x + float(dx))):
                cells[int(y) - border][col - border] = True
            x += float(dx)
    return cells


def _write(pdf: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    return path


def test_parts_the_scope_leaves_out_are_not_printed(tmp_path: Path) -> None:
    """A type without lists, grades, commitments or objections prints none of those parts,
    not an empty one that would read as 'nothing found'; the validity date is on the cover."""
    report = dataclasses.replace(content(0), included=())
    text = _text(render_report(report, number=NUMBER, code=CODE, verify_url=URL).content, tmp_path)
    for title in ("名单信息", "信用承诺", "信用评价", "异议处理中的信息"):
        assert title not in text
    assert not re.findall(r"^\s*无\s*$", text, re.MULTILINE)
    assert "建议有效期至" in text and "2026年4月14日" in text
