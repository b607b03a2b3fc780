"""List entries (名单) and the history of every step taken on them.

An entry is one subject on one list type by one department's decision. It is made either by
the listing procedure on the platform (notice → statement → decision → publication) or by a
landed record of the list's catalogue item. Its columns hold its current state and what the
point-in-time query filters on; `ListEntryStep` keeps every step, append-only. Only
`xinyong.lists.services` writes these tables.

Two clocks: `starts_on`, `ends_on` and `removed_on` are the days the decision and its
removal take effect; `in_force_from` and `removed_at` are when the platform recorded them.
An entry is in force at moment T when both agree: recorded by T, and effective on T's day.
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


class EntryState(models.TextChoices):
    NOTICED = "noticed", _("已告知")
    DECIDED = "decided", _("已列入")
    PUBLISHED = "published", _("已公布")
    REMOVED = "removed", _("已移出")
    DROPPED = "dropped", _("不予列入")


class EntryOrigin(models.TextChoices):
    PROCEDURE = "procedure", _("列入程序")
    RECORD = "record", _("数据报送")


class RemovalKind(models.TextChoices):
    EXPIRED = "expired", _("期满自动移出")
    EARLY = "early", _("申请提前移出")
    REPAIR = "repair", _("信用修复")
    OBJECTION = "objection", _("异议处理")
    SOURCE = "source", _("认定部门报送移出")
    WITHDRAWN = "withdrawn", _("报送记录撤销")


class StepKind(models.TextChoices):
    NOTICE = "notice", _("告知")
    STATEMENT = "statement", _("陈述申辩")
    DEADLINE = "deadline", _("期限重算")
    DECISION = "decision", _("列入决定")
    PUBLICATION = "publication", _("公布")
    DROP = "drop", _("不予列入")
    REMOVAL = "removal", _("移出")
    LANDED = "landed", _("报送列入")
    LINKED = "linked", _("关联报送记录")
    CORRECTED = "corrected", _("报送更正")


class ListEntry(models.Model):
    """One subject on one list type, by one department's decision."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("信用主体"),
        on_delete=models.PROTECT,
        related_name="list_entries",
        db_index=False,  # led by the (subject, in_force_from) index
    )
    list_type = models.ForeignKey(
        "catalog.ListType", verbose_name=_("名单类型"), on_delete=models.PROTECT
    )
    list_type_version = models.ForeignKey(
        "catalog.PolicyVersion",
        verbose_name=_("名单类型版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("认定部门"), on_delete=models.PROTECT
    )
    origin = models.CharField(_("来源"), max_length=16, choices=EntryOrigin.choices)
    record = models.OneToOneField(
        "records.Record",
        verbose_name=_("报送记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="list_entry",
    )
    state = models.CharField(_("状态"), max_length=16, choices=EntryState.choices)
    # prior notice (告知) and the subject's statement (陈述申辩)
    notice_no = models.CharField(_("告知书文号"), max_length=100, blank=True)
    notice_served_on = models.DateField(_("告知送达日期"), null=True, blank=True)
    grounds = models.TextField(_("拟列入事由"), blank=True)
    notice_basis = models.TextField(_("拟列入依据"), blank=True)
    response_due = models.DateField(_("陈述申辩截止日期"), null=True, blank=True)
    response_due_provisional = models.BooleanField(_("截止日期按暂定日历计算"), default=False)
    statement = models.TextField(_("陈述申辩意见"), blank=True)
    statement_on = models.DateField(_("陈述申辩日期"), null=True, blank=True)
    # the decision (列入决定)
    doc_no = models.CharField(_("决定书文号"), max_length=100, blank=True)
    decision_date = models.DateField(_("决定日期"), null=True, blank=True)
    facts = models.TextField(_("事实"), blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    basis = models.TextField(_("依据"), blank=True)
    measures = models.JSONField(_("惩戒或激励措施"), default=list, blank=True)
    removal_conditions = models.TextField(_("移出条件"), blank=True)
    remedies = models.TextField(_("救济途径"), blank=True)
    starts_on = models.DateField(_("列入起始日期"), null=True, blank=True)
    ends_on = models.DateField(_("期满日期"), null=True, blank=True)
    in_force_from = models.DateTimeField(_("生效记录时间"), null=True, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布记录时间"), null=True, blank=True)
    # removal (移出)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removed_at = models.DateTimeField(_("移出记录时间"), null=True, blank=True)
    removal_kind = models.CharField(
        _("移出方式"), max_length=16, choices=RemovalKind.choices, blank=True
    )
    removal_reference = models.CharField(_("移出依据文号"), max_length=100, blank=True)
    removal_note = models.TextField(_("移出说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("名单条目")
        verbose_name_plural = _("名单条目")
        ordering = ["-created_at"]
        indexes = [
            # The point-in-time query: a subject's (or a batch of subjects') entries.
            models.Index(fields=["subject", "in_force_from"], name="entry_subject_idx"),
            # The daily expiry: decided entries not yet removed, by end date.
            models.Index(
                fields=["ends_on"],
                name="entry_open_end_idx",
                condition=Q(removed_at__isnull=True, in_force_from__isnull=False),
            ),
            # A department's procedures and entries in its back office.
            models.Index(fields=["organisation", "state"], name="entry_org_state_idx"),
            # The evaluation's minute pass reads the entries changed since its watermark.
            models.Index(fields=["updated_at"], name="entry_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "list_type", "doc_no", "subject"],
                condition=~Q(doc_no=""),
                name="uniq_list_entry_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id[:8]} {self.doc_no or self.notice_no}"


class ListEntryStep(models.Model):
    """One step in an entry's history, never changed once written: what was done, when it
    was recorded (`at`), the day it takes effect (`on`), by whom, with its details."""

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("步骤"), max_length=16, choices=StepKind.choices)
    at = models.DateTimeField(_("记录时间"), default=timezone.now, db_index=True)
    on = models.DateField(_("日期"))
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
        verbose_name = _("名单条目步骤")
        verbose_name_plural = _("名单条目步骤")
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.kind} {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("list entry steps are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("list entry steps are append-only")
