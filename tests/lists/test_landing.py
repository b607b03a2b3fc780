"""Listings that land through the ingestion pipeline become entries, once each."""

from __future__ import annotations

from typing import Any

import pytest

from tests.lists.conftest import D, Staff, company, decision, notice
from tests.records.pipeline.helpers import citizen_id
from xinyong.accounts.models import Organisation
from xinyong.core.identifiers import make_uscc
from xinyong.core.models import AuditEntry
from xinyong.lists.models import EntryOrigin, EntryState, ListEntry, RemovalKind
from xinyong.lists.services import (
    decide,
    entries_in_force,
    land_records,
    notify,
    withdraw_records,
)
from xinyong.records import events, services
from xinyong.records.models import Record
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db


def _source(org: Organisation) -> dict[str, str]:
    return {"source_unit": org.name, "source_unit_uscc": org.uscc}


def _company(n: int) -> dict[str, str]:
    return {
        "subject_name": f"天津市落地测试{n}有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": make_uscc("9", "1", "120101", f"{n:08d}"),
        "legal_rep": "张三",
    }


def _market_listing(org: Organisation, n: int, **changes: str) -> dict[str, str]:
    return {
        **_company(n),
        "listing_doc_no": f"津市监列〔2026〕{n}号",
        "listing_reason": "提交虚假材料取得许可",
        "listing_basis": "《市场监督管理严重违法失信名单管理办法》第九条",
        "listing_date": "2026-03-02",
        "listing_authority": org.name,
        "listing_authority_uscc": org.uscc,
        **_source(org),
        **changes,
    }


def _land(org: Organisation, item: str, rows: list[dict[str, Any]]) -> None:
    made = services.submit_records(organisation=org, item_code=item, records=rows)
    done = services.process(made)
    assert (done.status, done.rejected) == ("done", 0), list(
        done.rejected_rows.values_list("reasons", flat=True)
    )
    events.process_pending()


def test_a_landed_listing_becomes_an_entry_and_its_removal_removes_it(staff: Staff) -> None:
    market = staff.market_org
    _land(market, "YZSX_SCJG", [_market_listing(market, 1)])
    entry = ListEntry.objects.select_related("list_type", "record").get()
    assert (entry.list_type.code, entry.origin, entry.organisation) == (
        "market_serious_illegal",
        EntryOrigin.RECORD,
        market,
    )
    assert entry.doc_no == "津市监列〔2026〕1号" and entry.record is not None
    assert (entry.decision_date, entry.starts_on, entry.ends_on) == (
        D("2026-03-02"),
        D("2026-03-02"),
        D("2029-03-02"),
    )
    assert entry.facts == "提交虚假材料取得许可" and "C01" in entry.measures
    assert entry.state in (EntryState.DECIDED, EntryState.PUBLISHED)
    found = entries_in_force([entry.subject_id])
    assert [e.public_id for e in found[entry.subject_id]] == [entry.public_id]
    assert list(entry.steps.values_list("kind", flat=True)) == ["landed"]

    # The same file again changes nothing; handling its events again changes nothing.
    _land(market, "YZSX_SCJG", [_market_listing(market, 1)])
    assert land_records(Record.objects.values_list("pk", flat=True)) == 0
    assert ListEntry.objects.count() == 1

    removal = {"removal_date": "2026-09-01", "removal_reason": "提前移出申请获准"}
    _land(market, "YZSX_SCJG", [_market_listing(market, 1, **removal)])
    entry.refresh_from_db()
    assert (entry.state, entry.removal_kind, entry.removed_on) == (
        EntryState.REMOVED,
        RemovalKind.SOURCE,
        D("2026-09-01"),
    )
    assert entry.removal_note == "提前移出申请获准"
    assert entries_in_force([entry.subject_id]) == {}
    assert list(entry.steps.values_list("kind", flat=True)) == ["landed", "removal"]
    actions = AuditEntry.objects.filter(object_id=entry.public_id).values_list("action", flat=True)
    assert list(actions) == ["list_entry.land", "list_entry.land"]


def test_a_corrected_record_corrects_its_entry(staff: Staff) -> None:
    market = staff.market_org
    _land(market, "YZSX_SCJG", [_market_listing(market, 1)])
    _land(market, "YZSX_SCJG", [_market_listing(market, 1, listing_reason="更正后的列入事由")])
    entry = ListEntry.objects.get()
    assert entry.facts == "更正后的列入事由" and entry.state != EntryState.REMOVED
    corrected = entry.steps.get(kind="corrected")
    assert corrected.details == {"facts": "更正后的列入事由"}


def test_a_record_of_a_decision_made_here_links_to_its_entry(staff: Staff) -> None:
    market = staff.market_org
    row = _market_listing(market, 7, listing_doc_no="津市监列〔2026〕1号")
    subject = company(7)
    entry = notify(
        staff.market, subject=subject, list_type="market_serious_illegal", notice=notice()
    )
    entry = decide(staff.market, entry, decision())
    _land(market, "YZSX_SCJG", [row])
    assert Subject.objects.count() == 1  # the record found the subject by its code
    linked = ListEntry.objects.get()
    assert linked.pk == entry.pk and linked.record is not None
    assert linked.origin == EntryOrigin.PROCEDURE and linked.facts == entry.facts
    assert list(linked.steps.values_list("kind", flat=True))[-1] == "linked"


def test_court_lists_land_for_natural_persons_without_their_numbers(staff: Staff) -> None:
    court = Organisation.objects.filter(sector="courts").order_by("pk")[0]
    number = citizen_id(42)
    row = {
        "subject_name": "李四",
        "id_no": number,
        "case_no": "（2026）津01执123号",
        "court": court.name,
        "filing_date": "2026-01-15",
        "basis_doc_no": "（2025）津01民初456号",
        "basis_issuer": court.name,
        "obligation": "偿还借款本金及利息",
        "performance": "全部未履行",
        "conduct": "有履行能力而拒不履行生效法律文书确定义务",
        "published_on": "2026-04-01",
        **_source(court),
    }
    _land(court, "SXBZX", [row])
    entry = ListEntry.objects.select_related("subject", "list_type").get()
    assert entry.list_type.code == "court_dishonest_debtor" and entry.subject.is_person
    assert (entry.starts_on, entry.ends_on) == (D("2026-04-01"), D("2028-04-01"))
    assert entry.reasons == "偿还借款本金及利息"
    stored = [entry.facts, entry.reasons, str(entry.steps.get().details)]
    stored += [str(e.after) for e in AuditEntry.objects.filter(object_type="lists.listentry")]
    assert not any(number in text for text in stored)

    assert withdraw_records([entry.record_id or 0]) == 1
    entry.refresh_from_db()
    assert (entry.state, entry.removal_kind) == (EntryState.REMOVED, RemovalKind.WITHDRAWN)
    assert withdraw_records([entry.record_id or 0]) == 0


def test_an_incentive_listing_lasts_until_its_last_day(staff: Staff) -> None:
    office = Organisation.objects.get(kind="credit_office")
    row = {
        **_company(3),
        "list_name": "2026年度诚信典型",
        "decision_doc_no": "津信用办〔2026〕5号",
        "decision_date": "2026-02-10",
        "decision_authority": office.name,
        "valid_to": "2027-02-09",
        **_source(office),
    }
    _land(office, "SXJL", [row])
    entry = ListEntry.objects.select_related("list_type").get()
    assert entry.list_type.code == "credit_honour" and entry.ends_on == D("2027-02-10")
    assert entry.removal_conditions == ""
    assert {"J14", "J15", "J16", "J17", "J18", "J19"} <= set(entry.measures)
