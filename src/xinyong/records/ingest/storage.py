"""Landing a batch of cleaned rows: match, link, compare, version, derive, write — in one
transaction.

Per batch, in a bounded number of queries whatever its size:

1. rows with errors are set aside; the others get their content hash (`keys`);
2. a row that repeats the current version of a record of the same organisation and item
   (found by `Record.content_key`, confirmed by `content_check`) is matched to that record
   without linking its subject again: the resubmission of an unchanged file costs a read;
3. the other rows' subjects are linked (`link_many`), a conflict or an unusable identifier
   rejecting the row with the linker's explanation, and their natural keys computed; their
   records are read by natural key (and locked, on PostgreSQL, in id order);
4. each row is *unchanged* (same hash as the current version: nothing written), a *new
   record*, or a *new version* (the next number; the old version stays, `Record`'s derived
   columns follow the new one). A natural key met earlier in the same file with other
   content is rejected: the file contradicts itself, and taking either row would make a
   second submission of the same file change something. A record a platform workflow made
   (a commitment's XYCN record, a finding of breach) is versioned only by workflows (the
   commitment's own, an objection's correction): a department's row changing it is
   rejected, so the public record cannot drift from the commitment's own state;
5. versions, records, events, rejected rows, one audit entry naming every version written
   and the submission's counters are written in bulk, and commit together.

Re-running a submission (after a crash) converges: the rows a previous run of the same
submission stored are recognised by (submission, row number) and counted as that run counted
them; the counters are rebuilt from zero by the run, never added to. A batch that collides
with a concurrent one (the same new natural key, a deadlock) is rolled back and run again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.catalog.schema import Item, as_loose
from xinyong.catalog.services import PublicationRules
from xinyong.core import audit, bulk
from xinyong.core import calendar as working_calendar
from xinyong.core.rows import converter, select_in
from xinyong.records.ingest.keys import (
    Content,
    ContentCodec,
    SeenKeys,
    fingerprint,
    key_number,
    natural_key,
)
from xinyong.records.ingest.linkage import link_errors, link_request
from xinyong.records.ingest.types import CleanRow, RowError
from xinyong.records.ingest.windows import DerivationError, Derived, Deriver
from xinyong.records.models import (
    Channel,
    EventKind,
    Record,
    RecordEvent,
    RecordState,
    RecordVersion,
    RejectedRow,
    Submission,
)
from xinyong.subjects.services import link_many

logger = logging.getLogger(__name__)

ATTEMPTS = 4
IN_CHUNK = 900
"""Values per IN query: below SQLite's historical limit of 999 bound parameters."""
MAX_DOC_NO = 100
SUBMISSION_TYPE = "records.submission"

RECORD_COLUMNS = (
    "id", "natural_key", "organisation_id", "item_id", "subject_id", "doc_no", "state",
    "current_version_id", "version_count", "decision_date", "severity", "published",
    "publication_ends", "repair_from", "received_at", "timeliness_days",
    "timeliness_provisional", "late", "updated_at", "content_key", "content_check", "amount",
)  # fmt: skip
VERSION_COLUMNS = (
    "id", "record_id", "version", "submission_id", "row_no", "content_hash", "data", "extra",
    "created_at",
)  # fmt: skip
RECORD_UPDATE_COLUMNS = (
    "current_version_id", "version_count", "doc_no", "decision_date", "severity", "published",
    "publication_ends", "repair_from", "timeliness_days", "timeliness_provisional", "late",
    "updated_at", "content_key", "content_check", "amount",
)  # fmt: skip
EVENT_COLUMNS = ("kind", "record_id", "submission_id", "created_at")

_BY_CONTENT = (
    "SELECT id, natural_key, content_key, content_check, organisation_id, item_id, "
    "version_count, received_at, late FROM records_record WHERE content_key {in}"
)
_BY_KEY = (
    "SELECT id, natural_key, version_count, content_key, content_check, received_at, late "
    "FROM records_record WHERE natural_key {in} ORDER BY id"
)
_VERSIONS_OF = (
    "SELECT record_id, row_no, version, submission_id FROM records_recordversion "
    "WHERE record_id {in}"
)
"""The versions of the records (a re-run picks its own in Python: given the submission too,
SQLite reads through the submission index — every version of the submission per query)."""


@dataclass
class Counters:
    """A submission's counters: `accepted` = unchanged + new records + new versions, and
    `late` counts the new records received after their deadline."""

    rows_done: int = 0
    accepted: int = 0
    rejected: int = 0
    unchanged: int = 0
    new_records: int = 0
    new_versions: int = 0
    late: int = 0

    def as_update(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class Run:
    """What stays the same over the batches of one run over one submission."""

    submission: Submission
    item: Item
    item_pk: int
    codec: ContentCodec
    deriver: Deriver
    rerun: bool
    seen: SeenKeys = field(default_factory=SeenKeys)
    counters: Counters = field(default_factory=Counters)

    @property
    def source(self) -> str:
        return f"submission:{self.submission.public_id}"

    @classmethod
    def start(cls, submission: Submission, *, rerun: bool) -> Run:
        """A run over `submission`, with snapshots of the publication policy and the
        working-day calendar taken now; the item is the version the submission was made
        against."""
        item = as_loose(Item, submission.item_version.content)
        deriver = Deriver(
            item,
            sector=submission.organisation.sector,
            received=timezone.localdate(submission.received_at),
            rules=PublicationRules.current(),
            calendar=working_calendar.current(),
        )
        return cls(
            submission=submission,
            item=item,
            item_pk=submission.item_id,
            codec=ContentCodec(item.fields),
            deriver=deriver,
            rerun=rerun,
        )


def _platform_made_error() -> RowError:
    return RowError(
        "",
        "row.platform_record",
        _(
            "该记录由平台的信用承诺办理生成，只能在承诺办理（履约、未履约、撤回）"
            "或异议更正中变更，不能通过报送修改"
        ),
    )


@dataclass(slots=True)
class _Current:
    """A record as the batch knows it: stored, or as an earlier row of the batch left it."""

    id: int
    version_count: int
    fingerprint: tuple[int, int]
    received_at: datetime
    late: bool


@dataclass(slots=True)
class _Version:
    """A version to write. `record` is the record's id, or — for a record created in the
    same batch (`new`) — its index in the batch's new records, until ids are allocated."""

    record: int
    version: int
    row_no: int
    content_hash: str
    data: str
    extra: str
    new: bool
    id: int = 0

    def row(self, submission_id: int, now: datetime) -> list[object]:
        return [self.id, self.record, self.version, submission_id, self.row_no,
                self.content_hash, self.data, self.extra, now]  # fmt: skip


@dataclass(slots=True)
class _Row:
    """A clean row on its way in: its content, and once known its record's natural key."""

    row: CleanRow
    content: Content
    fingerprint: tuple[int, int]
    key: str = ""
    subject_id: int = 0


class _Batch:
    """The decisions and writes of one batch (one transaction)."""

    def __init__(self, run: Run, rows: Sequence[CleanRow], now: datetime) -> None:
        self.run = run
        self.rows = rows
        self.now = now
        self.counters = replace(run.counters)
        self.rejects: dict[int, list[RowError]] = {}
        self.accepted_keys: list[int] = []
        self.records: list[list[object]] = []
        self.versions: list[_Version] = []
        self.updates: list[list[object]] = []
        self.events: list[list[object]] = []
        self.state: dict[str, _Current] = {}
        self.stored: dict[str, _Current] = {}
        self.own: dict[tuple[int, int], int] = {}
        self.batch_keys: set[str] = set()
        self.days: dict[datetime, date] = {}

    # -- reading --------------------------------------------------------------------------

    def prepare(self) -> list[_Row]:
        """The rows without errors, with their content hashed (rejecting those that lack a
        natural-key field)."""
        run, prepared = self.run, []
        organisation_id, item_code = run.submission.organisation_id, run.item.code
        for row in self.rows:
            if row.errors:
                self.rejects[row.row_no] = list(row.errors)
                continue
            missing = [key for key in run.item.natural_key if not row.values.get(key)]
            if missing:
                self.rejects[row.row_no] = [
                    RowError(missing[0], "row.natural_key", _("缺少构成记录标识的字段"))
                ]
                continue
            content = run.codec.content(row.values)
            mark = fingerprint(organisation_id, item_code, content.digest)
            prepared.append(_Row(row, content, mark))
        return prepared

    def match(self, prepared: list[_Row]) -> None:
        """Rows whose content is exactly that of a record's current version: their record
        is known without linking their subject again (the same identifiers and name found
        that subject when the version was stored, and identifiers never move)."""
        run = self.run
        wanted: dict[int, list[_Row]] = {}
        for p in prepared:
            wanted.setdefault(p.fingerprint[0], []).append(p)
        # By content key alone: planners prefer the (item, organisation) index otherwise,
        # and read every record of the item.
        moment = converter(Record, "received_at")
        for pk, nk, ck, check, org, item, count, received, late in select_in(
            _BY_CONTENT, list(wanted)
        ):
            if (org, item) != (run.submission.organisation_id, run.item_pk):
                continue
            same = [p for p in wanted[ck] if p.fingerprint == (ck, check)]
            if same:
                self.stored[nk] = _Current(pk, count, (ck, check), moment(received), bool(late))
            for p in same:
                p.key = nk

    def link(self, prepared: list[_Row]) -> list[_Row]:
        """Link the subjects of the rows not matched, and give them their natural keys;
        returns every row that has one, in file order."""
        run = self.run
        unmatched = [p for p in prepared if not p.key]
        results = link_many([link_request(p.row, run.source) for p in unmatched])
        for p, result in zip(unmatched, results, strict=True):
            errors = link_errors(result)
            if errors or result.subject is None:
                self.rejects[p.row.row_no] = errors
                continue
            parts = [p.row.values.get(key) for key in run.item.natural_key]
            p.subject_id = result.subject.pk
            p.key = natural_key(run.submission.organisation_id, run.item.code, parts, p.subject_id)
        return [p for p in prepared if p.key]

    def fetch(self, rows: list[_Row]) -> None:
        """Read the stored records of the linked rows (locked on PostgreSQL, in id order),
        and — on a re-run — the versions this submission already wrote for any of the
        batch's records, by (record id, row number)."""
        keys = sorted({p.key for p in rows if p.key not in self.stored})
        # The locked row carries the current fingerprint (PostgreSQL; SQLite locks the whole
        # database): what we compare against is what a concurrent batch committed before us,
        # never a stale read.
        lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
        moment = converter(Record, "received_at")
        for pk, nk, count, ck, check, received, late in select_in(_BY_KEY + lock, keys):
            self.stored[nk] = _Current(pk, count, (ck, check), moment(received), bool(late))
        if self.run.rerun and self.stored:
            record_ids = [c.id for c in self.stored.values()]
            submission_id = self.run.submission.pk
            for record_id, row_no, version, made_by in select_in(_VERSIONS_OF, record_ids):
                if made_by == submission_id:
                    self.own[(record_id, row_no)] = version

    # -- deciding -------------------------------------------------------------------------

    def _local_day(self, moment: datetime) -> date:
        """The local date of a receipt time (a batch holds few: the submission's, and those
        of the records it versions)."""
        day = self.days.get(moment)
        if day is None:
            day = self.days[moment] = timezone.localdate(moment)
        return day

    def _derive(self, item: _Row, received: datetime) -> Derived | None:
        try:
            return self.run.deriver.derive(item.row.values, self._local_day(received))
        except DerivationError as exc:
            self.rejects[item.row.row_no] = [exc.error]
            return None

    def _platform_made(self, rows: list[_Row]) -> set[int]:
        """The stored records these rows would change that a platform workflow made (their
        first version came through `Channel.PLATFORM`); none when this run is one. Only
        changing rows are looked up: an unchanged resubmission costs no query."""
        if self.run.submission.channel == Channel.PLATFORM:
            return set()
        changing = sorted(
            {
                current.id
                for p in rows
                if (current := self.stored.get(p.key)) is not None
                and current.fingerprint != p.fingerprint
            }
        )
        made: set[int] = set()
        for start in range(0, len(changing), IN_CHUNK):
            firsts = RecordVersion.objects.filter(
                record__in=changing[start : start + IN_CHUNK],
                version=1,
                submission__channel=Channel.PLATFORM,
            )
            made.update(firsts.values_list("record", flat=True))
        return made

    def decide(self, rows: list[_Row]) -> None:
        """Classify each row in file order (see the module doc) and plan its writes."""
        stored, own, seen = self.stored, self.own, self.run.seen
        platform_made = self._platform_made(rows)
        for item in rows:
            row_no = item.row.row_no
            number = key_number(item.key)
            current = self.state.get(item.key) or stored.get(item.key)
            if current is not None and (current.id, row_no) in own:
                self._count_stored(own[(current.id, row_no)], current)
            elif item.key in self.batch_keys or number in seen:
                if current is None or current.fingerprint != item.fingerprint:
                    self.rejects[row_no] = [
                        RowError(
                            "",
                            "row.duplicate_key",
                            _(
                                "本文件前面已有同一主体、同一决定文书号的记录，而内容不同；请合并为一行"
                            ),
                        )
                    ]
                    continue
                self.counters.unchanged += 1
            elif current is None:
                if not self._create(item):
                    continue
            elif current.fingerprint == item.fingerprint:
                self.counters.unchanged += 1
            elif current.id in platform_made:
                self.rejects[row_no] = [_platform_made_error()]
                continue
            elif not self._version(item, current):
                continue
            self.batch_keys.add(item.key)
            self.accepted_keys.append(number)
            self.counters.accepted += 1

    def _count_stored(self, version: int, current: _Current) -> None:
        """A row this submission stored in an earlier run: count it as that run did."""
        if version == 1:
            self.counters.new_records += 1
            self.counters.late += int(current.late)
        else:
            self.counters.new_versions += 1

    def _doc_no(self, item: _Row) -> str:
        canonical = item.content.canonical
        parts = [str(canonical.get(key, "")) for key in self.run.item.natural_key]
        return " / ".join(parts)[:MAX_DOC_NO]

    def _create(self, item: _Row) -> bool:
        run = self.run
        received = run.submission.received_at
        derived = self._derive(item, received)
        if derived is None:
            return False
        self.records.append(
            [
                None, item.key, run.submission.organisation_id, run.item_pk, item.subject_id,
                self._doc_no(item), RecordState.ACTIVE, None, 1, derived.decision_date,
                derived.severity, derived.published, derived.publication_ends,
                derived.repair_from, received, derived.timeliness_days,
                derived.timeliness_provisional, derived.late, self.now, *item.fingerprint,
                derived.amount,
            ]
        )  # fmt: skip
        self._add_version(item, record=len(self.records) - 1, version=1, new=True)
        self.state[item.key] = _Current(
            -len(self.records), 1, item.fingerprint, received, derived.late
        )
        self.counters.new_records += 1
        self.counters.late += int(derived.late)
        return True

    def _version(self, item: _Row, current: _Current) -> bool:
        derived = self._derive(item, current.received_at)
        if derived is None:
            return False
        version = current.version_count + 1
        self._add_version(item, record=current.id, version=version, new=False)
        self.updates.append(
            [
                current.id, None, version, self._doc_no(item), derived.decision_date,
                derived.severity, derived.published, derived.publication_ends,
                derived.repair_from, derived.timeliness_days, derived.timeliness_provisional,
                derived.late, self.now, *item.fingerprint, derived.amount,
            ]
        )  # fmt: skip
        self.state[item.key] = replace(
            current, version_count=version, fingerprint=item.fingerprint, late=derived.late
        )
        self.counters.new_versions += 1
        return True

    def _add_version(self, item: _Row, *, record: int, version: int, new: bool) -> None:
        """A version row; `record` is a record id, or the index of a record created in this
        batch (its id is allocated at write time)."""
        codec = self.run.codec
        self.versions.append(
            _Version(
                record,
                version,
                item.row.row_no,
                item.content.digest,
                codec.stored(item.content),
                codec.extra_json(item.row.extra),
                new,
            )
        )

    # -- writing --------------------------------------------------------------------------

    def write(self) -> None:
        submission = self.run.submission
        record_ids = bulk.allocate_ids(Record, len(self.records))
        version_ids = bulk.allocate_ids(RecordVersion, len(self.versions))
        updates = iter(self.updates)
        for vid, version in zip(version_ids, self.versions, strict=True):
            version.id = vid
            if version.new:
                record = self.records[version.record]
                record[0] = version.record = record_ids[version.record]
                record[7] = vid
                kind = EventKind.RECORD_CREATED
            else:
                next(updates)[1] = vid
                kind = EventKind.RECORD_VERSIONED
            self.events.append([kind, version.record, submission.pk, self.now])
        rows = [version.row(submission.pk, self.now) for version in self.versions]
        bulk.insert(RecordVersion, VERSION_COLUMNS, rows)
        bulk.insert(Record, RECORD_COLUMNS, self.records)
        bulk.update_by_id(Record, RECORD_UPDATE_COLUMNS, self.updates)
        bulk.insert(RecordEvent, EVENT_COLUMNS, self.events)
        if self.rejects:
            RejectedRow.objects.bulk_create(
                [
                    RejectedRow(submission=submission, row_no=row_no, reasons=_reasons(errors))
                    for row_no, errors in sorted(self.rejects.items())
                ],
                ignore_conflicts=True,
            )
        if self.versions:
            audit.record(
                "record.store_batch",
                SUBMISSION_TYPE,
                submission.public_id,
                after=self._audit_after(),
                organisation_id=submission.organisation_id,
            )
        self.counters.rejected += len(self.rejects)
        self.counters.rows_done += len(self.rows)
        Submission.objects.filter(pk=submission.pk).update(**self.counters.as_update())

    def _audit_after(self) -> dict[str, object]:
        """One audit entry per batch, naming every version it wrote as [record id, version,
        row number, content hash]: the chain covers each version without an entry apiece
        (which cost more than the rest of the batch's writes)."""
        return {
            "versions": [[v.record, v.version, v.row_no, v.content_hash] for v in self.versions]
        }


def _reasons(errors: Sequence[RowError]) -> list[dict[str, str]]:
    return [{"field": e.field, "code": e.code, "message": e.message} for e in errors]


def _retryable(exc: Exception) -> bool:
    """A collision with a concurrent batch: a unique key taken meanwhile, a deadlock, a
    serialisation failure, or SQLite's lock timing out."""
    if isinstance(exc, IntegrityError):
        return True
    cause = exc.__cause__
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return code in ("40P01", "40001") or "database is locked" in str(exc)


def store_batch(run: Run, rows: Sequence[CleanRow]) -> Counters:
    """Land `rows` (one batch, in file order) for `run`; returns the submission's counters."""
    for attempt in range(1, ATTEMPTS + 1):
        batch = _Batch(run, rows, timezone.now())
        try:
            with transaction.atomic():
                prepared = batch.prepare()
                batch.match(prepared)
                linked = batch.link(prepared)
                batch.fetch(linked)
                batch.decide(linked)
                batch.write()
        except (IntegrityError, OperationalError) as exc:
            if attempt == ATTEMPTS or not _retryable(exc):
                raise
            logger.info("batch of %s collided with a concurrent one; running it again", run.source)
            continue
        run.seen.add_many(batch.accepted_keys)
        run.counters = batch.counters
        return batch.counters
    raise AssertionError("unreachable")
