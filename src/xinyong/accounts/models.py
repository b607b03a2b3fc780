"""Organisations, staff users with roles, and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core.permissions import VIEW, RestrictedQuerySet, Viewer


class OrganisationKind(models.TextChoices):
    CREDIT_OFFICE = "credit_office", _("信用办")
    DEPARTMENT = "department", _("市级部门")
    DISTRICT = "district", _("区人民政府")
    COURT = "court", _("法院")
    AGENCY = "agency", _("信用服务机构")
    BANK = "bank", _("银行")
    PEER = "peer", _("对接平台")


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    OPERATOR = "operator", _("操作员")
    SUBMITTER = "submitter", _("报送员")
    REVIEWER = "reviewer", _("审核员")
    CHECKER = "checker", _("核查员")
    AUDITOR = "auditor", _("审计员")


class Organisation(models.Model):
    """A body that uses the platform: the credit office, a department, a court, a bank …"""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganisationKind.choices)
    sector = models.CharField(_("领域"), max_length=64, blank=True)
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("行政区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["kind", "uscc"]

    def __str__(self) -> str:
        return self.name


class StaffManager(UserManager["User"]):
    """Django's user manager, with `restrict()` on its querysets."""

    def get_queryset(self) -> RestrictedQuerySet[User]:
        return RestrictedQuerySet(self.model, using=self._db)

    def restrict(self, viewer: Viewer, action: str = VIEW) -> RestrictedQuerySet[User]:
        return self.get_queryset().restrict(viewer, action)


class User(AbstractUser):
    """A staff member of one organisation (or a platform superuser with none)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    objects: ClassVar[StaffManager] = StaffManager()

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def role_codes(self) -> frozenset[str]:
        """The roles this user holds (cached on the instance for one request)."""
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_codes = cached
        return cached


class RoleGrant(models.Model):
    """One role held by one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


class ApiToken(models.Model):
    """A bearer token of an organisation: stored as a SHA-256 digest, shown once."""

    class State(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已吊销")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="tokens"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("权限范围"), default=list)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.organisation})"

    def state(self, now: datetime | None = None) -> ApiToken.State:
        """Revoked beats expired: a revoked token stays revoked whatever its date."""
        if self.revoked_at is not None:
            return ApiToken.State.REVOKED
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return ApiToken.State.EXPIRED
        return ApiToken.State.ACTIVE
