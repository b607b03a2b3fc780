"""What a subject sees of its own records in its account: everything held, not only what is
public — every catalogue item and disclosure class, withdrawn, ended and repaired records,
and every version with the submission and row it came from. Values are shown as on the
public pages (the subject's own ID numbers masked too: a screen can be looked over).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.catalog.models import Disclosure, Polarity
from xinyong.records.models import Record, RecordState, RecordVersion
from xinyong.records.public import PublicField, _definition, _shown, public_q
from xinyong.subjects.models import Subject


@dataclass(frozen=True)
class OwnVersion:
    version: int
    received_at: datetime.datetime
    submission: str
    row_no: int
    content_hash: str
    fields: tuple[PublicField, ...]


@dataclass(frozen=True)
class OwnRecord:
    record_id: int
    item_code: str
    item_name: str
    disclosure: str
    polarity: str
    department: str
    doc_no: str
    decision_date: datetime.date
    severity: str
    status: str
    is_public: bool
    publication_ends: datetime.date | None
    repair_from: datetime.date | None
    repaired_on: datetime.date | None
    under_objection: bool
    withdrawn: bool
    version_count: int

    @property
    def is_negative(self) -> bool:
        return self.polarity == Polarity.NEGATIVE


def _status(record: Record, today: datetime.date) -> str:
    """One plain word for where the record stands, in the order that matters to a subject."""
    if record.state == RecordState.WITHDRAWN:
        return str(RecordState.WITHDRAWN.label)
    if record.repaired_on is not None:
        return _("已修复")
    if record.publication_ends is not None and record.publication_ends < today:
        return _("公示期满")
    if record.item.disclosure != Disclosure.PUBLIC:
        return _("有效（不向社会公开）")
    if not record.published:
        return _("不公示")
    return _("公示中")


def _own(record: Record, public_ids: set[int], today: datetime.date) -> OwnRecord:
    return OwnRecord(
        record_id=record.pk,
        item_code=record.item.code,
        item_name=record.item.name,
        disclosure=str(Disclosure(record.item.disclosure).label),
        polarity=record.item.polarity,
        department=record.organisation.name,
        doc_no=record.doc_no,
        decision_date=record.decision_date,
        severity=record.severity,
        status=_status(record, today),
        is_public=record.pk in public_ids,
        publication_ends=record.publication_ends,
        repair_from=record.repair_from,
        repaired_on=record.repaired_on,
        under_objection=record.objection_mark != "",
        withdrawn=record.state == RecordState.WITHDRAWN,
        version_count=record.version_count,
    )


def own_records(subject: Subject) -> list[OwnRecord]:
    """Every record held about `subject`, newest decision first. Two queries."""
    today = timezone.localdate()
    records = list(
        Record.objects.filter(subject=subject)
        .select_related("item", "organisation")
        .order_by("-decision_date", "-pk")
    )
    public_ids = set(
        Record.objects.filter(public_q(today=today), subject=subject).values_list("pk", flat=True)
    )
    return [_own(record, public_ids, today) for record in records]


def own_record(subject: Subject, record_id: int) -> tuple[OwnRecord, list[OwnVersion]] | None:
    """One of `subject`'s records with all its versions (newest first), or None if the
    record is not the subject's."""
    record = (
        Record.objects.filter(subject=subject, pk=record_id)
        .select_related("item", "organisation", "subject")
        .first()
    )
    if record is None:
        return None
    today = timezone.localdate()
    public = Record.objects.filter(public_q(today=today), pk=record.pk).exists()
    definition = _definition(record.item)
    versions = []
    for version in (
        RecordVersion.objects.filter(record=record)
        .select_related("submission")
        .order_by("-version")
    ):
        fields = tuple(
            PublicField(spec.key, spec.name, _shown(spec, version.data.get(spec.key), subject))
            for spec in definition.fields
            if version.data.get(spec.key) not in (None, "", [])
        )
        versions.append(
            OwnVersion(
                version=version.version,
                received_at=version.created_at,
                submission=version.submission.public_id[:8],
                row_no=version.row_no,
                content_hash=version.content_hash[:16],
                fields=fields,
            )
        )
    return _own(record, {record.pk} if public else set(), today), versions
