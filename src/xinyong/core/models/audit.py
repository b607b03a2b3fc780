"""The append-only, hash-chained audit log."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.permissions import RestrictedQuerySet


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit entry through the ORM."""


class AuditEntry(models.Model):
    """One state change or one read of non-public data.

    `seq` is contiguous from 1 and `entry_hash` covers `prev_hash`, so an edited, removed
    or reordered entry breaks the chain that `xinyong audit verify` walks.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"))
    actor_label = models.CharField(_("操作者"), max_length=150)
    actor_user_id = models.BigIntegerField(_("用户"), null=True, blank=True)
    organisation_id = models.BigIntegerField(_("机构"), null=True, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象"), max_length=64)
    purpose = models.CharField(_("目的"), max_length=200, blank=True)
    request_id = models.CharField(_("请求"), max_length=64, blank=True)
    job_id = models.CharField(_("任务"), max_length=64, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are append-only")


class AuditHead(models.Model):
    """The chain's tip (a single row), kept in the same transaction as each append.

    Without it, removing the newest entries would leave a chain that still verifies.
    """

    seq = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.entry_hash[:12]}"
