"""Consents (授权): a subject lets one credit service agency or bank read named catalogue items
of its credit information, for a stated purpose, until a date.

A consent is the legal basis of every authorised read (授权查询): the read API and the
financing pages serve only what an active consent names, and each served read is written to
the subject's access log with the consent's number. Revocation is a state (`revoked_at`),
never a deletion, so the log keeps pointing at the grant it relied on. Only
`xinyong.consents.services` writes this table.

URLs and the audit log name a consent by `public_id`; people read its `number`.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core.permissions import RestrictedQuerySet


def new_public_id() -> str:
    return uuid.uuid4().hex


class ConsentState(models.TextChoices):
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤回")


class Consent(models.Model):
    """One subject's grant to one organisation (an agency or a bank)."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("授权主体"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("被授权机构"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    item_codes = models.JSONField(_("授权目录项"), default=list)
    purpose = models.CharField(_("授权用途"), max_length=200)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"))
    granted_at = models.DateTimeField(_("授权时间"))
    granted_by = models.ForeignKey(
        "rights.SubjectMember",
        verbose_name=_("授权人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "rights.SubjectMember",
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reference = models.CharField(
        _("业务关联"),
        max_length=64,
        blank=True,
        help_text="What the grant was made for, e.g. financing:<number>; empty for a direct grant.",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        ordering = ["-granted_at", "-pk"]
        indexes = [
            # A read: the pair's grants, newest first.
            models.Index(
                fields=["subject", "organisation", "-granted_at"], name="consent_pair_idx"
            ),
            # An agency's or bank's list of the grants made to it.
            models.Index(fields=["organisation", "-granted_at"], name="consent_grantee_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="consent_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The consent number people quote (授权书编号): the year granted and a serial."""
        return f"SQ{self.valid_from.year}{self.pk:06d}" if self.pk else ""

    def state(self, today: datetime.date | None = None) -> ConsentState:
        """Revoked beats expired; outside [valid_from, valid_until] is not active."""
        if self.revoked_at is not None:
            return ConsentState.REVOKED
        day = today or timezone.localdate()
        if self.valid_from <= day <= self.valid_until:
            return ConsentState.ACTIVE
        return ConsentState.EXPIRED
