"""The record of the platform's daily jobs: which job ran for which day, and how it ended."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyRun(models.Model):
    """One daily job for one day. Unique per (job, day), so a day's job finishes once
    however many workers wake up; a failed run keeps its error and is tried again."""

    job = models.CharField(_("任务"), max_length=100)
    day = models.DateField(_("日期"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    outcome = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("每日任务")
        verbose_name_plural = _("每日任务")
        ordering = ["-day", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="daily_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
