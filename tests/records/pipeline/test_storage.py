"""Landing hand-built clean rows: versions, idempotency, windows, timeliness, rejections."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinyong.accounts.models import Organisation
from xinyong.core import calendar
from xinyong.core.models import AuditEntry
from xinyong.core.privacy import mask_id_number
from xinyong.records.ingest.storage import Counters, Run, store_batch
from xinyong.records.ingest.types import CleanRow, RowError
from xinyong.records.models import (
    Record,
    RecordEvent,
    RecordVersion,
    RejectedRow,
    Submission,
)
from xinyong.subjects.models import Subject

from .helpers import business_reg, citizen_id, penalty, person_penalty, snapshot, submission

DECIDED = date(2026, 5, 6)


def land(
    organisation: Organisation,
    rows: list[CleanRow],
    *,
    received: date | None = None,
    rerun: bool = False,
    on: Submission | None = None,
) -> tuple[Submission, Counters]:
    made = on or submission(organisation, received=received or DECIDED + timedelta(days=1))
    run = Run.start(made, rerun=rerun)
    counters = Counters()
    for start in range(0, len(rows), 50):
        counters = store_batch(run, rows[start : start + 50])
    return made, counters


def test_new_rows_make_records_versions_events_and_audit(department: Organisation) -> None:
    audit_before = AuditEntry.objects.count()
    made, counters = land(department, [penalty(n, subject=n) for n in range(1, 121)])
    assert counters == Counters(
        rows_done=120, accepted=120, rejected=0, unchanged=0, new_records=120, new_versions=0
    )
    assert Record.objects.count() == 120
    assert RecordVersion.objects.filter(submission=made, version=1).count() == 120
    assert RecordEvent.objects.filter(kind="record.created").count() == 120
    # One entry per batch of 50 rows, naming each version it wrote.
    entries = AuditEntry.objects.filter(action="record.store_batch").order_by("seq")
    logged = [tuple(v) for e in entries for v in (e.after or {})["versions"]]
    written = RecordVersion.objects.values_list("record", "version", "row_no", "content_hash")
    assert len(entries) == 3 and sorted(logged) == sorted(written)
    assert AuditEntry.objects.count() > audit_before + 120  # subjects were created too
    record = Record.objects.select_related("current_version").get(doc_no="津市监罚〔2026〕7号")
    assert record.current_version is not None and record.current_version.row_no == 7
    assert record.version_count == 1
    stored = Submission.objects.get(pk=made.pk)
    assert (stored.rows_done, stored.accepted, stored.new_records) == (120, 120, 120)


def test_the_same_rows_again_change_nothing(department: Organisation) -> None:
    rows = [penalty(n, subject=n) for n in range(1, 61)]
    land(department, rows)
    before = snapshot()
    events = RecordEvent.objects.count()
    _, counters = land(department, [penalty(n, subject=n) for n in range(1, 61)])
    assert counters.unchanged == 60 and counters.new_records == counters.new_versions == 0
    assert snapshot() == before
    assert RecordEvent.objects.count() == events


def test_a_changed_row_makes_a_new_version_and_keeps_the_old(department: Organisation) -> None:
    land(department, [penalty(1), penalty(2, subject=2)])
    record = Record.objects.get(doc_no="津市监罚〔2026〕1号")
    old_hash = record.current_version.content_hash  # type: ignore[union-attr]
    _, counters = land(
        department,
        [penalty(1, types=["罚款", "吊销许可证件"]), penalty(2, subject=2)],
    )
    assert (counters.new_versions, counters.unchanged, counters.new_records) == (1, 1, 0)
    record.refresh_from_db()
    versions = list(record.versions.order_by("version").values_list("version", "content_hash"))
    assert [v for v, _ in versions] == [1, 2]
    assert versions[0][1] == old_hash != versions[1][1]
    assert record.version_count == 2
    assert record.current_version.version == 2  # type: ignore[union-attr]
    assert record.severity == "serious" and record.publication_ends == date(2029, 5, 6)
    assert RecordEvent.objects.filter(kind="record.versioned", record=record).count() == 1


def test_a_doc_number_spelled_differently_is_the_same_record(department: Organisation) -> None:
    land(department, [penalty(1, doc="津市监罚〔2026〕1号")])
    _, counters = land(department, [penalty(1, doc="津市监罚(2026) 1号")])
    assert Record.objects.count() == 1
    assert counters.new_versions == 1  # the spelling is content; the record is the same


@pytest.mark.parametrize(
    ("types", "declared", "severity", "published", "ends", "repair"),
    [
        (["罚款"], None, "general", True, date(2027, 5, 6), date(2026, 8, 6)),
        (["警告"], None, "minor", False, date(2026, 8, 6), DECIDED),
        (["罚款", "吊销许可证件"], None, "serious", True, date(2029, 5, 6), date(2027, 5, 6)),
        (["罚款"], "严重", "serious", True, date(2029, 5, 6), date(2027, 5, 6)),
    ],
)
def test_publication_window_by_severity(
    department: Organisation,
    types: list[str],
    declared: str | None,
    severity: str,
    published: bool,
    ends: date,
    repair: date,
) -> None:
    row = penalty(1, types=types)
    if declared:
        row.values["severity_declared"] = declared
    land(department, [row])
    record = Record.objects.get()
    assert (record.severity, record.published) == (severity, published)
    assert (record.publication_ends, record.repair_from) == (ends, repair)


def test_penalties_before_2023_use_the_rule_of_their_time(department: Organisation) -> None:
    land(department, [penalty(1, decided=date(2021, 3, 10), types=["罚款", "吊销许可证件"])])
    record = Record.objects.get()
    # 发改办财金〔2019〕527号: serious cases may apply for repair after 6 months.
    assert record.repair_from == date(2021, 9, 10)
    assert record.publication_ends == date(2024, 3, 10)


@pytest.mark.parametrize(("working_days", "late"), [(7, False), (9, True)])
def test_timeliness_counts_working_days_to_receipt(
    department: Organisation, working_days: int, late: bool
) -> None:
    received = calendar.add_working_days(DECIDED, working_days)
    _made, counters = land(department, [penalty(1)], received=received)
    record = Record.objects.get()
    assert record.timeliness_days == working_days
    assert record.late is late and record.timeliness_provisional is False
    assert counters.late == int(late)


def test_a_correction_keeps_the_timeliness_of_the_first_receipt(department: Organisation) -> None:
    land(department, [penalty(1)], received=calendar.add_working_days(DECIDED, 2))
    land(department, [penalty(1, fine="2")], received=calendar.add_working_days(DECIDED, 30))
    record = Record.objects.get()
    assert (record.version_count, record.timeliness_days, record.late) == (2, 2, False)


def test_rows_with_errors_are_rejected_with_their_reasons(department: Organisation) -> None:
    bad = RowError("decision_date", "date.future", "“处罚决定日期”晚于今天")
    made, counters = land(department, [penalty(1), penalty(2, errors=[bad]), penalty(3)])
    assert (counters.accepted, counters.rejected, counters.rows_done) == (2, 1, 3)
    rejected = RejectedRow.objects.get(submission=made)
    assert rejected.row_no == 2
    assert rejected.reasons == [
        {"field": "decision_date", "code": "date.future", "message": "“处罚决定日期”晚于今天"}
    ]


def test_a_conflicting_identifier_is_rejected_with_the_conflict_explained(
    department: Organisation,
) -> None:
    land(
        department, [penalty(1, subject=1), penalty(2, subject=2, business_reg_no=business_reg(2))]
    )
    # Subject 2's registration number beside subject 1's USCC: two subjects, never merged.
    row = penalty(3, subject=1, business_reg_no=business_reg(2))
    made, counters = land(department, [row])
    assert counters.rejected == 1 and counters.accepted == 0
    reason = RejectedRow.objects.get(submission=made).reasons[0]
    assert reason["code"] == "subject.identifiers_disagree"
    assert "未合并" in reason["message"] and "指向主体" in reason["message"]
    assert Subject.objects.count() == 2


def test_a_key_repeated_in_one_file_with_other_content_is_rejected(
    department: Organisation,
) -> None:
    rows = [penalty(1), penalty(2, subject=2), penalty(3, doc="津市监罚〔2026〕1号", fine="9")]
    rows.append(penalty(4, doc="津市监罚〔2026〕2号", subject=2))  # an exact repeat: harmless
    made, counters = land(department, rows)
    assert (counters.new_records, counters.unchanged, counters.rejected) == (2, 1, 1)
    assert RejectedRow.objects.get(submission=made).reasons[0]["code"] == "row.duplicate_key"
    # The same file again changes nothing and says the same.
    before = snapshot()
    _again, counters = land(department, rows)
    assert snapshot() == before
    assert (counters.unchanged, counters.rejected) == (3, 1)


def test_a_repeat_across_batches_is_caught(department: Organisation) -> None:
    rows = [penalty(n, subject=n) for n in range(1, 80)]
    rows.append(penalty(80, subject=3, doc="津市监罚〔2026〕3号", fine="7"))
    land(department, rows)
    before = snapshot()
    _, counters = land(department, rows)
    assert snapshot() == before and counters.rejected == 1


def test_running_a_submission_again_converges(department: Organisation) -> None:
    rows = [penalty(n, subject=n) for n in range(1, 101)]
    rows[10] = penalty(11, subject=11, errors=[RowError("x", "bad", "坏")])
    made, _first = land(department, rows[:60])  # the run stopped after these batches
    before_events = RecordEvent.objects.count()
    _, again = land(department, rows, on=made, rerun=True)
    clean_rows = [penalty(n, subject=n + 500, doc=f"X{n}") for n in range(1, 101)]
    clean_rows[10] = penalty(11, subject=511, doc="X11", errors=[RowError("x", "bad", "坏")])
    _, clean = land(department, clean_rows)
    assert again == clean == Counters(100, 99, 1, 0, 99, 0, 0)
    assert RecordVersion.objects.filter(submission=made).count() == 99
    assert RejectedRow.objects.filter(submission=made).count() == 1
    assert RecordEvent.objects.count() == before_events + 40 + 99
    stored = Submission.objects.get(pk=made.pk)
    assert (stored.accepted, stored.rejected, stored.new_records) == (99, 1, 99)


def test_personal_identifiers_are_never_stored_in_clear(department: Organisation) -> None:
    unknown_column = penalty(3, subject=6)
    unknown_column.extra["代码_5"] = citizen_id(9)  # an old template's column nobody mapped
    land(department, [penalty(1, subject=5), person_penalty(2, person=7), unknown_column])
    version = RecordVersion.objects.get(row_no=1)
    rep = version.data["legal_rep_id_no"]
    assert set(rep) == {"masked", "hash", "enc"}
    assert rep["masked"] == mask_id_number(citizen_id(5))
    assert RecordVersion.objects.get(row_no=3).extra["代码_5"] == mask_id_number(citizen_id(9))
    clear = [citizen_id(5), citizen_id(7, born="19850101"), citizen_id(9)]
    with connection.cursor() as cursor:
        for model in (Record, RecordVersion, RejectedRow, RecordEvent, AuditEntry, Subject):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            dump = repr(cursor.fetchall())
            for number in clear:
                assert number not in dump, model.__name__


def test_queries_per_batch_do_not_grow_with_the_batch(department: Organisation) -> None:
    def queries(rows: list[CleanRow]) -> int:
        made = submission(department, received=DECIDED + timedelta(days=1))
        run = Run.start(made, rerun=False)
        with CaptureQueriesContext(connection) as captured:
            store_batch(run, rows)
        return len(captured)

    small = queries([penalty(n, subject=n) for n in range(1, 11)])
    large = queries([penalty(n, subject=n) for n in range(11, 411)])
    # No query per row: only the bulk inserts of other apps (subjects, audit) split into
    # chunks of at most 999 parameters on SQLite, so 400 rows add a few dozen at most.
    assert large < small + 40, (small, large)
    unchanged = queries([penalty(n, subject=n) for n in range(11, 411)])
    assert unchanged <= small, (small, unchanged)
