"""Shared builders for the issuing and verification tests: a company with one public
penalty landed through the real pipeline, and ways to change its situation afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, market, penalty, policy, var_dir
from xinyong.accounts.models import Organisation
from xinyong.records import events
from xinyong.records.models import Record
from xinyong.reports.models import Report
from xinyong.reports.services.issuing import issue_report, open_pdf
from xinyong.reports.services.scope import Requester
from xinyong.subjects.models import Subject

DOC = "津市监罚〔2026〕21号"
FIXTURES = ("market", "policy", "var_dir")
"""Fixtures a test module must import by name (with `firm`)."""
__all__ = ["market", "policy", "var_dir"]

SECOND_DOC = "津市监罚〔2026〕22号"
NAME = "天津市公示测试1有限公司"
OFFICE_USCC = "11120000MB0010743W"


@pytest.fixture
def firm(market: Organisation) -> Subject:
    """A company with one public penalty, its record events processed."""
    cache.clear()
    land(market, "XZCF", [penalty(DOC, company(1))])
    events.process_pending()
    return Subject.objects.get(uscc=uscc(1))


def public_report(subject: Subject) -> Report:
    return issue_report(subject, "public", Requester.for_public())


def the_record(doc: str = DOC) -> Record:
    return Record.objects.get(doc_no=doc)


def add_penalty(market: Organisation, doc: str = SECOND_DOC) -> None:
    land(market, "XZCF", [penalty(doc, company(1))])
    events.process_pending()


def correct_penalty(market: Organisation) -> None:
    """A new version of the penalty (the department corrects its facts)."""
    land(market, "XZCF", [penalty(DOC, company(1), facts="经复核，当事人发布虚假广告两次。")])
    events.process_pending()


def pdf_of(report: Report, tmp_path: Path) -> Path:
    path = tmp_path / f"{report.number}.pdf"
    path.write_bytes(open_pdf(report))
    return path


def altered(data: bytes) -> bytes:
    """The file with one byte changed in its middle (a content stream, not the metadata)."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
