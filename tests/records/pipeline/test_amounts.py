"""`Record.amount`: derived from the item's amount field as each version lands, refilled
when the policy names the field later."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem, PolicyVersion
from xinyong.core.models import AuditEntry
from xinyong.records.amounts import amount_fields, fill_amounts, follow_policy
from xinyong.records.ingest.storage import Run, store_batch
from xinyong.records.ingest.types import CleanRow
from xinyong.records.ingest.windows import record_amount
from xinyong.records.models import Record, Submission
from xinyong.records.services import process, submit_records

from .helpers import penalty, snapshot, submission, uscc

DECIDED = date(2026, 5, 6)


def land(organisation: Organisation, rows: list[CleanRow], on: Submission | None = None) -> None:
    made = on or submission(organisation, received=DECIDED + timedelta(days=1))
    store_batch(Run.start(made, rerun=False), rows)


def amount(doc_no: str) -> Decimal | None:
    value: Decimal | None = Record.objects.get(doc_no=doc_no).amount
    return value


def test_a_penalty_records_its_fine(department: Organisation) -> None:
    no_fine = penalty(2, subject=2, types=["警告"])
    del no_fine.values["fine_amount"]
    land(department, [penalty(1, fine="1.5"), no_fine, penalty(3, subject=3, fine="0.00015")])
    assert amount("津市监罚〔2026〕1号") == Decimal("1.5")
    assert amount("津市监罚〔2026〕2号") is None  # a warning: no fine, no amount
    assert amount("津市监罚〔2026〕3号") == Decimal("0.0002")  # to the yuan, half up


def test_a_new_version_follows_and_a_resubmission_changes_nothing(
    department: Organisation,
) -> None:
    land(department, [penalty(1, fine="1.5"), penalty(2, subject=2, fine="3")])
    before = Record.objects.get(doc_no="津市监罚〔2026〕2号").updated_at
    land(department, [penalty(1, fine="20"), penalty(2, subject=2, fine="3")])
    assert amount("津市监罚〔2026〕1号") == Decimal("20")
    second = Record.objects.get(doc_no="津市监罚〔2026〕2号")
    assert second.amount == Decimal("3") and second.updated_at == before
    unchanged = snapshot()
    land(department, [penalty(1, fine="20"), penalty(2, subject=2, fine="3")])
    assert snapshot() == unchanged
    dropped = penalty(1, fine="20")
    del dropped.values["fine_amount"]
    land(department, [dropped])
    assert amount("津市监罚〔2026〕1号") is None  # the correction removed the fine


def test_api_records_carry_their_unit(department: Organisation) -> None:
    """The cleaned value is in the field's unit (万元) whatever unit the sender wrote."""
    row: dict[str, object] = {
        "subject_name": "天津市金额测试有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": uscc(77),
        "legal_rep": "张三",
        "doc_no": "津市监罚〔2026〕77号",
        "violation_type": "虚假宣传",
        "facts": "经查，当事人发布虚假广告。",
        "basis": "《中华人民共和国广告法》第五十五条",
        "penalty_types": "罚款",
        "penalty_content": "罚款人民币15000元",
        "fine_amount": "15000元",
        "decision_date": DECIDED.isoformat(),
        "penalty_valid_until": "2027-05-06",
        "authority": department.name,
        "authority_uscc": department.uscc,
        "source_unit": department.name,
        "source_unit_uscc": department.uscc,
    }
    made = submit_records(organisation=department, item_code="XZCF", records=[row])
    assert process(made).accepted == 1
    assert amount("津市监罚〔2026〕77号") == Decimal("1.5")


def test_amounts_out_of_range_are_left_out() -> None:
    assert record_amount(Decimal("999999999999.9999")) == Decimal("999999999999.9999")
    assert record_amount(Decimal("999999999999.99995")) is None  # rounds to 10^12
    assert record_amount(Decimal("1E+15")) is None
    assert record_amount("2.5") == Decimal("2.5") and record_amount("n/a") is None
    assert record_amount(None) is None and record_amount(Decimal("NaN")) is None


def _version_without_amount_field(item: CatalogItem) -> PolicyVersion:
    """The item as it was before the policy named its amount field."""
    current = item.current_version
    content = {k: v for k, v in (current.content or {}).items() if k != "amount_field"}
    return PolicyVersion.objects.create(
        kind=current.kind,
        code=current.code,
        version=current.version + 1,
        content=content,
        content_hash="0" * 64,
        load=current.load,
    )


def test_records_stored_before_the_field_was_named_get_it_from_the_policy(
    department: Organisation,
) -> None:
    xzcf = CatalogItem.objects.select_related("current_version").get(code="XZCF")
    made = submission(department, received=DECIDED + timedelta(days=1))
    Submission.objects.filter(pk=made.pk).update(item_version=_version_without_amount_field(xzcf))
    made.refresh_from_db()
    land(department, [penalty(1, fine="1.5"), penalty(2, subject=2, fine="4")], on=made)
    assert list(Record.objects.values_list("amount", flat=True)) == [None, None]

    before = {**amount_fields(), xzcf.pk: None}  # as if the load had just named it
    assert follow_policy(before) == 2
    assert amount("津市监罚〔2026〕1号") == Decimal("1.5")
    assert amount("津市监罚〔2026〕2号") == Decimal("4")
    entry = AuditEntry.objects.get(action="record.refill_amounts")
    assert entry.object_id == "XZCF" and entry.after == {
        "amount_field": "fine_amount",
        "records_changed": 2,
    }
    assert follow_policy(amount_fields()) == 0  # nothing moved: nothing read or written


@pytest.mark.parametrize("chunk", [1, 1000])
def test_a_refill_in_chunks_sets_and_clears(department: Organisation, chunk: int) -> None:
    land(department, [penalty(n, subject=n, fine=str(n)) for n in range(1, 6)])
    xzcf = CatalogItem.objects.get(code="XZCF").pk
    Record.objects.update(amount=None)
    assert fill_amounts(Record, {xzcf: "fine_amount"}, chunk=chunk) == 5
    assert set(Record.objects.values_list("amount", flat=True)) == {1, 2, 3, 4, 5}
    assert fill_amounts(Record, {xzcf: "fine_amount"}, chunk=chunk) == 0
    assert fill_amounts(Record, {xzcf: None}, chunk=chunk) == 5  # the field was dropped
    assert set(Record.objects.values_list("amount", flat=True)) == {None}
