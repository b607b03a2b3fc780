"""Credit repair applications (信用修复申请), every step taken on them, and their proof files.

An application asks the department that made a negative finding (谁认定、谁修复) to end its
publication and sharing early. It carries how the obligations were performed, the signed
credit commitment (信用承诺书, the text hashed when signed) and proof of performance. The
credit office checks it for completeness and forwards it; the department accepts it or not,
then approves or denies it within deadlines in working days, extended only with a recorded
reason. `RepairStep` keeps every step, append-only. Only `xinyong.repairs.services` writes
these tables.
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


class RepairState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交，待信用办核对")
    RETURNED = "returned", _("退回补正")
    FORWARDED = "forwarded", _("已转认定部门")
    ACCEPTED = "accepted", _("已受理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    APPROVED = "approved", _("准予修复")
    DENIED = "denied", _("不予修复")


OPEN_STATES = (
    RepairState.SUBMITTED.value,
    RepairState.RETURNED.value,
    RepairState.FORWARDED.value,
    RepairState.ACCEPTED.value,
)
"""States of an application still under way: a record has at most one such application."""

CLOSED_STATES = (
    RepairState.NOT_ACCEPTED.value,
    RepairState.APPROVED.value,
    RepairState.DENIED.value,
)


class StepKind(models.TextChoices):
    SUBMIT = "submit", _("提交申请")
    RETURN = "return", _("退回补正")
    RESUBMIT = "resubmit", _("补正后重新提交")
    FORWARD = "forward", _("转认定部门")
    ACCEPT = "accept", _("受理")
    NOT_ACCEPT = "not_accept", _("不予受理")
    EXTEND = "extend", _("延长办理期限")
    APPROVE = "approve", _("准予修复")
    DENY = "deny", _("不予修复")
    DEADLINE = "deadline", _("期限重算")


class RepairApplication(models.Model):
    """One subject's application to repair one negative record."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("信用主体"),
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("失信记录"),
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("认定部门"),
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    filed_by = models.ForeignKey(
        "rights.SubjectMember",
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=RepairState.choices, default=RepairState.SUBMITTED
    )
    performance = models.TextField(_("履行义务及整改情况"))
    # the public credit commitment (信用承诺书)
    commitment_text = models.TextField(_("信用承诺书"))
    commitment_sha256 = models.CharField(_("承诺书 SHA-256"), max_length=64)
    signer_encrypted = models.TextField(blank=True, default="")
    signer_masked = models.CharField(_("签署人"), max_length=64)
    signed_at = models.DateTimeField(_("签署时间"))
    # the platform's check (信用办) within its deadline
    submitted_on = models.DateField(_("提交日期"))
    platform_due = models.DateField(_("平台答复期限"))
    platform_due_provisional = models.BooleanField(_("平台期限按暂定日历计算"), default=False)
    forwarded_on = models.DateField(_("转办日期"), null=True, blank=True)
    # the department's acceptance and decision
    acceptance_due = models.DateField(_("受理期限"), null=True, blank=True)
    acceptance_due_provisional = models.BooleanField(_("受理期限按暂定日历计算"), default=False)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    decision_days = models.PositiveSmallIntegerField(
        _("决定期限（工作日，含延长）"), null=True, blank=True
    )
    decision_due = models.DateField(_("决定期限"), null=True, blank=True)
    decision_due_provisional = models.BooleanField(_("决定期限按暂定日历计算"), default=False)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    decision_no = models.CharField(_("决定书文号"), max_length=100, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decision_pdf_path = models.CharField(max_length=300, blank=True)
    decision_pdf_sha256 = models.CharField(_("决定书 SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["department", "state"], name="repair_department_state_idx"),
            models.Index(fields=["state", "submitted_on"], name="repair_state_submitted_idx"),
            models.Index(fields=["subject", "-created_at"], name="repair_subject_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(state__in=OPEN_STATES),
                name="repair_one_open_per_record",
            ),
            models.UniqueConstraint(
                fields=["department", "decision_no"],
                condition=~Q(decision_no=""),
                name="repair_unique_decision_no",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id[:8]} {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RepairStep(models.Model):
    """One step in an application's history, never changed once written: what was done,
    the day it counts for (`on`), when it was recorded (`at`), by whom, with its details
    (an extension keeps its reason and both deadlines here)."""

    application = models.ForeignKey(
        RepairApplication, on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("步骤"), max_length=16, choices=StepKind.choices)
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
        verbose_name = _("信用修复步骤")
        verbose_name_plural = _("信用修复步骤")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("repair steps are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("repair steps are append-only")


class RepairAttachment(models.Model):
    """A proof file (履约证明) kept by `rights.files.store_evidence`; the name is shown only
    to the subject and the people handling the application."""

    application = models.ForeignKey(
        RepairApplication, on_delete=models.PROTECT, related_name="attachments"
    )
    name = models.CharField(_("文件名"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=32)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_path = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.name
