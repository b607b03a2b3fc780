"""Checks before acting (应查必查): who checked which subject for which business scenario,
what the lists said then, the signed receipt given, and what the checker reported doing.

A check is evidence: its row and receipt are never changed. Feedback is a separate row, one
per check. Only `xinyong.checks.services` writes these tables.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinyong.core.signing import EnvelopeEncoder


def new_check_id() -> str:
    """An opaque id for the API and receipts: 96 random bits."""
    return "chk_" + secrets.token_urlsafe(12)


class Outcome(models.TextChoices):
    APPLIED = "applied", _("已采取措施")
    NOT_APPLIED = "not_applied", _("未采取措施")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("比对中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class BatchCheck(models.Model):
    """A batch comparison (批量比对): a file of codes or names checked for one scenario."""

    public_id = models.CharField(_("编号"), max_length=24, unique=True, default=new_check_id)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT,
        related_name="batch_checks",
    )  # fmt: skip
    created_by = models.CharField(_("提交者"), max_length=150)
    scenario = models.CharField(_("业务场景"), max_length=40)
    matter = models.CharField(_("业务事项"), max_length=200)
    file_name = models.CharField(_("文件名"), max_length=200)
    stored_path = models.CharField(_("存储路径"), max_length=300)
    result_path = models.CharField(_("结果文件"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已比对"), default=0)
    hits = models.PositiveIntegerField(_("命中"), default=0)
    unknown = models.PositiveIntegerField(_("未找到"), default=0)
    error_message = models.CharField(_("错误"), max_length=500, blank=True)
    receipt = models.JSONField(_("签名回执"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    as_of = models.DateTimeField(_("核查时点"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量比对")
        verbose_name_plural = _("批量比对")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.public_id


class Check(models.Model):
    """One check of one subject (or of a query that found none) for one scenario."""

    public_id = models.CharField(_("核查编号"), max_length=24, default=new_check_id)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("核查机构"), on_delete=models.PROTECT,
        related_name="checks", db_index=False,
    )  # fmt: skip
    actor_label = models.CharField(_("核查者"), max_length=150)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), on_delete=models.PROTECT,
        related_name="checks", null=True, blank=True, db_index=False,
    )  # fmt: skip
    query_shown = models.CharField(_("查询内容"), max_length=100)
    scenario = models.CharField(_("业务场景"), max_length=40)
    matter = models.CharField(_("业务事项"), max_length=200)
    as_of = models.DateTimeField(_("核查时点"))
    checked_at = models.DateTimeField(_("核查时间"))
    hit_count = models.PositiveIntegerField(_("命中数"), default=0)
    measure_count = models.PositiveIntegerField(_("措施数"), default=0)
    policy_version = models.PositiveIntegerField(_("政策版本"))
    list_state = models.CharField(_("名单状态"), max_length=64)
    # Stored as signed: an `Envelope` fresh from `sign` is written from its own text.
    receipt = models.JSONField(_("签名回执"), encoder=EnvelopeEncoder)
    feedback_due = models.DateField(_("反馈期限"), null=True, blank=True)
    batch = models.ForeignKey(
        BatchCheck, verbose_name=_("批量比对"), on_delete=models.PROTECT,
        related_name="checks", null=True, blank=True, db_index=False,
    )  # fmt: skip
    batch_row = models.PositiveIntegerField(_("批量比对行号"), null=True, blank=True)

    class Meta:
        verbose_name = _("核查")
        verbose_name_plural = _("核查")
        ordering = ["-checked_at"]
        # A check writes every index it has (one row per check, at a thousand checks a
        # second), so it has none it does not use: the three foreign keys have no index of
        # their own (each leads one below); single checks, which have no batch, are left out
        # of the batch's index; and the public id is unique by a constraint, not by
        # `unique=True`, which on PostgreSQL adds a second index for LIKE that nothing uses.
        constraints = [models.UniqueConstraint(fields=["public_id"], name="check_public_id")]
        indexes = [
            models.Index(fields=["organisation", "-checked_at"], name="check_by_org"),
            models.Index(fields=["subject", "-checked_at"], name="check_by_subject"),
            models.Index(
                fields=["batch", "batch_row"],
                name="check_batch_row",
                condition=Q(batch__isnull=False),
            ),
            models.Index(
                fields=["organisation", "feedback_due"],
                name="check_awaiting_feedback",
                condition=Q(feedback_due__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.public_id


class Feedback(models.Model):
    """What the checker did about a check with hits (反馈): per measure, an outcome and, for
    a measure not applied, the reason."""

    check_ref = models.OneToOneField(
        Check, verbose_name=_("核查"), on_delete=models.PROTECT, related_name="feedback"
    )
    outcomes = models.JSONField(_("各项措施的结果"))
    reported_at = models.DateTimeField(_("反馈时间"))
    reported_by = models.CharField(_("反馈者"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("核查反馈")
        verbose_name_plural = _("核查反馈")

    def __str__(self) -> str:
        return str(self.check_ref.public_id)
