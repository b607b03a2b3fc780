"""Submissions, records and their versions, rejected rows, events, header mappings.

A record is never updated in place: its content lives in append-only `RecordVersion`s, and
`Record` holds the natural key, the pointer to the current version and the facts derived
from it (publication window, timeliness) that every surface filters on.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.permissions import RestrictedQuerySet


def new_public_id() -> str:
    return uuid.uuid4().hex


class Channel(models.TextChoices):
    FILE = "file", _("文件上传")
    API = "api", _("接口推送")
    FEED = "feed", _("交换数据")
    PLATFORM = "platform", _("平台业务办理")
    """Rows a platform workflow lands in the organisation's name (a signed commitment, a
    finding of breach, an objection's correction): the records a workflow makes are
    versioned only by workflows (`ingest.storage`)."""


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("已接收")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("无法处理")


class Submission(models.Model):
    """One file, API batch or feed page from one organisation for one catalogue item."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("报送机构"), on_delete=models.PROTECT
    )
    item = models.ForeignKey(
        "catalog.CatalogItem", verbose_name=_("目录项"), on_delete=models.PROTECT
    )
    item_version = models.ForeignKey(
        "catalog.PolicyVersion", verbose_name=_("目录项版本"), on_delete=models.PROTECT
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    file_format = models.CharField(_("格式"), max_length=8, blank=True)
    encoding = models.CharField(_("编码"), max_length=16, blank=True)
    file_sha256 = models.CharField(_("文件 SHA-256"), max_length=64, blank=True, db_index=True)
    stored_path = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
    )
    error_code = models.CharField(_("错误代码"), max_length=64, blank=True)
    error_message = models.CharField(_("错误说明"), max_length=500, blank=True)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    accepted = models.PositiveIntegerField(_("接收"), default=0)
    rejected = models.PositiveIntegerField(_("拒收"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    new_records = models.PositiveIntegerField(_("新记录"), default=0)
    new_versions = models.PositiveIntegerField(_("新版本"), default=0)
    late = models.PositiveIntegerField(_("超期报送"), default=0)
    error_file = models.CharField(_("错误文件"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    token = models.ForeignKey(
        "accounts.ApiToken",
        verbose_name=_("令牌"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报送批次")
        verbose_name_plural = _("报送批次")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["organisation", "-received_at"], name="submission_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id[:8]} {self.file_name or self.channel}"


class RecordState(models.TextChoices):
    ACTIVE = "active", _("有效")
    WITHDRAWN = "withdrawn", _("已撤销")


class ObjectionMark(models.TextChoices):
    """How a record under objection (异议处理中) shows while the objection is open: marked,
    or withheld from publication, as its catalogue item's policy says."""

    NONE = "", _("无")
    MARKED = "marked", _("异议处理中")
    WITHHELD = "withheld", _("异议处理中（暂停公示）")


END_NOT_RECORDED = models.Q(state=RecordState.ACTIVE, published=True, repaired_on__isnull=True) & (
    models.Q(publication_ended_on__isnull=True)
    | models.Q(publication_ended_on__lte=models.F("publication_ends"))
)
"""Published, active, unrepaired records without a recorded end of publication, or whose
recorded end a correction has since moved the end date past (published again): with an end
date in the past, what the daily expiry (`records.expiry`) still has to end. The filter of
that job and the condition of its partial index, so that the two match term for term."""


class Record(models.Model):
    """One fact about one subject from one organisation under one catalogue item.

    `natural_key` is SHA-256 of (organisation, item, decision document number, subject): one
    unique index serves the idempotency check of every incoming row. `content_key` and
    `content_check` follow the current version, so a resubmitted row is recognised before its
    subject is linked, and a changed one without reading the versions table.
    """

    natural_key = models.CharField(max_length=64, unique=True)
    content_key = models.BigIntegerField(
        db_index=True,
        help_text="64 bits of SHA-256 over (organisation, item, current content hash): finds "
        "the record an unchanged row repeats without linking its subject again.",
    )
    content_check = models.BigIntegerField(
        help_text="The next 64 bits of the same digest: with content_key, tells whether a "
        "row repeats the current version without reading the version.",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("来源机构"), on_delete=models.PROTECT
    )
    item = models.ForeignKey(
        "catalog.CatalogItem", verbose_name=_("目录项"), on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("信用主体"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    doc_no = models.CharField(_("决定文书号"), max_length=100)
    state = models.CharField(
        _("状态"), max_length=10, choices=RecordState.choices, default=RecordState.ACTIVE
    )
    current_version = models.ForeignKey(
        "RecordVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version_count = models.PositiveIntegerField(_("版本数"), default=0)
    decision_date = models.DateField(_("决定日期"))
    severity = models.CharField(_("严重程度"), max_length=16, blank=True)
    amount = models.DecimalField(
        _("金额（万元）"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The catalogue item's amount field (a fine, arrears) of the current version, "
        "to the yuan: evaluation filters and sums it set-based. NULL: the item has none.",
    )
    published = models.BooleanField(_("公示"), default=True)
    publication_ends = models.DateField(_("公示截止"), null=True, blank=True)
    repair_from = models.DateField(_("可申请修复日期"), null=True, blank=True)
    objection_mark = models.CharField(
        _("异议标注"),
        max_length=8,
        choices=ObjectionMark.choices,
        db_default="",
        blank=True,
        help_text="A database default: the pipeline inserts records with raw bulk statements.",
    )
    repaired_on = models.DateField(
        _("信用修复日期"),
        null=True,
        blank=True,
        help_text="Set by an approved credit repair: publication and sharing stop that day.",
    )
    publication_ended_on = models.DateField(
        _("公示结束日期"),
        null=True,
        blank=True,
        help_text="Set by the daily expiry job, with an audit entry: the proof of takedown.",
    )
    received_at = models.DateTimeField(_("首次接收时间"))
    timeliness_days = models.IntegerField(_("报送用时（工作日）"), null=True, blank=True)
    timeliness_provisional = models.BooleanField(_("用时按暂定日历计算"), default=False)
    late = models.BooleanField(_("超期报送"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        indexes = [
            models.Index(fields=["subject", "item"], name="record_subject_item_idx"),
            models.Index(
                fields=["item", "organisation", "decision_date"], name="record_item_org_date_idx"
            ),
            models.Index(fields=["publication_ends"], name="record_pub_ends_idx"),
            # The daily expiry: what is still to end, by end date (`END_NOT_RECORDED`).
            models.Index(
                fields=["publication_ends"],
                name="record_pub_due_idx",
                condition=END_NOT_RECORDED,
            ),
            # The takedown report: what ended on which day.
            models.Index(
                fields=["publication_ended_on"],
                name="record_pub_ended_idx",
                condition=models.Q(publication_ended_on__isnull=False),
            ),
            # The publicity pages: an item's latest decisions first, read backwards.
            models.Index(fields=["item", "decision_date"], name="record_item_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_no}"


class RecordVersion(models.Model):
    """The content of a record as one submission row gave it (append-only).

    `data` holds the normalised fields by catalogue key; personal identifiers appear only as
    {"masked", "hash", "enc"}; `extra` keeps columns the mapping did not know.
    """

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    submission = models.ForeignKey(
        Submission, verbose_name=_("报送批次"), on_delete=models.PROTECT, related_name="+"
    )
    row_no = models.PositiveIntegerField(_("行号"))
    content_hash = models.CharField(_("内容哈希"), max_length=64)
    data = models.JSONField(_("内容"))
    extra = models.JSONField(_("其他列"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("记录版本")
        verbose_name_plural = _("记录版本")
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="uniq_record_version"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.version}"


class RejectedRow(models.Model):
    """A row that did not land, with every reason (no cell values: they may be personal)."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="rejected_rows"
    )
    row_no = models.PositiveIntegerField(_("行号"))
    reasons = models.JSONField(_("原因"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("拒收行")
        verbose_name_plural = _("拒收行")
        constraints = [
            models.UniqueConstraint(fields=["submission", "row_no"], name="uniq_rejected_row"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.row_no}"


class EventKind(models.TextChoices):
    RECORD_CREATED = "record.created", _("新记录")
    RECORD_VERSIONED = "record.versioned", _("记录更新")
    RECORD_WITHDRAWN = "record.withdrawn", _("记录撤销")
    RECORD_REPAIRED = "record.repaired", _("信用修复")


class RecordEvent(models.Model):
    """Something that happened to a record, for the worker to hand to later stages."""

    kind = models.CharField(_("类型"), max_length=32, choices=EventKind.choices)
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="events")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    processed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("记录事件")
        verbose_name_plural = _("记录事件")
        indexes = [
            # The worker reads pending events in id order.
            models.Index(
                fields=["id"],
                name="event_pending_idx",
                condition=models.Q(processed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}"


class HeaderMapping(models.Model):
    """A department's own column name for a catalogue field (data, not code)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("机构"), on_delete=models.CASCADE
    )
    item = models.ForeignKey(
        "catalog.CatalogItem", verbose_name=_("目录项"), on_delete=models.CASCADE
    )
    header = models.CharField(_("表头"), max_length=100)
    field_key = models.CharField(_("字段"), max_length=64)

    class Meta:
        verbose_name = _("表头映射")
        verbose_name_plural = _("表头映射")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "item", "header"], name="uniq_header_mapping"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.field_key}"
