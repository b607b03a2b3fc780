"""Batch comparison (批量比对): a file of up to 100,000 codes or names checked for one
scenario, run as a background job, answered by a result file and a signed receipt of it.

Each row that finds a subject is a check like a single one — a `Check` row (with the batch,
the row number and the same answer a single check gives, unsigned: the batch's receipt signs
the result file) and an entry of the subject's access log — but computed set by set:
subjects resolved, entries read and checks written per chunk of rows, so 100,000 rows cost a
few hundred queries, not a million. The receipt signs the result file's SHA-256 with the
policy and the moment it was computed from. Every row is answered as of the moment the batch
first started: a run that was killed and starts again rewrites the whole result file with
the same answers, and records checks only for the rows the killed run had not committed.

The file is read by the ingestion readers (CSV in UTF-8 or GB18030, XLSX, XLS), with their
limits. The column is found by its header (codes: 统一社会信用代码, 代码 …; names: 名称,
企业名称 …), else the first column is used. A value that is a valid code is looked up as a
code; anything else as an organisation's exact (current or former) name — persons are never
found by name. A name that fits several subjects is reported, not guessed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.services import PolicyLookupError
from xinyong.catalog.services.measures import MeasurePolicy, measure_policy
from xinyong.checks.models import BatchCheck, BatchStatus, Check
from xinyong.checks.services.errors import CheckError
from xinyong.checks.services.running import Checker, answer, deciders_of, feedback_due_after
from xinyong.core import audit, bulk
from xinyong.core.identifiers import normalise
from xinyong.core.privacy import mask_in_text
from xinyong.core.signing import sign
from xinyong.lists.services import EntryInForce, entries_in_force
from xinyong.records.ingest.errorfile import neutralise
from xinyong.records.ingest.readers import MAX_FILE_BYTES, open_table
from xinyong.records.ingest.types import Cell, FileRejected, SourceRow, Table
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess
from xinyong.subjects.services import (
    display_name,
    find_subjects,
    organisations_named,
    record_accesses,
)

logger = logging.getLogger(__name__)

MAX_ROWS = 100_000
CHUNK = 5_000
RECEIPT_TYPE = "xinyong.check-batch/1"
CODE_HEADERS = ("统一社会信用代码", "信用代码", "主体代码", "代码", "证件号码", "code", "uscc")
NAME_HEADERS = ("主体名称", "企业名称", "单位名称", "名称", "name")
RESULT_HEADERS = (
    "行号", "查询内容", "比对结果", "主体名称", "统一社会信用代码", "名单", "措施", "核查编号",
)  # fmt: skip
_COPY_CHUNK = 1 << 16


def _directory(batch: BatchCheck) -> Path:
    return Path(settings.XINYONG_VAR_DIR) / "checks" / batch.public_id


def submit_batch(
    organisation: Organisation,
    *,
    upload: IO[bytes],
    file_name: str,
    scenario: str,
    matter: str,
    created_by: str,
) -> BatchCheck:
    """Store the uploaded file and create its batch (queued); CheckError when the scenario
    is unknown, the matter missing, or the file empty or too large."""
    matter = matter.strip()
    if not matter:
        raise CheckError(
            "check.matter_required", _("请说明办理的业务事项（matter），如事项名称和文号")
        )
    try:
        measure_policy().scenario(scenario)
    except PolicyLookupError as exc:
        raise CheckError(exc.reason, exc.message) from exc
    name = re.sub(r"[^\w.\-]", "_", Path(file_name or "batch").name)[-100:] or "batch"
    batch = BatchCheck(
        organisation=organisation,
        created_by=created_by[:150],
        scenario=scenario,
        matter=mask_in_text(matter)[:200],
        file_name=name,
    )
    directory = _directory(batch)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"upload{Path(name).suffix.lower()[:9]}"
    size = 0
    with target.open("wb") as out:
        while chunk := upload.read(_COPY_CHUNK):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                out.close()
                target.unlink()
                raise CheckError(
                    "file.too_large", _("文件过大：最多 %d MB") % (MAX_FILE_BYTES >> 20)
                )
            out.write(chunk)
    if size == 0:
        target.unlink()
        raise CheckError("file.empty", _("文件是空的"))
    batch.stored_path = str(target.relative_to(settings.XINYONG_VAR_DIR))
    with transaction.atomic():
        batch.save(force_insert=True)
        audit.record(
            "check.batch_submit",
            "check_batch",
            batch.public_id,
            after={"scenario": scenario, "file_name": name, "bytes": size},
            organisation_id=organisation.pk,
        )
    return batch


def enqueue(batch: BatchCheck) -> None:
    """Run the batch in the background once the transaction that made it commits."""
    from xinyong.checks.tasks import process_batch_task

    pk = batch.pk
    transaction.on_commit(lambda: process_batch_task.enqueue(pk))


def _column(headers: Sequence[str]) -> int:
    cleaned = [normalise(h).lower() if h else "" for h in headers]
    for wanted in (*CODE_HEADERS, *NAME_HEADERS):
        if wanted.lower() in cleaned:
            return cleaned.index(wanted.lower())
    return 0


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


@dataclass(frozen=True)
class _Resolved:
    subject: Subject | None
    outcome: str


def _resolve(values: list[str]) -> list[_Resolved]:
    by_code = find_subjects(values)
    names = organisations_named(v for v in values if normalise(v) not in by_code)
    resolved = []
    for value in values:
        subject = by_code.get(normalise(value))
        if not value:
            resolved.append(_Resolved(None, _("空行")))
        elif subject is not None:
            resolved.append(_Resolved(subject, ""))
        elif len(names.get(value, [])) == 1:
            resolved.append(_Resolved(names[value][0], ""))
        elif value in names:
            resolved.append(_Resolved(None, _("名称对应多个主体，请改用统一社会信用代码")))
        else:
            resolved.append(_Resolved(None, _("平台未登记该主体（不表示无失信记录）")))
    return resolved


class _Run:
    """One pass over a batch's file: resolve, check, write, count."""

    def __init__(self, batch: BatchCheck, policy: MeasurePolicy, now: datetime) -> None:
        self.batch = batch
        self.policy = policy
        self.now = now
        self.scenario = policy.scenario(batch.scenario)
        self.checker = Checker.of(batch.organisation)
        # Translated once per run, not once per row.
        self.words = {
            "basis": _("联合奖惩核查（批量比对）"),
            "hit": _("命中"),
            "clean": _("未命中"),
        }
        self.due = feedback_due_after(timezone.localdate(now))

    def chunk(self, rows: list[SourceRow], column: int, writer: csv.writer) -> None:  # type: ignore[valid-type]
        values = [_text(row.cells[column]) if column < len(row.cells) else "" for row in rows]
        resolved = _resolve(values)
        ids = sorted({r.subject.pk for r in resolved if r.subject is not None})
        entries = entries_in_force(ids, self.now)
        self.deciders = deciders_of([e for held in entries.values() for e in held])
        self.recorded = dict(
            Check.objects.filter(
                batch=self.batch, batch_row__in=[row.row_no for row in rows]
            ).values_list("batch_row", "public_id")
        )
        checks: list[Check] = []
        accesses: list[SubjectAccess] = []
        for row, value, found in zip(rows, values, resolved, strict=True):
            line = self._line(row, value, found, entries, checks, accesses)
            writer.writerow([neutralise(cell) for cell in line])  # type: ignore[attr-defined]
        with transaction.atomic():
            bulk.insert(Check, CHECK_COLUMNS, [_check_row(c) for c in checks])
            record_accesses(accesses)
            BatchCheck.objects.filter(pk=self.batch.pk).update(
                rows_done=self.batch.rows_done, hits=self.batch.hits, unknown=self.batch.unknown
            )

    def _line(
        self,
        row: SourceRow,
        value: str,
        found: _Resolved,
        entries: dict[int, list[EntryInForce]],
        checks: list[Check],
        accesses: list[SubjectAccess],
    ) -> list[str]:
        batch = self.batch
        batch.rows_done += 1
        shown = mask_in_text(value)[:100]
        subject = found.subject
        if subject is None:
            batch.unknown += int(bool(value))
            return [str(row.row_no), shown, found.outcome, "", "", "", "", ""]
        check, payload = answer(
            checker=self.checker,
            actor_label=batch.created_by,
            subject=subject,
            query_shown=shown,
            scenario=self.scenario,
            matter=batch.matter,
            as_of=self.now,
            now=self.now,
            entries=entries.get(subject.pk, []),
            policy=self.policy,
            deciders=self.deciders,
        )
        if row.row_no in self.recorded:  # committed by an earlier, killed run
            check.public_id = payload["check_id"] = self.recorded[row.row_no]
        check.receipt = {"payload": payload, "batch": batch.public_id, "row": row.row_no}
        check.feedback_due = self.due if check.hit_count else None
        check.batch, check.batch_row = batch, row.row_no
        access = SubjectAccess(
            subject=subject,
            accessed_at=self.now,
            kind=AccessKind.CHECK,
            organisation_id=batch.organisation_id,
            purpose=f"{self.scenario.name}：{batch.matter}"[:200],
            legal_basis=self.words["basis"],
            reference=check.public_id,
        )
        batch.hits += int(bool(check.hit_count))
        if row.row_no not in self.recorded:
            checks.append(check)
            accesses.append(access)
        lists = "；".join(
            f"{e['list_name']}（{e['decided_by']} {e['decision_no']}）" for e in payload["entries"]
        )
        measure_text = "；".join(f"{m['code']} {m['text']}" for m in payload["measures"])
        return [
            str(row.row_no),
            shown,
            self.words["hit" if check.hit_count else "clean"],
            display_name(subject),
            subject.uscc,
            lists,
            measure_text,
            check.public_id,
        ]


CHECK_COLUMNS = (
    "public_id", "organisation_id", "actor_label", "subject_id", "query_shown", "scenario",
    "matter", "as_of", "checked_at", "hit_count", "measure_count", "policy_version",
    "list_state", "receipt", "feedback_due", "batch_id", "batch_row",
)  # fmt: skip


def _check_row(check: Check) -> list[object]:
    """A batch row's check in `CHECK_COLUMNS` order (the receipt as JSON text)."""
    values = [getattr(check, column) for column in CHECK_COLUMNS]
    values[CHECK_COLUMNS.index("receipt")] = json.dumps(check.receipt, ensure_ascii=False)
    return values


def _rows(table: Table) -> Iterator[list[SourceRow]]:
    rows = table.rows()
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def _fail(batch: BatchCheck, code: str, message: str) -> None:
    batch.status = BatchStatus.FAILED
    batch.error_message = message[:500]
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "error_message", "finished_at"])
    audit.record(
        "check.batch_fail", "check_batch", batch.public_id, after={"error": code},
        organisation_id=batch.organisation_id,
    )  # fmt: skip


def process_batch(batch: BatchCheck) -> BatchCheck:
    """Run a queued batch to its end (a finished one is left as it is)."""
    batch.refresh_from_db()
    if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        return batch
    if batch.as_of is None:
        batch.as_of = timezone.now()
        batch.save(update_fields=["as_of"])
    now = batch.as_of
    directory = _directory(batch)
    try:
        table = open_table(
            Path(settings.XINYONG_VAR_DIR) / batch.stored_path, file_name=batch.file_name
        )
    except FileRejected as exc:
        _fail(batch, exc.code, exc.message)
        return batch
    try:
        total = sum(1 for _row in table.rows())
        if total == 0:
            raise FileRejected("file.no_rows", _("文件只有表头，没有数据行"))
        if total > MAX_ROWS:
            raise FileRejected(
                "batch.too_many",
                _("一次最多比对 %(n)d 行，本文件有 %(m)d 行") % {"n": MAX_ROWS, "m": total},
            )
        policy = measure_policy(now)
        batch.status, batch.rows_total = BatchStatus.RUNNING, total
        batch.rows_done = batch.hits = batch.unknown = 0
        batch.save(update_fields=["status", "rows_total", "rows_done", "hits", "unknown"])
        run = _Run(batch, policy, now)
        column = _column(table.headers)
        result = directory / "result.csv"
        with result.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(RESULT_HEADERS)
            for rows in _rows(table):
                run.chunk(rows, column, writer)
    except FileRejected as exc:
        _fail(batch, exc.code, exc.message)
        return batch
    finally:
        table.close()
    digest = hashlib.sha256(result.read_bytes()).hexdigest()
    batch.receipt = sign(
        {
            "type": RECEIPT_TYPE,
            "batch": batch.public_id,
            "checked_at": timezone.localtime(now).isoformat(timespec="seconds"),
            "checker": {"uscc": batch.organisation.uscc, "name": batch.organisation.name},
            "scenario": {"code": run.scenario.code, "name": run.scenario.name},
            "matter": batch.matter,
            "rows": batch.rows_done,
            "hits": batch.hits,
            "unknown": batch.unknown,
            "result_file": {"name": "result.csv", "sha256": digest},
            "policy": {"version": policy.state.version, "fingerprint": policy.state.fingerprint},
        }
    )
    batch.result_path = str(result.relative_to(settings.XINYONG_VAR_DIR))
    batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
    with transaction.atomic():
        batch.save(update_fields=["receipt", "result_path", "status", "finished_at"])
        audit.record(
            "check.batch_done", "check_batch", batch.public_id,
            after={"rows": batch.rows_done, "hits": batch.hits, "unknown": batch.unknown},
            organisation_id=batch.organisation_id,
        )  # fmt: skip
    return batch
