"""The notice of repair rights (信用修复告知书, 两书同达) for penalties and listings."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.records.test_public_fixtures import days_ago
from tests.repairs.conftest import Office, land_listing, land_penalty, land_wage_arrears
from xinyong.records.models import Record
from xinyong.repairs import services
from xinyong.repairs.services.options import chinese_date

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_penalty_notice_tells_what_how_long_from_when_and_that_repair_is_free(
    fined: Record,
) -> None:
    notice = services.notice_for(fined)
    assert notice.published and notice.repair_now and notice.severity == "一般"
    assert notice.publication_ends == chinese_date(fined.publication_ends)  # type: ignore[arg-type]
    text = pdf_text(services.notice_pdf(fined).content)
    assert "信用修复告知书" in text
    assert fined.subject.name in text and fined.doc_no in text
    assert chinese_date(fined.repair_from) in text  # type: ignore[arg-type]
    assert "不收取任何费用" in text and "罚款" in text


def test_a_listing_notice_names_the_list_and_waits_for_the_shortest_period(
    office: Office,
) -> None:
    listed = land_listing(office.market_org, 41, days_ago(30))
    notice = services.notice_for(listed)
    assert notice.list_name == "市场监督管理严重违法失信名单" and not notice.repair_now
    text = pdf_text(services.notice_pdf(listed).content)
    assert "市场监督管理严重违法失信名单" in text and listed.subject.name in text
    assert "最短公示期满后" in text and listed.doc_no in text


def test_a_warning_alone_is_not_published_but_still_carries_a_notice(office: Office) -> None:
    warned = land_penalty(office.market_org, 42, decided=days_ago(3), types="警告")
    notice = services.notice_for(warned)
    assert not notice.published and notice.repair_now and notice.severity == "轻微"
    assert "不在信用网站公示" in pdf_text(services.notice_pdf(warned).content)


def test_records_that_are_neither_penalties_nor_listings_get_no_notice(office: Office) -> None:
    record = land_wage_arrears(office.hrss_org, 43)
    with pytest.raises(services.RepairError, match=r"repairs\.no_notice"):
        services.notice_for(record)
