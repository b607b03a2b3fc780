"""Batches of reports (批量出具): a list of bidders read and resolved when submitted, the
reports issued by the worker, and a ZIP of PDFs with 清单.csv naming every row that got no
report and why; bad lists refused at once with nothing queued."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.records.face.conftest import run_worker
from tests.records.pipeline.helpers import citizen_id
from tests.records.test_public_fixtures import land, penalty, person
from tests.reports.batch_support import (
    PURPOSE,
    UNKNOWN,
    bidders,
    centre,
    list_file,
    market,
    policy,
    unzip,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.core.models import AuditEntry
from xinyong.core.privacy import mask_id_number
from xinyong.records import events
from xinyong.reports.models import BatchStatus, Report, ReportBatch
from xinyong.reports.services import drawing
from xinyong.reports.services.batches import (
    enqueue,
    process_batch,
    submit_batch,
    zip_file,
)
from xinyong.reports.services.issuing import Draft, open_pdf
from xinyong.reports.services.scope import ReportRefused
from xinyong.reports.services.verification import State, verify_file
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess

__all__ = ["bidders", "centre", "market", "policy", "var_dir"]  # fixtures used by name

pytestmark = pytest.mark.django_db


def _submit(
    centre: Organisation, data: bytes, name: str = "投标人.csv", **changes: Any
) -> ReportBatch:
    values: dict[str, Any] = {
        "created_by": "caigou",
        "type_code": "procurement",
        "purpose": PURPOSE,
        "upload": io.BytesIO(data),
        "file_name": name,
    }
    values.update(changes)
    return submit_batch(centre, **values)


def _zip(batch: ReportBatch) -> bytes:
    path = zip_file(batch)
    assert path is not None
    return path.read_bytes()


def test_a_list_gives_a_zip_of_reports_and_names_the_row_without_one(
    centre: Organisation, bidders: list[Subject], var_dir: Path
) -> None:
    first, second = bidders
    batch = _submit(centre, list_file([first.uscc, UNKNOWN, second.uscc]))
    assert batch.status == BatchStatus.QUEUED and batch.total == 3 and batch.done == 0
    assert [row["subject"] for row in batch.rows] == [first.pk, None, second.pk]
    assert zip_file(batch) is None

    batch = process_batch(batch)
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 3, 1)
    reports = list(Report.objects.filter(batch=batch).order_by("pk"))
    assert [r.subject_id for r in reports] == [first.pk, second.pk]
    assert {r.type_code for r in reports} == {"procurement"}
    assert {r.purpose for r in reports} == {PURPOSE} and {r.organisation_id for r in reports} == {
        centre.pk
    }
    made = unzip(_zip(batch))
    pdfs = [f"{r.number}_{r.subject.uscc}.pdf" for r in reports]
    assert made.names == ["清单.csv", *pdfs]
    for report, name in zip(reports, pdfs, strict=True):
        assert hashlib.sha256(made.files[name]).hexdigest() == report.sha256
        assert made.files[name] == open_pdf(report)
    header, *rows = made.listing
    assert header[:3] == ["行号", "查询内容", "结果"] and header[-1] == "原因"
    assert [row[:3] for row in rows] == [
        ["1", first.uscc, "已出具"],
        ["2", UNKNOWN, "未出具"],
        ["3", second.uscc, "已出具"],
    ]
    assert rows[0][3:8] == [first.name, first.uscc, reports[0].number, reports[0].code, pdfs[0]]
    assert rows[1][-1] == "平台未登记该主体"
    # Each report is a read of its subject's data by the centre, like a single one.
    accesses = SubjectAccess.objects.filter(kind=AccessKind.REPORT, organisation=centre)
    assert sorted(accesses.values_list("subject_id", flat=True)) == [first.pk, second.pk]
    assert AuditEntry.objects.filter(action="report.batch_done", object_id=batch.public_id).exists()


def test_a_subject_listed_twice_gets_one_report(
    centre: Organisation, bidders: list[Subject]
) -> None:
    first, _second = bidders
    batch = process_batch(_submit(centre, list_file([first.uscc, first.name])))
    assert (batch.done, batch.failed) == (2, 0)
    report = Report.objects.get(batch=batch)
    made = unzip(_zip(batch))
    assert len(made.names) == 2
    assert [row[5] for row in made.listing[1:]] == [report.number, report.number]
    assert made.listing[2][-1] == "与第 1 行为同一主体"


def test_a_refused_row_is_listed_with_its_reason_and_the_others_issued(
    centre: Organisation, bidders: list[Subject], market: Organisation
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕40号", person(5))])
    events.process_pending()
    someone = Subject.objects.get(kind="natural_person")
    number = citizen_id(5, born="19850101")
    batch = process_batch(_submit(centre, list_file([someone.public_id, number, bidders[0].uscc])))
    assert (batch.done, batch.failed) == (3, 2)
    rows = unzip(_zip(batch)).listing[1:]
    assert [row[2] for row in rows] == ["未出具", "未出具", "已出具"]
    assert rows[0][-1] == rows[1][-1] == "自然人的信用报告只向本人提供"
    # The ID number is kept and listed masked only, and never names a file.
    assert rows[1][1] == mask_id_number(number) != number
    assert number not in str(batch.rows)
    assert not any(number in name for name in unzip(_zip(batch)).names)


def test_a_batch_killed_midway_keeps_the_reports_it_issued(
    centre: Organisation, bidders: list[Subject]
) -> None:
    batch = process_batch(_submit(centre, list_file([s.uscc for s in bidders])))
    first = set(Report.objects.values_list("number", flat=True))
    ReportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, zip_path="")
    again = process_batch(batch)
    assert again.status == BatchStatus.DONE and (again.done, again.failed) == (2, 0)
    assert set(Report.objects.values_list("number", flat=True)) == first
    assert len(unzip(_zip(again)).names) == 3


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.csv", "file.empty"),
        (list_file([]), "header.csv", "file.no_rows"),
        (list_file([f"天津市某某{n}有限公司" for n in range(501)]), "long.csv", "batch.too_many"),
        (os.urandom(4096), "garbage.csv", None),
        (b"%PDF-1.7\n" + os.urandom(200), "list.xlsx", "file.format"),
    ],
    ids=["empty", "header-only", "too-many", "binary", "pdf"],
)
def test_a_bad_list_is_refused_and_nothing_is_queued(
    centre: Organisation,
    var_dir: Path,
    data: bytes,
    name: str,
    reason: str | None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ReportRefused) as exc:
        _submit(centre, data, name)
    assert reason is None or exc.value.reason == reason
    assert exc.value.message and (reason is not None or exc.value.reason.startswith("file."))
    assert not ReportBatch.objects.exists() and not DBTaskResult.objects.exists()
    assert not any((var_dir / "reports").rglob("*.*"))  # the spooled upload is gone


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"type_code": "nonsense"}, "report.type_unknown"),
        ({"type_code": "financing"}, "report.audience"),
        ({"purpose": ""}, "report.purpose_required"),
        ({"upload": None, "queries": []}, "batch.empty"),
        ({"upload": None, "queries": ["x"] * 501}, "batch.too_many"),
    ],
)
def test_a_request_every_row_would_fail_is_refused_at_once(
    centre: Organisation, changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ReportRefused) as exc:
        _submit(centre, list_file([UNKNOWN]), **changes)
    assert exc.value.reason == reason and not ReportBatch.objects.exists()


def test_an_organisation_that_may_not_request_reports_is_refused(policy: None) -> None:
    peer = Organisation.objects.create(uscc="12120000MB0000001X", name="某省平台", kind="peer")
    with pytest.raises(ReportRefused) as exc:
        _submit(peer, list_file([UNKNOWN]))
    assert exc.value.reason == "report.audience"


def test_the_worker_runs_a_queued_batch(
    centre: Organisation, bidders: list[Subject], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        batch = submit_batch(
            centre, created_by="caigou", type_code="bidding", purpose=PURPOSE,
            queries=[bidders[0].uscc, bidders[1].public_id], monochrome=True,
        )  # fmt: skip
        enqueue(batch)
    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 2, 0)
    assert batch.file_name == "" and all(r.monochrome for r in Report.objects.filter(batch=batch))
    names = unzip(_zip(batch)).names
    assert names[2].endswith(f"_{bidders[1].uscc}.pdf")


def test_the_command_writes_the_zip(
    centre: Organisation, bidders: list[Subject], tmp_path: Path
) -> None:
    source, out = tmp_path / "投标人.csv", tmp_path / "reports.zip"
    source.write_bytes(list_file([bidders[0].uscc, UNKNOWN], encoding="gb18030"))
    stdout = io.StringIO()
    call_command(
        "report", "batch", str(source), "--type", "procurement", "--purpose", PURPOSE,
        "--org", centre.uscc, "--out", str(out), stdout=stdout,
    )  # fmt: skip
    assert "已出具 1 份报告，1 行未能出具" in stdout.getvalue()
    made = unzip(out.read_bytes())
    assert len(made.names) == 2 and made.listing[2][2] == "未出具"
    assert ReportBatch.objects.get().organisation == centre


def test_a_batch_draws_its_pdfs_in_other_processes(
    centre: Organisation,
    bidders: list[Subject],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With drawing processes configured, no PDF is drawn in the worker itself, and the
    result is what drawing them here gives: every PDF matches its signed hash, in row order."""
    settings.XINYONG_REPORT_PROCESSES = 2
    monkeypatch.setattr(drawing, "PARALLEL_FROM", 1)

    def not_here(draft: Draft) -> None:
        raise AssertionError("drawn in the worker")

    monkeypatch.setattr(Draft, "draw", not_here)
    first, second = bidders
    batch = process_batch(_submit(centre, list_file([second.uscc, UNKNOWN, first.uscc])))
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 3, 1)
    made = unzip(_zip(batch))
    reports = {r.subject_id: r for r in Report.objects.filter(batch=batch)}
    assert [row[4] for row in made.listing[1:]] == [second.uscc, "", first.uscc]
    for report in reports.values():
        pdf = made.files[f"{report.number}_{report.subject.uscc}.pdf"]
        assert hashlib.sha256(pdf).hexdigest() == report.sha256
        assert verify_file(pdf).state == State.CURRENT
