"""Published model versions, runs, scores and the subjects waiting for re-evaluation.

Model versions and scores are append-only: a weight changed in a model file becomes a new
version, and every run adds scores, so a subject's grade history (and the model behind each
grade) stays readable. A subject's current grade under a model is its latest score.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core.models.audit import AppendOnlyError


def new_public_id() -> str:
    return uuid.uuid4().hex


class ModelVersion(models.Model):
    """One published version of one evaluation model: the validated file's content."""

    code = models.CharField(_("模型代码"), max_length=32)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=200)
    content = models.JSONField(_("内容"))
    content_hash = models.CharField(_("内容 SHA-256"), max_length=64)
    file_name = models.CharField(_("文件名"), max_length=255)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.CharField(_("发布人"), max_length=150)

    class Meta:
        verbose_name = _("评价模型版本")
        verbose_name_plural = _("评价模型版本")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_eval_model_version"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("evaluation model versions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("evaluation model versions are append-only")


class RunKind(models.TextChoices):
    FULL = "full", _("全量评价")
    SUBJECTS = "subjects", _("指定主体评价")


class RunTrigger(models.TextChoices):
    CLI = "cli", _("命令行")
    SCHEDULE = "schedule", _("定期评价")
    EVENT = "event", _("信息变动")
    OFFICE = "office", _("后台操作")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Run(models.Model):
    """One evaluation of all eligible subjects, or of a set of them, by one model version
    with data cut off at the end of `as_of`."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    model_version = models.ForeignKey(
        ModelVersion, verbose_name=_("模型版本"), on_delete=models.PROTECT, related_name="runs"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=RunKind.choices)
    trigger = models.CharField(_("触发方式"), max_length=10, choices=RunTrigger.choices)
    as_of = models.DateField(_("数据截止日期"))
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    subjects = models.PositiveIntegerField(_("评价主体数"), default=0)
    grade_counts = models.JSONField(_("各等级主体数"), default=dict, blank=True)
    error = models.CharField(_("错误"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("评价批次")
        verbose_name_plural = _("评价批次")
        ordering = ["-started_at", "-pk"]
        indexes = [
            # The schedule: a model's last finished full run.
            models.Index(fields=["kind", "status", "-as_of"], name="eval_run_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id[:8]} {self.model_version} {self.as_of}"


class Score(models.Model):
    """One subject's score and grade from one run; never changed once written.

    `points` holds each indicator's points in the model's indicator order (comma-joined),
    `knockout` the indicator that capped the grade ('' when none), `facts_used` how many
    records and list entries matched at least one indicator.

    The foreign keys have no database constraints: a full run inserts 1.5 million scores in
    one statement, and PostgreSQL checks every constrained key of every row at commit (about
    15 s per key at that size). The rows come from the run's own SELECT over existing
    subjects, in the transaction that made the run, and nothing deletes subjects, runs or
    versions (PROTECT), so the constraints would check what cannot fail."""

    run = models.ForeignKey(
        Run,
        verbose_name=_("评价批次"),
        on_delete=models.PROTECT,
        related_name="scores",
        db_constraint=False,
    )
    model_version = models.ForeignKey(
        ModelVersion,
        verbose_name=_("模型版本"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    model_code = models.CharField(_("模型代码"), max_length=32)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("信用主体"),
        on_delete=models.PROTECT,
        related_name="evaluation_scores",
        db_index=False,
        db_constraint=False,
    )
    score = models.SmallIntegerField(_("得分"))
    grade = models.CharField(_("等级"), max_length=2)
    legacy_grade = models.CharField(_("原等级"), max_length=1, blank=True)
    points = models.TextField(_("各指标得分"), blank=True)
    knockout = models.CharField(_("否决指标"), max_length=64, blank=True)
    facts_used = models.IntegerField(_("依据信息数"))

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        indexes = [
            # The current grade: a subject's latest score under a model.
            models.Index(fields=["subject", "model_code", "-id"], name="eval_score_current_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.model_code} {self.subject_id} {self.grade}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("scores are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("scores are append-only")

    @property
    def indicator_points(self) -> list[int]:
        """`points` as integers, in the model's indicator order."""
        return [int(p) for p in self.points.split(",")] if self.points else []


class Stale(models.Model):
    """A subject whose records or list entries changed since its last score: the minute
    task re-evaluates it under every published model, then removes the mark."""

    subject = models.OneToOneField(
        "subjects.Subject", verbose_name=_("信用主体"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=32)
    queued_at = models.DateTimeField(_("标记时间"), db_index=True)

    class Meta:
        verbose_name = _("待重新评价主体")
        verbose_name_plural = _("待重新评价主体")

    def __str__(self) -> str:
        return f"{self.subject_id} {self.reason}"


class Watermark(models.Model):
    """How far a sweep for changes has read (list entries, objection outcomes, days)."""

    name = models.CharField(_("名称"), max_length=32, unique=True)
    at = models.DateTimeField(_("截至"))

    class Meta:
        verbose_name = _("变动扫描进度")
        verbose_name_plural = _("变动扫描进度")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
