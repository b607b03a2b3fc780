"""A correction answers an objection with a new version of the record, made by the ingestion
pipeline like any other submission, never by writing a version here.

The department edits the fields of the record's current version that describe the decision;
the fields that identify the record (its natural key) and its subject, and personal values,
are kept as they are — changing them would make another record or move it to another subject.
The corrected row is the whole current version with the edits applied, submitted through the
API path in the department's name and processed at once; the pipeline validates it, versions
it under the same natural key and recomputes its publication window.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from xinyong.catalog.schema import FieldSpec, Item
from xinyong.core.crypto import decrypt
from xinyong.objections.services.common import ObjectionError, item_of
from xinyong.records import services as records
from xinyong.records.ingest.keys import PERSONAL_ENC_CONTEXT
from xinyong.records.models import Record, RecordVersion, RejectedRow, SubmissionStatus

LOCKED_KEYS = frozenset(
    {
        "subject_name",
        "subject_category",
        "person_name",
        "taxpayer_name",
        "id_type",
        "legal_rep_id_type",
        "tax_reg_no",
        "institution_cert_no",
        "social_org_cert_no",
    }
)
"""Fields naming, classifying or registering the subject (its codes are locked by their
type): a correction may not move a record to another subject."""

CorrectedValues = Mapping[str, str | list[str] | None]


def editable_fields(item: Item) -> list[FieldSpec]:
    """The fields of `item` a correction may change."""
    keys = set(item.natural_key) | LOCKED_KEYS
    return [
        spec
        for spec in item.fields
        if spec.key not in keys and spec.type != "identifier" and not spec.personal
    ]


def _cell(value: Any) -> str | None:
    """A stored value as the pipeline reads it in an API row (personal values decrypted)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return decrypt(str(value["enc"]), context=PERSONAL_ENC_CONTEXT)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def current_values(record: Record) -> dict[str, str | list[str]]:
    """The editable fields' values in the record's current version (to prefill a form)."""
    data: dict[str, Any] = record.current_version.data if record.current_version else {}
    values: dict[str, str | list[str]] = {}
    for spec in editable_fields(item_of(record)):
        value = data.get(spec.key)
        if value in (None, "", []):
            continue
        values[spec.key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return values


def _row(record: Record, item: Item, changes: CorrectedValues) -> dict[str, object]:
    allowed = {spec.key for spec in editable_fields(item)}
    locked = sorted(set(changes) - allowed)
    if locked:
        raise ObjectionError(
            "objections.field_locked",
            _("以下字段不能通过异议更正：%s") % "、".join(locked),
        )
    assert record.current_version is not None
    data: dict[str, Any] = record.current_version.data
    row: dict[str, object] = {}
    for spec in item.fields:
        cell = _cell(changes[spec.key]) if spec.key in changes else _cell(data.get(spec.key))
        if cell not in (None, ""):
            row[spec.key] = cell
    return row


def _reasons(submission_id: int) -> str:
    messages = [
        reason["message"]
        for row in RejectedRow.objects.filter(submission_id=submission_id)
        for reason in row.reasons
    ]
    return "；".join(messages)


def submit_correction(record: Record, changes: CorrectedValues) -> RecordVersion:
    """Run the corrected row through the pipeline; the new current version. Call inside the
    answer's transaction: a refusal raises `ObjectionError` and the submission is undone
    with it (its stored file removed here)."""
    if record.current_version is None:
        raise ObjectionError("objections.no_version", _("该记录没有可更正的内容"))
    item = item_of(record)
    row = _row(record, item, changes)
    try:
        submission = records.submit_records(
            organisation=record.organisation, item_code=item.code, records=[row], platform=True
        )
    except records.SubmissionRefused as exc:
        raise ObjectionError("objections.correction_refused", exc.message) from exc
    try:
        done = records.process(submission)
        if done.status != SubmissionStatus.DONE or done.rejected:
            detail = _reasons(done.pk) or done.error_message
            raise ObjectionError(
                "objections.correction_invalid", _("更正内容未通过校验：%s") % detail
            )
        if done.unchanged:
            raise ObjectionError(
                "objections.correction_unchanged", _("更正后的内容与现有记录相同，请修改后再提交")
            )
        record.refresh_from_db()
        if done.new_versions != 1 or record.current_version is None:
            raise ObjectionError(
                "objections.correction_other_record", _("更正内容未能对应到原记录")
            )
        version: RecordVersion = record.current_version
        if version.submission_id != done.pk:
            raise ObjectionError(
                "objections.correction_other_record", _("更正内容未能对应到原记录")
            )
    except BaseException:
        shutil.rmtree(records.stored_file_path(submission).parent, ignore_errors=True)
        raise
    return version
