"""Objections (异议) to credit records and to evaluation grades, and the evidence filed with
them.

A subject objects to one of its own records — its content, its publication period, or the
result of a credit repair — and the record's source department answers within a deadline in
working days: corrected (a new version through the ingestion pipeline), withdrawn, or upheld.
While an objection is open the record carries the objection mark its catalogue item asks for
(`records.due_process` writes it). Or it objects to its current grade under an evaluation
model (a `Score`), and the credit office answers: upheld, or re-evaluated (a new score, named
in the reply). An objection is about a record or a score, never both. An objection past its
deadline is escalated to the credit office. Only `xinyong.objections.services` writes these
tables.

URLs and the audit log name an objection by `public_id`; people read its `number`.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinyong.core.permissions import RestrictedQuerySet


def new_public_id() -> str:
    return uuid.uuid4().hex


class Ground(models.TextChoices):
    CONTENT = "content", _("信息内容有误")
    PERIOD = "period", _("公示期限有误")
    REPAIR_RESULT = "repair_result", _("信用修复结果")
    GRADE = "grade", _("信用评价结果")


RECORD_GROUNDS = (Ground.CONTENT, Ground.PERIOD, Ground.REPAIR_RESULT)
"""The grounds of an objection to a record (the other one is to a grade)."""


class ObjectionState(models.TextChoices):
    OPEN = "open", _("处理中")
    CORRECTED = "corrected", _("已更正")
    WITHDRAWN = "withdrawn", _("已撤销记录")
    UPHELD = "upheld", _("维持原记录")
    REEVALUATED = "reevaluated", _("已重新评价")


RECORD_OUTCOMES = (ObjectionState.CORRECTED, ObjectionState.WITHDRAWN, ObjectionState.UPHELD)
"""The states an answer to an objection to a record can give."""

GRADE_OUTCOMES = (ObjectionState.UPHELD, ObjectionState.REEVALUATED)
"""The states an answer to an objection to a grade can give."""


class Objection(models.Model):
    """One subject's objection to one of its records (or to its grade under a model), and
    the answer of the record's department (of the credit office)."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("异议人"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("信用记录"),
        on_delete=models.PROTECT,
        related_name="objections",
        null=True,
        blank=True,
    )
    score = models.ForeignKey(
        "evaluation.Score",
        verbose_name=_("评价结果"),
        on_delete=models.PROTECT,
        related_name="objections",
        null=True,
        blank=True,
        help_text="The current score objected to (ground grade).",
    )
    new_score = models.ForeignKey(
        "evaluation.Score",
        verbose_name=_("重新评价结果"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The score the re-evaluation gave (outcome reevaluated).",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("处理部门"),
        on_delete=models.PROTECT,
        help_text="The record's source department (the credit office for a grade), which answers.",
    )
    filed_by = models.ForeignKey(
        "rights.SubjectMember",
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ground = models.CharField(_("异议事项"), max_length=16, choices=Ground.choices)
    repair_reference = models.CharField(
        _("信用修复案号"),
        max_length=100,
        blank=True,
        help_text="The repair case objected to (ground repair_result), as the subject names it.",
    )
    reason = models.TextField(_("异议理由"))
    state = models.CharField(
        _("状态"), max_length=12, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    mark = models.CharField(
        _("记录标注"),
        max_length=8,
        blank=True,
        help_text="The objection mark put on the record while open (marked or withheld); "
        "'' for a grade.",
    )
    filed_at = models.DateTimeField(_("提出时间"))
    filed_on = models.DateField(_("提出日期"))
    due_on = models.DateField(_("答复期限"))
    due_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    escalated_at = models.DateTimeField(_("转信用办督办时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply = models.TextField(_("答复意见"), blank=True)
    corrected_version = models.ForeignKey(
        "records.RecordVersion",
        verbose_name=_("更正后版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_pdf = models.CharField(max_length=500, blank=True)
    reply_sha256 = models.CharField(_("答复书 SHA-256"), max_length=64, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_at", "-pk"]
        indexes = [
            # A department's queue: its open objections by deadline.
            models.Index(fields=["organisation", "state", "due_on"], name="objection_queue_idx"),
            # The daily escalation: open objections by deadline.
            models.Index(
                fields=["due_on"],
                name="objection_open_due_idx",
                condition=Q(state="open"),
            ),
            models.Index(fields=["subject", "-filed_at"], name="objection_subject_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(state="open"), name="objection_one_open_per_record"
            ),
            models.UniqueConstraint(
                fields=["score"], condition=Q(state="open"), name="objection_one_open_per_score"
            ),
            models.CheckConstraint(
                condition=(
                    Q(ground="grade", record__isnull=True, score__isnull=False)
                    | (~Q(ground="grade") & Q(record__isnull=False, score__isnull=True))
                ),
                name="objection_record_or_score",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The objection number people quote (异议编号): the year filed and a serial."""
        return f"YY{self.filed_on.year}{self.pk:06d}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.state == ObjectionState.OPEN

    @property
    def is_about_grade(self) -> bool:
        return self.ground == Ground.GRADE

    @property
    def state_label(self) -> str:
        """The state as people read it (a grade upheld is 维持原评价, not 维持原记录)."""
        if self.is_about_grade and self.state == ObjectionState.UPHELD:
            return str(_("维持原评价"))
        return str(self.get_state_display())


class ObjectionAttachment(models.Model):
    """A file the subject filed with an objection (checked and stored by `rights.files`)."""

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=64)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_path = models.CharField(max_length=500)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("异议材料")
        verbose_name_plural = _("异议材料")
        ordering = ["objection", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["objection", "position"], name="objection_attachment_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objection_id}/{self.position} {self.name}"
