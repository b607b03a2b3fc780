"""Hand-built rows and submissions for the storage tests, and table snapshots to compare."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem
from xinyong.core.identifiers import business_reg_check_digit, citizen_id_check_char, make_uscc
from xinyong.records.ingest.types import CleanRow, RowError, Value
from xinyong.records.models import Record, RecordVersion, Submission


def uscc(n: int, prefix: str = "91") -> str:
    return make_uscc(prefix[0], prefix[1], "120101", f"{n:08d}")


def business_reg(n: int) -> str:
    first14 = "120101" + f"{n:08d}"
    return first14 + business_reg_check_digit(first14)


def citizen_id(n: int, born: str = "19900307") -> str:
    first17 = "120101" + born + f"{n % 1000:03d}"
    return first17 + citizen_id_check_char(first17)


def aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def submission(
    organisation: Organisation, item_code: str = "XZCF", received: date | None = None
) -> Submission:
    """A submission as `services.submit_*` leaves it (the file is not needed here)."""
    item = CatalogItem.objects.select_related("current_version").get(code=item_code)
    made = Submission.objects.create(
        organisation=organisation,
        item=item,
        item_version=item.current_version,
        channel="file",
        file_name="test.csv",
        status="running",
    )
    if received is not None:
        Submission.objects.filter(pk=made.pk).update(received_at=aware(received))
        made.refresh_from_db()
    return made


def penalty(
    row_no: int,
    *,
    subject: int = 1,
    doc: str | None = None,
    decided: date = date(2026, 5, 6),
    types: list[str] | None = None,
    fine: str = "1.5",
    errors: list[RowError] | None = None,
    **values: Value,
) -> CleanRow:
    """A clean 行政处罚 row about legal person `subject`."""
    base: dict[str, Value] = {
        "subject_name": f"天津市测试{subject}有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": uscc(subject),
        "legal_rep": "张三",
        "legal_rep_id_type": "身份证",
        "legal_rep_id_no": citizen_id(subject),
        "doc_no": doc or f"津市监罚〔2026〕{row_no}号",
        "violation_type": "虚假宣传",
        "facts": "经查，当事人发布虚假广告。",
        "basis": "《中华人民共和国广告法》第五十五条",
        "penalty_types": types or ["罚款"],
        "penalty_content": "罚款人民币15000元",
        "fine_amount": Decimal(fine),
        "decision_date": decided,
        "penalty_valid_until": date(2027, 5, 6),
        "authority": "天津市市场监督管理委员会",
        "authority_uscc": uscc(900, "11"),
        "source_unit": "天津市市场监督管理委员会",
        "source_unit_uscc": uscc(900, "11"),
    }
    base.update(values)
    return CleanRow(row_no, base, {"序号": str(row_no)}, "legal_person", list(errors or []))


def person_penalty(row_no: int, *, person: int) -> CleanRow:
    """A clean 行政处罚 row about natural person `person`."""
    row = penalty(row_no)
    for key in ("uscc", "legal_rep", "legal_rep_id_type", "legal_rep_id_no"):
        row.values.pop(key, None)
    row.values.update(
        subject_name="李四",
        subject_category="自然人",
        id_type="身份证",
        id_no=citizen_id(person, born="19850101"),
    )
    row.subject_type = "natural_person"
    return row


def snapshot() -> dict[str, Any]:
    """Records and versions as comparable data (ids left out)."""
    records = sorted(
        Record.objects.values_list(
            "natural_key", "doc_no", "version_count", "severity", "amount", "published",
            "publication_ends", "repair_from", "timeliness_days", "late",
            "current_version__content_hash",
        )
    )  # fmt: skip
    versions = sorted(
        RecordVersion.objects.values_list(
            "record__natural_key", "version", "row_no", "content_hash", "submission_id"
        )
    )
    return {"records": records, "versions": versions}
