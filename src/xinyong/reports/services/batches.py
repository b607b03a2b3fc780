"""Reports in bulk (批量出具): an organisation — a procurement or bidding centre — hands in a
list of up to `MAX_ROWS` bidders and receives a ZIP of their reports, issued by the worker.

The list (a CSV, XLSX or XLS file read by the ingestion readers, or a list of codes from the
API) is read and resolved when it is submitted, so a file that cannot be read, is empty or is
too long is refused at once and nothing is queued. Each row is a code (USCC or a legacy
code), a subject's public id, or an organisation's exact name, like a batch comparison's
rows; the query is kept masked and the file itself is not kept.

The worker issues one report per distinct subject as `issue_report` does (draft, draw,
complete), with the organisation as requester, so each report carries the same scope,
access-log entry and audit entry a single one would; the drawing runs in a pool of
processes (`drawing`), as it is most of the cost. A row that gives no report — nobody found,
a name several subjects carry, a refusal of the type for that subject — is listed with its
reason in the ZIP's 清单.csv (UTF-8 with BOM, for Excel); it never holds back the others.
PDFs are named `<report number>_<USCC or public id>.pdf`: never an ID number, even for a
person.

500 rows is the cap: at under a second a report, a batch ends within minutes; the issue's
measure is 200 reports in under a minute (`bench/reports.py`).
"""

from __future__ import annotations

import csv
import io
import logging
import os
import tempfile
import zipfile
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.checks.services.batch import CODE_HEADERS, NAME_HEADERS
from xinyong.consents.permissions import GRANTEE_KINDS
from xinyong.core import audit
from xinyong.core.identifiers import IdKind, check, normalise
from xinyong.core.pdf import PdfDocument
from xinyong.core.privacy import mask_in_text
from xinyong.records.ingest.errorfile import neutralise
from xinyong.records.ingest.limits import DEFAULT_LIMITS
from xinyong.records.ingest.readers import open_table
from xinyong.records.ingest.types import Cell, FileRejected
from xinyong.reports.models import BatchStatus, Report, ReportBatch
from xinyong.reports.services.drawing import drawing
from xinyong.reports.services.issuing import Draft, complete, draft_report, open_pdf
from xinyong.reports.services.scope import (
    GOVERNMENT_KINDS,
    ReportRefused,
    Requester,
    checked_purpose,
    resolve_type,
)
from xinyong.subjects.models import Subject
from xinyong.subjects.services import (
    carries_id_number,
    display_name,
    find_subject,
    find_subjects,
    organisations_named,
)

logger = logging.getLogger(__name__)

MAX_ROWS = 500
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PUBLIC_ID_HEADERS = ("公开编号", "public_id")
LIST_NAME = "清单.csv"
LIST_HEADERS = (
    "行号", "查询内容", "结果", "主体名称", "统一社会信用代码或公开编号", "报告编号", "验证码",
    "文件名", "原因",
)  # fmt: skip
_LIMITS = replace(DEFAULT_LIMITS, file_bytes=MAX_UPLOAD_BYTES)
_COPY_CHUNK = 1 << 16


def requester_for(organisation: Organisation, username: str) -> Requester:
    """The organisation as a report's requester: a government body asks as `government`, a
    bank or credit agency as `authorised` (it then needs each subject's consent); others may
    not request reports about other subjects."""
    if organisation.kind not in GOVERNMENT_KINDS | GRANTEE_KINDS or not organisation.is_active:
        raise ReportRefused("report.audience", _("本机构不能为其他主体申请信用报告"))
    return Requester.for_organisation(organisation, username)


def check_request(type_code: str, requester: Requester, purpose: str) -> str:
    """Refuse at once what every row would be refused for — an unknown type, one the
    requester may not ask for, a missing purpose the type requires; the purpose as
    printed."""
    kind = resolve_type(type_code)
    if requester.audience not in kind.audiences:
        raise ReportRefused(
            "report.audience",
            _("%(type)s不向%(who)s提供") % {"type": kind.name, "who": requester.label},
        )
    return checked_purpose(kind, purpose)


def _is_uscc(value: str) -> bool:
    """Whether `value` is a valid USCC (some are all digits, and look like ID numbers)."""
    return check(normalise(value), IdKind.USCC).valid


def subject_by_code(code: str) -> Subject | None:
    """The subject of one report request: a USCC (or a legacy code) or its public id. A
    citizen ID number is refused (`report.id_number`): a person's report goes to that
    person only, so nobody else has a reason to send one."""
    code = code.strip()
    if carries_id_number(code) and not _is_uscc(code):
        raise ReportRefused(
            "report.id_number", _("请用统一社会信用代码或主体公开编号，不接受公民身份号码")
        )
    return Subject.objects.filter(public_id=code[:22]).first() or find_subject(code)


def directory(batch: ReportBatch) -> Path:
    return Path(settings.XINYONG_VAR_DIR) / "reports" / "batches" / batch.public_id


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _column(headers: Sequence[str]) -> int:
    cleaned = [normalise(h).lower() if h else "" for h in headers]
    for wanted in (*CODE_HEADERS, *PUBLIC_ID_HEADERS, *NAME_HEADERS):
        if wanted.lower() in cleaned:
            return cleaned.index(wanted.lower())
    return 0


def _too_many(count: int) -> ReportRefused:
    return ReportRefused(
        "batch.too_many",
        _("一次最多出具 %(n)d 份报告，本清单有 %(m)d 行以上") % {"n": MAX_ROWS, "m": count},
    )


def read_upload(upload: IO[bytes], file_name: str) -> list[tuple[int, str]]:
    """The (row number, value) pairs of an uploaded list: one column of codes, public ids or
    names, found by its header (else the first column). ReportRefused when the file cannot
    be read, has no data row, or has more than `MAX_ROWS`."""
    suffix = Path(file_name or "list").suffix.lower()[:9]
    spool = Path(settings.XINYONG_VAR_DIR) / "reports" / "uploads"
    spool.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(suffix=suffix, dir=spool)
    path = Path(name)
    try:
        size = 0
        with os.fdopen(handle, "wb") as out:
            while chunk := upload.read(_COPY_CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise ReportRefused(
                        "file.too_large", _("文件过大：最多 %d MB") % (MAX_UPLOAD_BYTES >> 20)
                    )
                out.write(chunk)
        if size == 0:
            raise ReportRefused("file.empty", _("文件是空的"))
        try:
            table = open_table(path, file_name=file_name or path.name, limits=_LIMITS)
            try:
                column = _column(table.headers)
                rows = list(islice(table.rows(), MAX_ROWS + 1))
            finally:
                table.close()
        except FileRejected as exc:
            raise ReportRefused(exc.code, exc.message) from exc
    finally:
        path.unlink(missing_ok=True)
    if not rows:
        raise ReportRefused("file.no_rows", _("文件只有表头，没有数据行"))
    if len(rows) > MAX_ROWS:
        raise _too_many(MAX_ROWS)
    return [
        (row.row_no, _text(row.cells[column]) if column < len(row.cells) else "") for row in rows
    ]


@dataclass(frozen=True)
class _Row:
    row: int
    query: str
    subject: int | None
    reason: str

    def as_data(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "query": self.query,
            "subject": self.subject,
            "reason": self.reason,
        }


def _resolve(queries: Sequence[tuple[int, str]]) -> list[_Row]:
    """Each row's subject, or why there is none (as the batch comparison finds them)."""
    values = [value for _row, value in queries]
    by_code = find_subjects(values)
    rest = [v for v in values if v and normalise(v) not in by_code]
    by_public_id = dict(
        Subject.objects.filter(public_id__in=[v for v in rest if len(v) <= 22]).values_list(
            "public_id", "pk"
        )
    )
    names = organisations_named(v for v in rest if v not in by_public_id)
    rows = []
    for row_no, value in queries:
        shown = (value if _is_uscc(value) else mask_in_text(value))[:100]
        found = by_code.get(normalise(value)) if value else None
        if not value:
            rows.append(_Row(row_no, shown, None, _("空行")))
        elif found is not None:
            rows.append(_Row(row_no, shown, found.pk, ""))
        elif value in by_public_id:
            rows.append(_Row(row_no, shown, by_public_id[value], ""))
        elif names.get(value) is not None:
            rows.append(_Row(row_no, shown, names[value].pk, ""))  # type: ignore[union-attr]
        elif value in names:
            rows.append(_Row(row_no, shown, None, _("名称对应多个主体，请改用统一社会信用代码")))
        else:
            rows.append(_Row(row_no, shown, None, _("平台未登记该主体")))
    return rows


def submit_batch(
    organisation: Organisation,
    *,
    created_by: str,
    type_code: str,
    purpose: str = "",
    monochrome: bool = False,
    queries: Sequence[str] | None = None,
    upload: IO[bytes] | None = None,
    file_name: str = "",
) -> ReportBatch:
    """Read and resolve the list (`queries`, or the `upload`), then create its batch, queued.
    ReportRefused — and nothing stored — when the organisation may not request reports, the
    type is unknown, or the list is empty, too long or unreadable."""
    requester = requester_for(organisation, created_by)
    purpose = check_request(type_code, requester, purpose)
    if upload is not None:
        pairs = read_upload(upload, file_name)
    else:
        values = [str(q).strip() for q in queries or ()]
        if not any(values):
            raise ReportRefused("batch.empty", _("主体清单是空的"))
        if len(values) > MAX_ROWS:
            raise _too_many(len(values))
        pairs = list(enumerate(values, start=1))
    rows = _resolve(pairs)
    name = Path(file_name).name[-100:] if upload is not None else ""
    with transaction.atomic():
        batch = ReportBatch.objects.create(
            organisation=organisation,
            created_by=created_by[:150],
            type_code=type_code,
            purpose=purpose,
            monochrome=monochrome,
            file_name=name,
            rows=[row.as_data() for row in rows],
            total=len(rows),
        )
        audit.record(
            "report.batch_submit",
            "report_batch",
            batch.public_id,
            after={"type": type_code, "rows": len(rows), "file_name": name},
            purpose=purpose,
            organisation_id=organisation.pk,
        )
    return batch


def enqueue(batch: ReportBatch) -> None:
    """Issue the batch's reports in the background once the transaction that made it commits."""
    from xinyong.reports.tasks import issue_batch_task

    pk = batch.pk
    transaction.on_commit(lambda: issue_batch_task.enqueue(pk))


@dataclass(frozen=True)
class _Outcome:
    row: dict[str, Any]
    report: Report | None
    reason: str


def process_batch(batch: ReportBatch) -> ReportBatch:
    """Issue the reports of a queued batch and write its ZIP (a finished batch is left as it
    is). A run that was killed and starts again keeps the reports already issued."""
    batch.refresh_from_db()
    if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        return batch
    requester = requester_for(batch.organisation, batch.created_by)
    issued = {
        r.subject_id: r
        for r in Report.objects.filter(batch=batch).select_related("subject").order_by("pk")
    }
    wanted = {row["subject"] for row in batch.rows if row["subject"] is not None}
    subjects = Subject.objects.in_bulk(sorted(wanted))
    batch.status, batch.done, batch.failed = BatchStatus.RUNNING, 0, 0
    batch.save(update_fields=["status", "done", "failed"])
    try:
        outcomes = _Run(batch, requester, subjects, issued).outcomes()
        path = _write_zip(batch, outcomes)
    except Exception:
        logger.exception("report batch %s failed", batch.public_id)
        batch.status, batch.finished_at = BatchStatus.FAILED, timezone.now()
        batch.error = _("出具过程中发生内部错误，已出具的报告仍然有效；请重新提交或联系平台运维")
        batch.save(update_fields=["status", "finished_at", "error"])
        raise
    batch.zip_path = str(path.relative_to(settings.XINYONG_VAR_DIR))
    batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
    with transaction.atomic():
        batch.save(update_fields=["zip_path", "status", "finished_at"])
        audit.record(
            "report.batch_done", "report_batch", batch.public_id,
            after={"rows": batch.done, "failed": batch.failed},
            organisation_id=batch.organisation_id,
        )  # fmt: skip
    return batch


class _Run:
    """One pass over a batch's rows, in order: each row's report is decided and filled here,
    drawn in the drawing pool (`drawing`), then signed and stored here in row order, so the
    listing and the progress read as the rows do. A subject listed twice gets one report."""

    def __init__(
        self,
        batch: ReportBatch,
        requester: Requester,
        subjects: dict[int, Subject],
        issued: dict[int, Report],
    ) -> None:
        self.batch, self.requester, self.subjects, self.issued = batch, requester, subjects, issued
        self.refused: dict[int, str] = {}
        self.results: list[_Outcome | None] = [None] * len(batch.rows)
        self.repeats: list[tuple[int, int]] = []

    def outcomes(self) -> list[_Outcome]:
        in_flight: deque[tuple[int, Draft, Future[PdfDocument]]] = deque()
        started: set[int] = set()
        with drawing(len(self.batch.rows)) as (draw, window):
            for index, row in enumerate(self.batch.rows):
                subject = self.subjects.get(row["subject"]) if row["subject"] is not None else None
                if subject is None:
                    self._done(index, _Outcome(row, None, row["reason"] or _("平台未登记该主体")))
                elif subject.pk in self.issued:
                    self._done(index, _Outcome(row, self.issued[subject.pk], ""))
                elif subject.pk in started:
                    self.repeats.append((index, subject.pk))
                else:
                    started.add(subject.pk)
                    draft = self._draft(index, row, subject)
                    if draft is not None:
                        in_flight.append((index, draft, draw(draft)))
                while len(in_flight) >= window:
                    self._complete(*in_flight.popleft())
            while in_flight:
                self._complete(*in_flight.popleft())
        for index, subject_pk in self.repeats:
            row = self.batch.rows[index]
            report = self.issued.get(subject_pk)
            self._done(index, _Outcome(row, report, self.refused.get(subject_pk, "")))
        return [outcome for outcome in self.results if outcome is not None]

    def _draft(self, index: int, row: dict[str, Any], subject: Subject) -> Draft | None:
        batch = self.batch
        try:
            draft = draft_report(
                subject, batch.type_code, self.requester,
                purpose=batch.purpose, monochrome=batch.monochrome,
            )  # fmt: skip
        except ReportRefused as exc:
            self.refused[subject.pk] = exc.message
            self._done(index, _Outcome(row, None, exc.message))
            return None
        draft.report.batch = batch
        return draft

    def _complete(self, index: int, draft: Draft, drawn: Future[PdfDocument]) -> None:
        report = complete(draft, drawn.result())
        self.issued[draft.subject.pk] = report
        self._done(index, _Outcome(self.batch.rows[index], report, ""))

    def _done(self, index: int, outcome: _Outcome) -> None:
        batch = self.batch
        self.results[index] = outcome
        batch.done += 1
        batch.failed += outcome.report is None
        ReportBatch.objects.filter(pk=batch.pk).update(done=batch.done, failed=batch.failed)


def pdf_name(report: Report) -> str:
    """`<number>_<USCC or public id>.pdf`: never a person's ID number."""
    subject = report.subject
    return f"{report.number}_{subject.uscc or subject.public_id}.pdf"


def _listing(outcomes: Sequence[_Outcome]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(LIST_HEADERS)
    first_row: dict[int, int] = {}
    for outcome in outcomes:
        row, report = outcome.row, outcome.report
        if report is None:
            line = [row["row"], row["query"], _("未出具"), "", "", "", "", "", outcome.reason]
        else:
            subject = report.subject
            earlier = first_row.setdefault(report.pk, row["row"])
            same = _("与第 %d 行为同一主体") % earlier if earlier != row["row"] else ""
            line = [
                row["row"], row["query"], _("已出具"), display_name(subject),
                subject.uscc or subject.public_id, report.number, report.code,
                pdf_name(report), same,
            ]  # fmt: skip
        writer.writerow([neutralise(str(cell)) for cell in line])
    return buffer.getvalue().encode("utf-8-sig")


def _write_zip(batch: ReportBatch, outcomes: Sequence[_Outcome]) -> Path:
    """The ZIP: 清单.csv first, then each report's PDF once (stored: PDFs are compressed)."""
    target = directory(batch)
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{batch.public_id}.zip"
    partial = path.with_suffix(".part")
    with zipfile.ZipFile(partial, "w") as archive:
        archive.writestr(LIST_NAME, _listing(outcomes), compress_type=zipfile.ZIP_DEFLATED)
        written: set[int] = set()
        for outcome in outcomes:
            report = outcome.report
            if report is None or report.pk in written:
                continue
            written.add(report.pk)
            archive.writestr(pdf_name(report), open_pdf(report), compress_type=zipfile.ZIP_STORED)
    partial.replace(path)
    return path


def zip_file(batch: ReportBatch) -> Path | None:
    """The finished batch's ZIP, or None while it is not ready."""
    if batch.status != BatchStatus.DONE or not batch.zip_path:
        return None
    return Path(settings.XINYONG_VAR_DIR) / batch.zip_path


def zip_download_name(batch: ReportBatch) -> str:
    return f"信用报告-{batch.public_id}.zip"


def progress(batch: ReportBatch) -> float:
    if batch.status == BatchStatus.DONE:
        return 1.0
    return min(batch.done / batch.total, 1.0) if batch.total else 0.0


def status_of(batch: ReportBatch) -> dict[str, object]:
    """What the office page polls and the API answers about progress."""
    return {
        "status": batch.status,
        "status_label": str(BatchStatus(batch.status).label),
        "progress": progress(batch),
        "total": batch.total,
        "done": batch.done,
        "issued": batch.done - batch.failed,
        "failed": batch.failed,
        "error": batch.error or None,
    }
