"""One submission through the whole pipeline: read → map columns → clean → link → version.

`process(submission)` first reads the stored file once from end to end without loading
anything (it must map, and every row must be readable): a file that cannot be read or mapped
as a whole — truncated, mixed encodings, a header without rows — fails the submission with
the reader's reason and nothing is loaded. Then the rows stream through in bounded batches
(`storage.store_batch`), each batch committing with the submission's counters, so memory does
not grow with the file and progress is visible to other processes as it happens.

Running it again on the same submission (a worker or command killed mid-way) goes through the
whole file again and ends in the state a single clean run gives; a finished submission is
left as it is.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.catalog.schema import Item, as_loose
from xinyong.core import audit, bulk
from xinyong.records.ingest.cleaning import RowCleaner
from xinyong.records.ingest.mapping import custom_mapping, map_columns
from xinyong.records.ingest.readers import open_table, table_from_records
from xinyong.records.ingest.storage import Counters, Run, store_batch
from xinyong.records.ingest.types import FileRejected, RowError, SourceRow, Table
from xinyong.records.models import (
    Channel,
    Record,
    RecordVersion,
    RejectedRow,
    Submission,
    SubmissionStatus,
)
from xinyong.subjects.models import Subject, SubjectIdentifier, SubjectName

logger = logging.getLogger(__name__)

BATCH_SIZE = 2_000
"""Rows per transaction: large enough that per-batch queries vanish in the per-row work, small
enough that a batch's locks and memory stay short."""

ANALYZE_EVERY = 10_000
"""Rows written before the tables' statistics are first refreshed; then each time the rows
written by the run have doubled, and at its end (PostgreSQL only; see `bulk.analyze`)."""
ANALYZED_TABLES = (Record, RecordVersion, Subject, SubjectIdentifier, SubjectName)

SUBMISSION_TYPE = "records.submission"
ERROR_FILE_STEM = "errors"

Progress = Callable[[int, int | None], None]


def stored_path(submission: Submission) -> Path:
    """The submitted file (or the API records as JSON) under the var directory."""
    return Path(settings.XINYONG_VAR_DIR) / submission.stored_path


def open_source(submission: Submission) -> Table:
    """The submission's rows as a table (raises FileRejected)."""
    path = stored_path(submission)
    if submission.channel in (Channel.API, Channel.PLATFORM):
        records = json.loads(path.read_text(encoding="utf-8"))
        return table_from_records(records)
    return open_table(path, file_name=submission.file_name or None)


def _item(submission: Submission) -> Item:
    """The catalogue item as it stood when the submission was received."""
    return as_loose(Item, submission.item_version.content)


def _batches(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def _survey(table: Table, submission: Submission, item: Item) -> int:
    """Read the whole file once: its data rows; FileRejected if any part of it cannot be
    read or its header cannot be mapped."""
    map_columns(table.headers, item, custom_mapping(submission.organisation_id, item.code))
    total = sum(1 for _row in table.rows())
    if total == 0:
        raise FileRejected("file.no_rows", _("文件只有表头，没有数据行"))
    return total


def _start(submission: Submission) -> bool:
    """Mark the submission running with its counters at zero; True if an earlier run of it
    had begun (its stored rows are then recognised, not stored again)."""
    rerun = submission.status == SubmissionStatus.RUNNING or submission.rows_done > 0
    with transaction.atomic():
        submission.status = SubmissionStatus.RUNNING
        submission.started_at = timezone.now()
        for name, value in Counters().as_update().items():
            setattr(submission, name, value)
        submission.save()
        audit.record(
            "submission.start",
            SUBMISSION_TYPE,
            submission.public_id,
            after={"rerun": rerun},
            organisation_id=submission.organisation_id,
        )
    return rerun


def _fail(submission: Submission, exc: FileRejected) -> None:
    with transaction.atomic():
        submission.status = SubmissionStatus.FAILED
        submission.error_code = exc.code[:64]
        submission.error_message = exc.message[:500]
        submission.finished_at = timezone.now()
        submission.save()
        audit.record(
            "submission.fail",
            SUBMISSION_TYPE,
            submission.public_id,
            after={"error_code": submission.error_code},
            organisation_id=submission.organisation_id,
        )


def _error_file(submission: Submission) -> str:
    """Write the rejected rows in the submitter's format next to the upload; the path
    relative to the var directory ("" when every row landed)."""
    reasons: dict[int, list[RowError]] = {}
    rejected = RejectedRow.objects.filter(submission=submission).order_by("row_no")
    for row_no, items in rejected.values_list("row_no", "reasons").iterator(chunk_size=5000):
        reasons[row_no] = [RowError(r["field"], r["code"], r["message"]) for r in items]
    if not reasons:
        return ""
    from xinyong.records.ingest.errorfile import write_error_file

    source = stored_path(submission)
    written = write_error_file(
        source,
        submission.file_format,
        submission.encoding,
        reasons,
        source.parent / ERROR_FILE_STEM,
    )
    return str(written.relative_to(Path(settings.XINYONG_VAR_DIR)))


def _finish(submission: Submission, counters: Counters) -> None:
    error_file = _error_file(submission)
    with transaction.atomic():
        submission.refresh_from_db()
        submission.status = SubmissionStatus.DONE
        submission.error_file = error_file
        submission.finished_at = timezone.now()
        submission.save()
        audit.record(
            "submission.finish",
            SUBMISSION_TYPE,
            submission.public_id,
            after=counters.as_update(),
            organisation_id=submission.organisation_id,
        )


@contextmanager
def _objects_frozen() -> Iterator[None]:
    """Keep the objects alive before the run (modules, settings, policy) out of the cyclic
    garbage collector's full passes while the run allocates millions of short-lived ones:
    those passes would otherwise walk them all, again and again (about a sixth of the run)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def process(
    submission: Submission,
    *,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> Submission:
    """Run `submission` through the pipeline (see the module doc); returns it refreshed."""
    with _objects_frozen():
        return _process(submission, progress, batch_size)


def _process(
    submission: Submission,
    progress: Progress | None,
    batch_size: int,
) -> Submission:
    submission.refresh_from_db()
    if submission.status in (SubmissionStatus.DONE, SubmissionStatus.FAILED):
        return submission
    rerun = _start(submission)
    try:
        table = open_source(submission)
    except FileRejected as exc:
        _fail(submission, exc)
        return submission
    try:
        _load(submission, table, rerun, progress, batch_size)
    except FileRejected as exc:
        _fail(submission, exc)
    finally:
        table.close()
    return submission


def _load(
    submission: Submission,
    table: Table,
    rerun: bool,
    progress: Progress | None,
    batch_size: int,
) -> None:
    """Survey `table`, then land its rows batch by batch and finish the submission (the
    table is read twice, from one opening: the encoding check is not repeated)."""
    item = _item(submission)
    total = _survey(table, submission, item)
    Submission.objects.filter(pk=submission.pk).update(
        rows_total=total, file_format=table.format, encoding=table.encoding[:16]
    )
    submission.refresh_from_db()
    run = Run.start(submission, rerun=rerun)
    if progress is not None:
        progress(0, total)
    columns = map_columns(
        table.headers, item, custom_mapping(submission.organisation_id, item.code)
    )
    cleaner = RowCleaner(item, columns, today=run.deriver.received)
    analyzed_at = 0
    try:
        for batch in _batches(table.rows(), batch_size):
            store_batch(run, [cleaner.clean(row) for row in batch])
            written = run.counters.new_records + run.counters.new_versions
            if written >= max(ANALYZE_EVERY, 2 * analyzed_at):
                bulk.analyze(ANALYZED_TABLES)
                analyzed_at = written
            if progress is not None:
                progress(run.counters.rows_done, total)
    except FileRejected:  # the file changed under us since the survey
        logger.error("submission %s became unreadable mid-way", submission.public_id)
        raise
    if run.counters.new_records + run.counters.new_versions > analyzed_at:
        bulk.analyze(ANALYZED_TABLES)
    _finish(submission, run.counters)


def summary(submission: Submission) -> dict[str, Any]:
    """The JSON the CLI and the API print for a submission."""
    total = submission.rows_total
    return {
        "submission": submission.public_id,
        "status": submission.status,
        "organisation": submission.organisation.uscc,
        "item": submission.item.code,
        "file_name": submission.file_name,
        "format": submission.file_format,
        "rows": total if total is not None else submission.rows_done,
        "rows_done": submission.rows_done,
        "accepted": submission.accepted,
        "rejected": submission.rejected,
        "unchanged": submission.unchanged,
        "new_records": submission.new_records,
        "new_versions": submission.new_versions,
        "late": submission.late,
        "errors_file": submission.error_file or None,
        "progress": round(submission.rows_done / total, 4) if total else 0.0,
        "error_code": submission.error_code or None,
        "error_message": submission.error_message or None,
        "received_at": submission.received_at.isoformat(),
        "finished_at": submission.finished_at.isoformat() if submission.finished_at else None,
    }
