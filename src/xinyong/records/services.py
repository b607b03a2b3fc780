"""The records service layer: the only code that creates submissions, records and versions.

Three ways in — a file (`xinyong ingest`, the back office upload), JSON records (the API)
and, later, peer feeds — all end in `submit_*` (store what was sent, check the sender's right
to send it, create the submission) and `process` (the pipeline, run by the CLI directly or by
the worker after `enqueue`). Views, the API and the CLI read through `submissions_visible_to`
and `quality_by_organisation`, which go through `restrict()`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from xinyong.accounts.models import ApiToken, Organisation, Role, User
from xinyong.catalog.models import CatalogItem
from xinyong.core import audit
from xinyong.core.errors import ReasonedError
from xinyong.core.permissions import VIEW, Viewer
from xinyong.records.ingest import pipeline
from xinyong.records.ingest.readers import MAX_FILE_BYTES
from xinyong.records.models import Channel, Record, Submission

__all__ = [
    "OrganisationQuality",
    "SubmissionRefused",
    "enqueue",
    "error_file_path",
    "process",
    "quality_by_organisation",
    "stored_file_path",
    "submission_summary",
    "submissions_visible_to",
    "submit_file",
    "submit_records",
]

SUBMIT_SCOPE = "records:submit"
SUBMITTING_ROLES = frozenset({Role.SUBMITTER.value, Role.ADMIN.value})
MAX_RECORDS = 10_000
"""Records per API submission: larger sets go as files."""
_CHUNK = 1 << 20
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


class SubmissionRefused(ReasonedError):
    """The submission is not accepted at all (nothing stored); `code` says why."""

    @property
    def code(self) -> str:
        return self.reason


def _submission_dir(public_id: str) -> Path:
    return Path(settings.XINYONG_VAR_DIR) / "submissions" / public_id[:2] / public_id


def _relative(path: Path) -> str:
    return str(path.relative_to(Path(settings.XINYONG_VAR_DIR)))


def _item_for(
    organisation: Organisation, item_code: str, user: User | None, token: ApiToken | None
) -> CatalogItem:
    """The current catalogue item, if `organisation` (through `user` or `token`) may submit
    it: the item names it among its source departments, or its kind among the source kinds."""
    if not organisation.is_active:
        raise SubmissionRefused("organisation.inactive", _("该机构已停用，不能报送"))
    if user is not None and not user.is_superuser:
        if user.organisation_id != organisation.pk:
            raise SubmissionRefused("user.other_organisation", _("只能以本人所在机构的名义报送"))
        if not (user.role_codes() & SUBMITTING_ROLES):
            raise SubmissionRefused("user.no_role", _("需要报送员或管理员角色才能报送"))
    if token is not None:
        if token.organisation_id != organisation.pk:
            raise SubmissionRefused("token.other_organisation", _("令牌不属于该机构"))
        if token.state() != ApiToken.State.ACTIVE:
            raise SubmissionRefused("token.inactive", _("令牌已过期或已吊销"))
        if SUBMIT_SCOPE not in token.scopes:
            raise SubmissionRefused(
                "token.scope", _("令牌没有报送信用记录（records:submit）的权限")
            )
    item = (
        CatalogItem.objects.select_related("current_version")
        .filter(code=item_code, is_active=True)
        .first()
    )
    if item is None:
        raise SubmissionRefused("item.unknown", _("目录中没有现行的目录项 %s") % item_code[:32])
    by_kind = organisation.kind in item.source_kinds
    if not by_kind and not item.source_departments.filter(pk=organisation.pk).exists():
        raise SubmissionRefused(
            "item.not_source",
            _("%(org)s 不是目录项“%(item)s”的信息来源单位，不能报送")
            % {"org": organisation.name, "item": item.name},
        )
    return item


def _safe_name(file_name: str) -> str:
    name = _UNSAFE_NAME.sub("_", os.path.basename(file_name.replace("\\", "/"))).strip()
    return name[-255:] or "upload"


def _store(upload: IO[bytes], target: Path) -> tuple[str, int]:
    """Copy `upload` to `target` in chunks; (SHA-256, size). Refuses an empty file and one
    larger than the readers accept, before it fills the disk."""
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while chunk := upload.read(_CHUNK):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise SubmissionRefused(
                    "file.too_large",
                    _("文件过大：最多 %d MB") % (MAX_FILE_BYTES // (1 << 20)),
                )
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise SubmissionRefused("file.empty", _("文件是空的"))
    return digest.hexdigest(), size


def _create(
    *,
    organisation: Organisation,
    item: CatalogItem,
    channel: str,
    file_name: str,
    write: Callable[[Path], tuple[str, int]],
    suffix: str,
    user: User | None,
    token: ApiToken | None,
) -> Submission:
    submission = Submission(
        organisation=organisation,
        item=item,
        item_version=item.current_version,
        channel=channel,
        file_name=file_name,
        submitted_by=user,
        token=token,
    )
    folder = _submission_dir(submission.public_id)
    folder.mkdir(parents=True, exist_ok=False)
    target = folder / f"upload{suffix}"
    try:
        sha256, size = write(target)
        submission.file_sha256 = sha256
        submission.stored_path = _relative(target)
        with transaction.atomic():
            submission.save()
            audit.record(
                "submission.receive",
                pipeline.SUBMISSION_TYPE,
                submission.public_id,
                after={
                    "organisation": organisation.uscc,
                    "item": item.code,
                    "channel": channel,
                    "sha256": sha256,
                    "bytes": size,
                },
                organisation_id=organisation.pk,
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return submission


def submit_file(
    *,
    organisation: Organisation,
    item_code: str,
    upload: IO[bytes],
    file_name: str,
    user: User | None = None,
    token: ApiToken | None = None,
    channel: str = Channel.FILE,
) -> Submission:
    """Store an uploaded file and create its submission (status received); SubmissionRefused
    when the sender may not submit the item or the file is empty or too large."""
    item = _item_for(organisation, item_code, user, token)
    name = _safe_name(file_name)
    suffix = Path(name).suffix.lower()
    return _create(
        organisation=organisation,
        item=item,
        channel=channel,
        file_name=name,
        write=lambda target: _store(upload, target),
        suffix=suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else "",
        user=user,
        token=token,
    )


def submit_records(
    *,
    organisation: Organisation,
    item_code: str,
    records: list[dict[str, object]],
    token: ApiToken | None = None,
    user: User | None = None,
    platform: bool = False,
) -> Submission:
    """Store API records (objects keyed by field names) as JSON and create their submission.
    `platform`: the rows come from a platform workflow acting in the organisation's name,
    the only channel that may change the records it makes (see `ingest.storage`)."""
    item = _item_for(organisation, item_code, user, token)
    if not records:
        raise SubmissionRefused("records.empty", _("没有要报送的记录"))
    if len(records) > MAX_RECORDS:
        raise SubmissionRefused(
            "records.too_many", _("一次最多报送 %d 条记录，更多请以文件报送") % MAX_RECORDS
        )
    if not all(isinstance(record, dict) for record in records):
        raise SubmissionRefused("records.invalid", _("每条记录应为一个 JSON 对象"))
    body = json.dumps(records, ensure_ascii=False, default=str, separators=(",", ":"))
    data = body.encode("utf-8")

    def write(target: Path) -> tuple[str, int]:
        target.write_bytes(data)
        return hashlib.sha256(data).hexdigest(), len(data)

    return _create(
        organisation=organisation,
        item=item,
        channel=Channel.PLATFORM if platform else Channel.API,
        file_name="",
        write=write,
        suffix=".json",
        user=user,
        token=token,
    )


def process(
    submission: Submission, *, progress: Callable[[int, int | None], None] | None = None
) -> Submission:
    """Run the pipeline synchronously; idempotent, and safe to run again after a crash."""
    return pipeline.process(submission, progress=progress)


def enqueue(submission: Submission) -> None:
    """Have the worker process the submission once the current transaction commits."""
    from xinyong.records.tasks import process_submission

    pk = submission.pk
    transaction.on_commit(lambda: process_submission.enqueue(pk))


def stored_file_path(submission: Submission) -> Path:
    """The file as it was submitted (API records: as a JSON array)."""
    return pipeline.stored_path(submission)


def error_file_path(submission: Submission) -> Path | None:
    """The error file (rejected rows with reasons), if the submission has one."""
    if not submission.error_file:
        return None
    path = Path(settings.XINYONG_VAR_DIR) / submission.error_file
    return path if path.is_file() else None


def submission_summary(submission: Submission) -> dict[str, Any]:
    """What the CLI and the API print: ids, status, progress, counts and the error file."""
    data = pipeline.summary(submission)
    path = error_file_path(submission)
    data["errors_file"] = str(path) if path is not None else None
    return data


def submissions_visible_to(viewer: Viewer) -> QuerySet[Submission]:
    """The submissions `viewer` may see, newest first."""
    rows = Submission.objects.restrict(viewer, VIEW)
    return rows.select_related("organisation", "item")


@dataclass(frozen=True)
class OrganisationQuality:
    """How well and how promptly one organisation submits (over what the viewer may see).

    `quality_rate` is accepted rows over processed rows; `on_time_rate` the share of records
    first received within their deadline; `timeliness_avg_days` the mean working days from
    decision to receipt.
    """

    organisation_uscc: str
    organisation_name: str
    submissions: int
    rows: int
    accepted: int
    rejected: int
    new_records: int
    late: int
    quality_rate: float | None
    on_time_rate: float | None
    timeliness_avg_days: float | None

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def quality_by_organisation(viewer: Viewer) -> list[OrganisationQuality]:
    """Counts, quality rate and timeliness per submitting organisation, by USCC."""
    totals = (
        submissions_visible_to(viewer)
        .values("organisation", "organisation__uscc", "organisation__name")
        .annotate(
            n=Count("pk"),
            rows=Sum("rows_done"),
            accepted_sum=Sum("accepted"),
            rejected_sum=Sum("rejected"),
            new_sum=Sum("new_records"),
            late_sum=Sum("late"),
        )
        .order_by("organisation__uscc")
    )
    timeliness = {
        row["organisation"]: row["avg"]
        for row in Record.objects.restrict(viewer, VIEW)
        .filter(~Q(timeliness_days=None))
        .values("organisation")
        .annotate(avg=Avg("timeliness_days"))
        .order_by()
    }
    result = []
    for row in totals:
        rows, new = row["rows"] or 0, row["new_sum"] or 0
        avg = timeliness.get(row["organisation"])
        result.append(
            OrganisationQuality(
                organisation_uscc=row["organisation__uscc"],
                organisation_name=row["organisation__name"],
                submissions=row["n"],
                rows=rows,
                accepted=row["accepted_sum"] or 0,
                rejected=row["rejected_sum"] or 0,
                new_records=new,
                late=row["late_sum"] or 0,
                quality_rate=round((row["accepted_sum"] or 0) / rows, 4) if rows else None,
                on_time_rate=round(1 - (row["late_sum"] or 0) / new, 4) if new else None,
                timeliness_avg_days=round(float(avg), 2) if avg is not None else None,
            )
        )
    return result
