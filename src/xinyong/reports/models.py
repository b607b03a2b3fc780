"""Issued credit reports: the signed manifest, the stored PDF's hash and the content it
showed, kept so anyone holding the PDF or its verification code can ask later whether it is
genuine, unaltered and still current.

A report is evidence: its row is never changed except to revoke it. Only
`xinyong.reports.services` writes these tables.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """One issued report (信用报告): what it said, for whom, and the proof it is ours."""

    number = models.CharField(_("报告编号"), max_length=24, unique=True)
    code = models.CharField(_("验证码"), max_length=24, unique=True)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), on_delete=models.PROTECT,
        related_name="reports",
    )  # fmt: skip
    type_code = models.CharField(_("报告类型"), max_length=40)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    audience = models.CharField(_("申请人类别"), max_length=20)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("申请机构"), on_delete=models.PROTECT,
        related_name="reports", null=True, blank=True,
    )  # fmt: skip
    requested_by = models.CharField(_("申请人"), max_length=150, blank=True)
    scope = models.JSONField(_("范围"))
    content = models.JSONField(_("内容"))
    fingerprint = models.CharField(_("内容指纹"), max_length=64)
    cut_off = models.DateTimeField(_("数据截止时间"))
    issued_at = models.DateTimeField(_("出具时间"))
    monochrome = models.BooleanField(_("打印版"), default=False)
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("文件大小"))
    stored_path = models.CharField(_("存储路径"), max_length=300)
    manifest = models.JSONField(_("签名清单"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revocation_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    batch = models.ForeignKey(
        "ReportBatch", verbose_name=_("批量出具"), on_delete=models.PROTECT,
        related_name="reports", null=True, blank=True,
    )  # fmt: skip

    class Meta:
        verbose_name = _("信用报告")
        verbose_name_plural = _("信用报告")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["subject", "-issued_at"], name="report_subject_recent")]

    def __str__(self) -> str:
        return self.number


class ReportRecord(models.Model):
    """A record a report rests on: a correction or withdrawal of it revokes the report.

    `record_id` is a plain number, not a foreign key: the link is only looked up by record,
    and records are never deleted."""

    report = models.ForeignKey(
        Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="record_links"
    )
    record_id = models.BigIntegerField(_("记录"), db_index=True)

    class Meta:
        verbose_name = _("报告所依据的记录")
        verbose_name_plural = _("报告所依据的记录")
        constraints = [
            models.UniqueConstraint(fields=["report", "record_id"], name="report_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.record_id}"


def new_batch_id() -> str:
    """An opaque id for the API and the office pages: 96 random bits."""
    return "rpb_" + secrets.token_urlsafe(12)


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("出具中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ReportBatch(models.Model):
    """Reports issued in one go for an organisation (a procurement centre's list of bidders),
    delivered as a ZIP of PDFs with a list (清单) of what was and was not issued.

    The list is resolved when it is submitted and kept in `rows` with each query masked —
    the uploaded file itself is not kept, so no ID number it carried is stored in clear."""

    public_id = models.CharField(_("编号"), max_length=24, unique=True, default=new_batch_id)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT,
        related_name="report_batches",
    )  # fmt: skip
    created_by = models.CharField(_("提交者"), max_length=150)
    type_code = models.CharField(_("报告类型"), max_length=40)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    monochrome = models.BooleanField(_("打印版"), default=False)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    rows = models.JSONField(_("主体清单"))
    status = models.CharField(
        _("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("总行数"))
    done = models.PositiveIntegerField(_("已处理"), default=0)
    failed = models.PositiveIntegerField(_("未出具"), default=0)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    zip_path = models.CharField(_("压缩包"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量出具")
        verbose_name_plural = _("批量出具")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="report_batch_by_org")]

    def __str__(self) -> str:
        return self.public_id
