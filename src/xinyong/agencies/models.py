"""The registry of credit service agencies (信用服务机构备案) and the history of each filing.

An agency is at once an `accounts.Organisation` of kind agency (it signs in, holds API
tokens and receives subjects' consents while its filing stands) and a `subjects.Subject`
(its own credit file on the portal, linked by its USCC). A filing is made, changed and
cancelled in the back office; every step is an `AgencyEvent`, never changed once written.
A cancelled agency may file again later: a new filing, with a new number. Only
`xinyong.agencies.services` writes these tables.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core.models.audit import AppendOnlyError
from xinyong.core.permissions import RestrictedQuerySet


def new_public_id() -> str:
    return uuid.uuid4().hex


class AgencyStatus(models.TextChoices):
    FILED = "filed", _("已备案")
    CHANGED = "changed", _("已变更")
    CANCELLED = "cancelled", _("已注销")


LIVE_STATUSES = (AgencyStatus.FILED, AgencyStatus.CHANGED)
"""The statuses of a filing that stands: the agency is active."""


class BusinessScope(models.TextChoices):
    """The kinds of credit service an agency files for (its 业务范围), stored by code."""

    CREDIT_REPORTING = "credit_reporting", _("征信")
    CREDIT_RATING = "credit_rating", _("信用评级")
    CREDIT_EVALUATION = "credit_evaluation", _("信用评价")
    CREDIT_INVESTIGATION = "credit_investigation", _("信用调查")
    CREDIT_CONSULTING = "credit_consulting", _("信用管理咨询")
    RECEIVABLES = "receivables", _("商账管理")
    CREDIT_TRAINING = "credit_training", _("信用培训")


class EventKind(models.TextChoices):
    FILED = "filed", _("备案")
    CHANGED = "changed", _("变更")
    CANCELLED = "cancelled", _("注销")


class AgencyFiling(models.Model):
    """One filing of one agency: its registered details as they stand now."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("机构"),
        on_delete=models.PROTECT,
        related_name="agency_filings",
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("信用主体"),
        on_delete=models.PROTECT,
        related_name="agency_filings",
    )
    number = models.CharField(_("备案编号"), max_length=40, unique=True)
    authority = models.CharField(_("备案机关"), max_length=100)
    filed_on = models.DateField(_("备案日期"))
    name = models.CharField(_("机构名称"), max_length=200)
    address = models.CharField(_("注册地址"), max_length=200)
    legal_representative = models.CharField(
        _("法定代表人"),
        max_length=50,
        help_text="A person's name: shown masked on public pages and in the audit log.",
    )
    scopes = models.JSONField(_("业务范围"), default=list)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    status = models.CharField(
        _("状态"), max_length=10, choices=AgencyStatus.choices, default=AgencyStatus.FILED
    )
    changed_on = models.DateField(_("最近变更日期"), null=True, blank=True)
    cancelled_on = models.DateField(_("注销日期"), null=True, blank=True)
    cancel_reason = models.TextField(_("注销原因"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用服务机构备案")
        verbose_name_plural = _("信用服务机构备案")
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=~Q(status="cancelled"),
                name="agency_one_standing_filing",
            ),
        ]
        indexes = [models.Index(fields=["status", "-filed_on"], name="agency_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == AgencyStatus.CANCELLED

    def scope_labels(self) -> list[str]:
        """The business scope in words, in the order of `BusinessScope`."""
        return [str(label) for code, label in BusinessScope.choices if code in self.scopes]


class AgencyEvent(models.Model):
    """One step of a filing's history: filed (with the details filed), changed (each
    changed field before and after), or cancelled (with the reason)."""

    filing = models.ForeignKey(AgencyFiling, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=10, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("记录时间"), default=timezone.now)
    actor_label = models.CharField(_("操作者"), max_length=150)
    changes = models.JSONField(
        _("内容"),
        default=dict,
        blank=True,
        help_text="Field → [before, after]; a filing has no before (None).",
    )
    reason = models.TextField(_("原因或说明"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("备案事项")
        verbose_name_plural = _("备案事项")
        ordering = ["filing", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.kind} {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("agency events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("agency events are append-only")
