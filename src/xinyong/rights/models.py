"""Subject accounts: the people who act for a subject, their one-time sign-in codes, and
the subject's inbox.

A subject signs in as itself — an enterprise by its unified social credit code, a person by
the ID number — and proves it through a pluggable verification step (`rights.verification`).
Staff accounts of the back office are a different thing (`accounts.User`): nothing a subject
account holds gives access to the office, and the two never share a session key.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinyong.core.privacy import mask_person_name


def new_public_id() -> str:
    return secrets.token_hex(12)


class MemberRole(models.TextChoices):
    OWNER = "owner", _("主体本身")
    STAFF = "staff", _("经办人")


class SubjectMember(models.Model):
    """One who acts for a subject in its account: the subject itself (the owner, signed in
    with the subject's own identifier) or a staff member an enterprise added. A staff member
    signs in with the enterprise's code plus its own mobile number; the number is kept only
    encrypted, with a keyed hash for the lookup."""

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("身份"), max_length=8, choices=MemberRole.choices)
    name_encrypted = models.TextField(blank=True, default="")
    mobile_encrypted = models.TextField(blank=True, default="")
    mobile_index = models.CharField(max_length=64, blank=True, default="")
    mobile_masked = models.CharField(_("手机号码"), max_length=16, blank=True, default="")
    is_active = models.BooleanField(_("有效"), default=True)
    added_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    last_signed_in_at = models.DateTimeField(_("最近登录"), null=True, blank=True)

    class Meta:
        verbose_name = _("主体账户成员")
        verbose_name_plural = _("主体账户成员")
        constraints = [
            models.UniqueConstraint(
                fields=["subject"], condition=Q(role="owner"), name="member_one_owner"
            ),
            models.UniqueConstraint(
                fields=["subject", "mobile_index"],
                condition=~Q(mobile_index=""),
                name="member_unique_mobile",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id}/{self.public_id[:8]}"

    @property
    def shown_name(self) -> str:
        """The member's name masked (staff), or empty for the subject itself."""
        from xinyong.core.crypto import decrypt

        if not self.name_encrypted:
            return ""
        return mask_person_name(decrypt(self.name_encrypted, context="rights.member.name"))


class Challenge(models.Model):
    """A one-time sign-in code sent to whoever may act for a subject. Only its keyed hash
    is kept for checking; the demo verifier also keeps it encrypted to show an operator."""

    public_id = models.CharField(max_length=24, unique=True, default=new_public_id)
    identity_index = models.CharField(max_length=64, db_index=True)
    subject = models.ForeignKey(
        "subjects.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        SubjectMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    for_staff = models.BooleanField(default=False)
    code_digest = models.CharField(max_length=64)
    shown_code_encrypted = models.TextField(blank=True, default="")
    verifier = models.CharField(_("验证方式"), max_length=32)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        indexes = [models.Index(fields=["-created_at"], name="challenge_recent")]

    def __str__(self) -> str:
        return self.public_id[:8]


class Notification(models.Model):
    """A message to a subject in its account (站内通知): a decision, a reply, a deadline."""

    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("主体"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject", "-created_at"], name="notification_recent")]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.title}"
