"""Batch comparison (批量比对): a file of up to 100,000 codes or names checked for one
scenario, run as a background job, answered by a result file and a signed receipt of it.

Each row that finds a subject is a check like a single one — a `Check` row (with the batch,
the row number and the same answer a single check gives, unsigned: the batch's receipt signs
the result file) and an entry of the subject's access log — but computed set by set, per
chunk of rows: subjects resolved, entries in force read, and checks and access-log entries
written (COPY on PostgreSQL) in a few queries each, so 100,000 rows cost a few hundred
queries, not a million. What subjects with the same entries in force are told (for most:
none) is computed once, and each row's receipt is written as JSON from the parts it shares
with the others. A run logs its time per phase. The receipt signs the result file's SHA-256
with the policy and the moment it was computed from. Every row is answered as of the moment
the batch first started: a run that was killed and starts again rewrites the whole result
file with the same answers, and records checks only for the rows the killed run had not
committed.

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
import time
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
from xinyong.checks.models import BatchCheck, BatchStatus, Check, new_check_id
from xinyong.checks.services.errors import CheckError
from xinyong.checks.services.running import (
    Checker,
    Findings,
    Measures,
    feedback_due_after,
    findings,
    listed_types,
    measures_in,
    payload,
    shown_moment,
    subject_block,
)
from xinyong.core import audit, bulk
from xinyong.core.identifiers import normalise
from xinyong.core.privacy import mask_in_text
from xinyong.core.signing import sign
from xinyong.lists.services import EntryInForce, entries_in_force
from xinyong.records.ingest.errorfile import neutralise
from xinyong.records.ingest.readers import MAX_FILE_BYTES, open_table
from xinyong.records.ingest.types import Cell, FileRejected, SourceRow, Table
from xinyong.subjects.models import AccessKind, Subject
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
        elif names.get(value) is not None:
            resolved.append(_Resolved(names[value], ""))
        elif value in names:
            resolved.append(_Resolved(None, _("名称对应多个主体，请改用统一社会信用代码")))
        else:
            resolved.append(_Resolved(None, _("平台未登记该主体（不表示无失信记录）")))
    return resolved


@dataclass(frozen=True)
class _Answer:
    """What subjects with the same entries in force are told: the findings, the result
    file's lists and measures columns, and the receipt's payload as JSON text by field:
    (None, `"name": value`), or for the fields of each row (`ROW_FIELDS`) (name, `"name": `)."""

    found: Findings
    lists: str
    measures: str
    fields: tuple[tuple[str | None, str], ...]


ROW_FIELDS = ("check_id", "query", "subject")
_json = json.JSONEncoder(ensure_ascii=False).encode
"""`json.dumps(value, ensure_ascii=False)`, without building an encoder at each call."""


CHECK_COLUMNS = (
    "public_id", "organisation_id", "actor_label", "subject_id", "query_shown", "scenario",
    "matter", "as_of", "checked_at", "hit_count", "measure_count", "policy_version",
    "list_state", "receipt", "feedback_due", "batch_id", "batch_row",
)  # fmt: skip
PHASES = ("resolve", "entries", "answer", "write")


class _Run:
    """One pass over a batch's file: resolve, check, write, count — set by set per chunk
    (see the module doc); answers computed once per distinct entries in force."""

    def __init__(self, batch: BatchCheck, policy: MeasurePolicy, now: datetime) -> None:
        self.batch = batch
        self.policy = policy
        self.now = now
        self.scenario = policy.scenario(batch.scenario)
        self.checker = Checker.of(batch.organisation)
        self.moments = (shown_moment(now), shown_moment(now))
        self.batch_id = _json(batch.public_id)
        # Translated once per run, not once per row.
        self.words = {
            "basis": _("联合奖惩核查（批量比对）"),
            "hit": _("命中"),
            "clean": _("未命中"),
        }
        self.purpose = f"{self.scenario.name}：{batch.matter}"[:200]
        self.due = feedback_due_after(timezone.localdate(now))
        self.measures: dict[frozenset[str], Measures] = {}
        self.answers: dict[tuple[EntryInForce, ...], _Answer] = {}
        self.seconds = dict.fromkeys(PHASES, 0.0)

    def chunk(self, rows: list[SourceRow], column: int, writer: csv.writer) -> None:  # type: ignore[valid-type]
        clock = time.perf_counter()
        values = [_text(row.cells[column]) if column < len(row.cells) else "" for row in rows]
        resolved = _resolve(values)
        clock = self._lap("resolve", clock)
        entries = entries_in_force(
            sorted({r.subject.pk for r in resolved if r.subject is not None}), self.now
        )
        earlier = Check.objects.filter(
            batch=self.batch, batch_row__range=(rows[0].row_no, rows[-1].row_no)
        )
        recorded = {n: pk for n, pk in earlier.values_list("batch_row", "public_id") if n}
        clock = self._lap("entries", clock)
        checks: list[tuple[object, ...]] = []
        accesses: list[tuple[int, str]] = []
        for row, value, found in zip(rows, values, resolved, strict=True):
            line = self._line(row, value, found, entries, recorded, checks, accesses)
            writer.writerow([neutralise(cell) for cell in line])  # type: ignore[attr-defined]
        clock = self._lap("answer", clock)
        batch = self.batch
        with transaction.atomic():
            bulk.insert(Check, CHECK_COLUMNS, checks)
            record_accesses(
                accesses, kind=AccessKind.CHECK, organisation_id=batch.organisation_id,
                purpose=self.purpose, legal_basis=self.words["basis"], at=self.now,
            )  # fmt: skip
            BatchCheck.objects.filter(pk=batch.pk).update(
                rows_done=batch.rows_done, hits=batch.hits, unknown=batch.unknown
            )
        self._lap("write", clock)

    def _lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[phase] += now - since
        return now

    def _answer(self, entries: list[EntryInForce], subject: Subject) -> _Answer:
        """The answer for a subject with `entries` in force (computed once per entries)."""
        key = tuple(entries)
        known = self.answers.get(key)
        if known is not None:
            return known
        listed = listed_types(entries)
        measures = self.measures.get(listed)
        if measures is None:
            measures = self.measures[listed] = measures_in(self.policy, self.scenario.code, listed)
        found = findings(entries, measures, self.policy)
        sample = payload(
            check_id="", moments=self.moments, checker=self.checker, matter=self.batch.matter,
            scenario=self.scenario, query="", subject=subject, found=found, policy=self.policy,
        )  # fmt: skip
        made = self.answers[key] = _Answer(
            found,
            "；".join(
                f"{e['list_name']}（{e['decided_by']} {e['decision_no']}）" for e in found.hits
            ),
            "；".join(f"{m['code']} {m['text']}" for m in found.measures),
            tuple(
                (name, f"{_json(name)}: ")
                if name in ROW_FIELDS
                else (None, f"{_json(name)}: {_json(value)}")
                for name, value in sample.items()
            ),
        )
        return made

    def _receipt(self, answer: _Answer, own: dict[str, object], row_no: int) -> str:
        """The JSON text of a row's receipt, as `json.dumps(…, ensure_ascii=False)` writes
        {"payload": …, "batch": …, "row": …}; only the row's `own` fields are encoded here
        (a hundred thousand rows share the rest)."""
        text = ", ".join(
            field if name is None else field + _json(own[name]) for name, field in answer.fields
        )
        return f'{{"payload": {{{text}}}, "batch": {self.batch_id}, "row": {row_no}}}'

    def _line(
        self,
        row: SourceRow,
        value: str,
        found: _Resolved,
        entries: dict[int, list[EntryInForce]],
        recorded: dict[int, str],
        checks: list[tuple[object, ...]],
        accesses: list[tuple[int, str]],
    ) -> list[str]:
        batch = self.batch
        batch.rows_done += 1
        shown = mask_in_text(value)[:100]
        subject = found.subject
        if subject is None:
            batch.unknown += int(bool(value))
            return [str(row.row_no), shown, found.outcome, "", "", "", "", ""]
        answer = self._answer(entries.get(subject.pk, []), subject)
        hits = len(answer.found.hits)
        batch.hits += int(bool(hits))
        check_id = recorded.get(row.row_no)  # committed by an earlier, killed run
        if check_id is None:
            check_id = new_check_id()
            own: dict[str, object] = {
                "check_id": check_id,
                "query": shown,
                "subject": subject_block(subject),
            }
            receipt = self._receipt(answer, own, row.row_no)
            checks.append(
                (
                    check_id, batch.organisation_id, batch.created_by[:150], subject.pk, shown,
                    self.scenario.code, batch.matter, self.now, self.now, hits,
                    len(answer.found.measures), self.policy.state.version,
                    answer.found.list_state, receipt,
                    self.due if hits else None, batch.pk, row.row_no,
                )
            )  # fmt: skip
            accesses.append((subject.pk, check_id))
        return [
            str(row.row_no),
            shown,
            self.words["hit" if hits else "clean"],
            display_name(subject),
            subject.uscc,
            answer.lists,
            answer.measures,
            check_id,
        ]


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
    """Run a queued batch to its end (a finished one is left as it is); logs the time it
    took per phase."""
    started = time.perf_counter()
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
            "checked_at": shown_moment(now),
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
    logger.info(
        "batch %s: %d rows in %.1f s (%s)", batch.public_id, batch.rows_done,
        time.perf_counter() - started,
        ", ".join(f"{phase} {run.seconds[phase]:.1f} s" for phase in PHASES),
    )  # fmt: skip
    return batch
