"""Tip-offs (失信行为举报) from the public, and how the departments handle them.

Anyone may report suspected dishonest conduct of a subject without an account. The credit
office routes each tip-off to the competent department, which investigates (notes) and closes
it with an outcome; a substantiated tip-off may carry a reward. A tip-off never creates a
credit record: only the department's own decision does, through the ingestion pipeline.
Only `xinyong.tipoffs.services` writes these tables.

What is protected, and from whom:
- The informant's contact details (name, mobile, email) are one AES-GCM ciphertext bound to
  the tip-off (`contact_context`); only staff of the department the tip-off is routed to
  decrypt them, and each such read is audited. The credit office, other departments and the
  admin never see them in clear; nothing writes them to the audit log or a log line.
- A report about a natural person names the person only (no ID number is accepted, nobody is
  looked up, the tip-off is never linked to a person's subject): the name is encrypted like
  the contact details (`person_context`) and shown masked (`张**`) to everyone but the
  handling department. An organisation is named in clear and linked to its subject when its
  unified social credit code matches one the platform holds.
- The receipt code the informant follows the case with is shown once and kept only as a
  keyed hash (`receipt_hash`).

URLs and the audit log name a tip-off by `public_id`; people read its `number`.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.permissions import RestrictedQuerySet


def new_public_id() -> str:
    return uuid.uuid4().hex


def contact_context(public_id: str) -> str:
    """Crypto context of a tip-off's contact details: a ciphertext moved to another tip-off
    (or another column) does not decrypt."""
    return f"tipoffs.contact/{public_id}"


def person_context(public_id: str) -> str:
    """Crypto context of the name of a natural person reported."""
    return f"tipoffs.reported_person/{public_id}"


RECEIPT_CONTEXT = "tipoffs.receipt"
"""HMAC domain of receipt codes."""


class ReportedKind(models.TextChoices):
    ORGANISATION = "organisation", _("企业或其他组织")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    PERSON = "person", _("自然人")


class TipOffState(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ROUTED = "routed", _("已转办")
    INVESTIGATING = "investigating", _("调查中")
    CLOSED = "closed", _("已办结")


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("查证属实")
    NOT_SUBSTANTIATED = "not_substantiated", _("查无实据")
    TRANSFERRED = "transferred", _("移送其他机关处理")


class TipOff(models.Model):
    """One tip-off, from its filing to its outcome (and reward)."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    receipt_hash = models.CharField(max_length=64, unique=True)
    category = models.CharField(_("举报类别"), max_length=32)
    category_name = models.CharField(
        _("举报类别名称"), max_length=100, help_text="The category's name when filed."
    )
    reported_kind = models.CharField(
        _("被举报对象类型"), max_length=20, choices=ReportedKind.choices
    )
    reported_name = models.CharField(
        _("被举报对象名称"),
        max_length=200,
        help_text="An organisation's name as typed; a natural person's masked (张**).",
    )
    reported_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, help_text="Organisations only."
    )
    person_name_encrypted = models.TextField(blank=True, default="")
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("关联信用主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation whose code matched; never a natural person.",
    )
    facts = models.TextField(_("举报事实"))
    anonymous = models.BooleanField(_("匿名举报"), default=True)
    contact_encrypted = models.TextField(blank=True, default="")
    state = models.CharField(
        _("状态"), max_length=16, choices=TipOffState.choices, default=TipOffState.RECEIVED
    )
    filed_at = models.DateTimeField(_("举报时间"))
    filed_on = models.DateField(_("举报日期"))
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    routing_note = models.TextField(_("转办说明"), blank=True)
    routed_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    routed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("转办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    investigation_started_at = models.DateTimeField(_("开始调查时间"), null=True, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_summary = models.TextField(_("办理情况"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reward_amount = models.DecimalField(
        _("奖励金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reward_decided_on = models.DateField(_("奖励决定日期"), null=True, blank=True)
    reward_decided_by = models.CharField(_("奖励决定机关"), max_length=100, blank=True)
    reward_recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("奖励登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("失信行为举报")
        verbose_name_plural = _("失信行为举报")
        ordering = ["-filed_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "filed_at"], name="tipoff_state_idx"),
            models.Index(fields=["department", "state"], name="tipoff_department_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The tip-off number people quote (举报编号): the year filed and a serial."""
        return f"JB{self.filed_on.year}{self.pk:06d}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.state != TipOffState.CLOSED

    @property
    def has_reward(self) -> bool:
        return self.reward_amount is not None


class TipOffAttachment(models.Model):
    """A file the informant filed with a tip-off (checked and stored by `rights.files`)."""

    tipoff = models.ForeignKey(TipOff, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=64)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_path = models.CharField(max_length=500)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("举报材料")
        verbose_name_plural = _("举报材料")
        ordering = ["tipoff", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["tipoff", "position"], name="tipoff_attachment_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tipoff_id}/{self.position} {self.name}"


class TipOffNote(models.Model):
    """One step of the handling department's investigation, as its staff wrote it."""

    tipoff = models.ForeignKey(TipOff, on_delete=models.PROTECT, related_name="notes")
    written_at = models.DateTimeField(_("记录时间"))
    written_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("调查记录"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("举报调查记录")
        verbose_name_plural = _("举报调查记录")
        ordering = ["tipoff", "written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.tipoff_id}@{self.written_at:%Y-%m-%d %H:%M}"
