"""Districts of the configured city and the operator's allowlist of irregular codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A district (GB/T 2260 code), current or abolished; loaded from policy data."""

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    is_current = models.BooleanField(_("现行"), default=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("并入"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class IrregularCode(models.Model):
    """A code issued in the wild that fails its check, admitted by an operator's decision."""

    code = models.CharField(_("代码"), max_length=18, unique=True)
    reason = models.CharField(_("理由"), max_length=200)
    admitted_by = models.CharField(_("批准人"), max_length=150)
    admitted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("不规范代码白名单")
        verbose_name_plural = _("不规范代码白名单")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
