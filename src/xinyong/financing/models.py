"""Financing matchmaking (银企对接 / 信易贷): a subject's financing request, each bank's review
of it, and the decisions a bank records.

A subject publishes a request (amount in 万元, term, purpose) to the banks it chooses; for
each bank the subject grants a consent (`xinyong.consents`) over its credit profile while the
request is open, so the bank reads exactly the agreed items and the read lands in the
subject's access log. The bank records its decision (受理, 放款, 未通过, 需补充材料); the subject
sees it in its account. Only `xinyong.financing.services` writes these tables.

URLs and the audit log name a request by `public_id`; people read its `number`.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.permissions import RestrictedQuerySet


def new_public_id() -> str:
    return uuid.uuid4().hex


class RequestState(models.TextChoices):
    OPEN = "open", _("对接中")
    WITHDRAWN = "withdrawn", _("已撤回")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    MORE_INFO = "more_info", _("需补充材料")
    GRANTED = "granted", _("已放款")
    DECLINED = "declined", _("未通过")


NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    ReviewStatus.PENDING: (ReviewStatus.ACCEPTED, ReviewStatus.DECLINED),
    ReviewStatus.ACCEPTED: (ReviewStatus.GRANTED, ReviewStatus.DECLINED, ReviewStatus.MORE_INFO),
    ReviewStatus.MORE_INFO: (ReviewStatus.ACCEPTED, ReviewStatus.GRANTED, ReviewStatus.DECLINED),
    ReviewStatus.GRANTED: (),
    ReviewStatus.DECLINED: (),
}
"""The decisions a bank may record from each status: a request is accepted (or refused
outright) first; a loan or a refusal ends the review."""


class FinancingRequest(models.Model):
    """One subject's published need for financing, open to the banks it chose until
    `valid_until` (the end of the consents it granted them) or until it is withdrawn."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("融资主体"),
        on_delete=models.PROTECT,
        related_name="financing_requests",
    )
    filed_by = models.ForeignKey(
        "rights.SubjectMember",
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(_("融资金额（万元）"), max_digits=12, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    purpose = models.CharField(_("资金用途"), max_length=200)
    notes = models.TextField(_("补充说明"), blank=True)
    item_codes = models.JSONField(
        _("授权查阅的信息类别"),
        default=list,
        help_text="The catalogue items of the credit profile each chosen bank was granted.",
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=RequestState.choices, default=RequestState.OPEN
    )
    published_at = models.DateTimeField(_("发布时间"))
    published_on = models.DateField(_("发布日期"))
    valid_until = models.DateField(_("对接截止日期"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "rights.SubjectMember",
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("融资需求")
        verbose_name_plural = _("融资需求")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["subject", "-published_at"], name="financing_subject_idx"),
            models.Index(fields=["published_on"], name="financing_published_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The request number people quote (融资需求编号): the year published and a serial."""
        return f"RZ{self.published_on.year}{self.pk:06d}" if self.pk else ""

    @property
    def reference(self) -> str:
        """The consents' reference that ties them to this request."""
        return f"financing:{self.number}"

    def is_open_on(self, day: datetime.date) -> bool:
        """Whether banks may still read the profile on `day` (not withdrawn, not past)."""
        return self.state == RequestState.OPEN and day <= self.valid_until


class BankReview(models.Model):
    """One chosen bank's handling of one request, with the consent the subject granted it.
    `status` is the latest decision (待受理 until the first)."""

    request = models.ForeignKey(
        FinancingRequest,
        verbose_name=_("融资需求"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("银行"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent = models.ForeignKey(
        "consents.Consent",
        verbose_name=_("授权"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("办理状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    updated_at = models.DateTimeField(_("最近办理时间"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("银行办理")
        verbose_name_plural = _("银行办理")
        ordering = ["request", "pk"]
        indexes = [
            # A bank's queue: its reviews by status, newest first.
            models.Index(fields=["organisation", "status"], name="financing_review_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="financing_one_review_per_bank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.organisation_id}"

    @property
    def is_final(self) -> bool:
        return not NEXT_STATUSES[self.status]


class ReviewDecision(models.Model):
    """One decision a bank's staff recorded on a review; a loan carries its terms."""

    review = models.ForeignKey(
        BankReview, verbose_name=_("银行办理"), on_delete=models.PROTECT, related_name="decisions"
    )
    status = models.CharField(_("办理结果"), max_length=10, choices=ReviewStatus.choices)
    note = models.TextField(_("说明"), blank=True)
    loan_amount = models.DecimalField(
        _("放款金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    loan_rate = models.DecimalField(
        _("年利率（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    loan_term_months = models.PositiveSmallIntegerField(_("贷款期限（月）"), null=True, blank=True)
    loan_date = models.DateField(_("放款日期"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办理时间"))
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办理人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["review", "decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.status}"
