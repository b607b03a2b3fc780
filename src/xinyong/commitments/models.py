"""Credit commitments (信用承诺) and every event in their life.

A subject signs a commitment in its account, or a department registers one signed on paper,
about a matter (a licence applied for under 告知承诺制, a repair, industry self-discipline, a
voluntary public promise), addressed to an accepting unit (承诺受理单位). Its text is
rendered from the policy's template and hashed as signed. Public commitments are published
as records of the catalogue item XYCN through the ingestion pipeline, in the accepting
unit's name. The accepting unit later records fulfilment, or a breach — which also lands a
negative record (WBXYCN) with its legal basis. `CommitmentEvent` keeps every step,
append-only. Only `xinyong.commitments.services` writes these tables.

URLs and the audit log name a commitment by `public_id`; people read its `number`.
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


class CommitmentState(models.TextChoices):
    IN_FORCE = "in_force", _("在履约")
    FULFILLED = "fulfilled", _("已履约")
    BREACHED = "breached", _("未履约（违诺）")
    WITHDRAWN = "withdrawn", _("已撤销")


class SigningChannel(models.TextChoices):
    ACCOUNT = "account", _("主体在线签署")
    OFFICE = "office", _("部门登记")


class EventKind(models.TextChoices):
    SIGN = "sign", _("在线签署")
    REGISTER = "register", _("部门登记")
    FULFIL = "fulfil", _("确认履约")
    BREACH = "breach", _("认定违诺")
    WITHDRAW = "withdraw", _("撤销")


class Commitment(models.Model):
    """One commitment of one subject to one accepting unit."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("承诺主体"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    type_code = models.CharField(_("承诺类型代码"), max_length=64)
    type_name = models.CharField(
        _("承诺类型"),
        max_length=100,
        help_text="The type's catalogue value (承诺类型 of XYCN) as it stood when signed.",
    )
    title = models.CharField(_("承诺书名称"), max_length=100)
    matter = models.CharField(_("承诺事项"), max_length=500)
    reference = models.CharField(
        _("关联业务编号"),
        max_length=100,
        blank=True,
        help_text="The business the commitment belongs to, e.g. a licence application number.",
    )
    text = models.TextField(_("承诺内容"))
    text_sha256 = models.CharField(_("承诺内容 SHA-256"), max_length=64)
    legal_rep = models.CharField(
        _("法定代表人（负责人）"),
        max_length=50,
        blank=True,
        help_text="Required for legal persons by the catalogue's subject block; public there.",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("承诺受理单位"),
        on_delete=models.PROTECT,
        related_name="accepted_commitments",
    )
    channel = models.CharField(_("签署方式"), max_length=8, choices=SigningChannel.choices)
    signed_by = models.ForeignKey(
        "rights.SubjectMember",
        verbose_name=_("签署人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_public = models.BooleanField(_("向社会公开"))
    signed_on = models.DateField(_("承诺日期"))
    signed_at = models.DateTimeField(_("签署时间"))
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=CommitmentState.choices,
        default=CommitmentState.IN_FORCE,
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    published_record = models.ForeignKey(
        "records.Record",
        verbose_name=_("公示记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    breach_doc_no = models.CharField(_("违诺认定文书号"), max_length=100, blank=True)
    breach_facts = models.TextField(_("违背承诺的事实"), blank=True)
    breach_record = models.ForeignKey(
        "records.Record",
        verbose_name=_("违诺记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用承诺")
        verbose_name_plural = _("信用承诺")
        ordering = ["-signed_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "state"], name="commitment_org_state_idx"),
            models.Index(fields=["subject", "-signed_at"], name="commitment_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(channel="account", signed_by__isnull=False, registered_by__isnull=True)
                    | Q(channel="office", signed_by__isnull=True, registered_by__isnull=False)
                ),
                name="commitment_signer_matches_channel",
            ),
            models.UniqueConstraint(
                fields=["organisation", "breach_doc_no"],
                condition=~Q(breach_doc_no=""),
                name="commitment_unique_breach_doc_no",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The commitment number people quote (承诺书编号): CN, the year signed, a serial."""
        return f"CN{self.signed_on.year}{self.pk:07d}" if self.pk else ""

    @property
    def is_in_force(self) -> bool:
        return self.state == CommitmentState.IN_FORCE


class CommitmentEvent(models.Model):
    """One step in a commitment's history, never changed once written: what was done, the
    day it counts for (`on`), when it was recorded (`at`), by which organisation and actor,
    with its details (a breach keeps its decision number and facts here)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=10, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("记录时间"), default=timezone.now)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作者"), max_length=150)
    details = models.JSONField(_("内容"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用承诺事项")
        verbose_name_plural = _("信用承诺事项")
        ordering = ["commitment", "id"]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.kind} {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("commitment events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("commitment events are append-only")
