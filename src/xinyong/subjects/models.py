"""Credit subjects (信用主体), the identifiers that point to them, and their names over time.

Sized for a city (1.5 million subjects, 100 million records): every lookup the ingestion
pipeline makes per row goes through the unique (scheme, value) index of
`SubjectIdentifier`; records reference `Subject` by its integer key; people outside the
back office address a subject by its opaque `public_id`, never by an ID number. Only
`xinyong.subjects.services` writes these tables.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

CITIZEN_ID_CONTEXT = "subject.citizen_id"
"""Crypto context (associated data and HMAC domain) of citizen ID numbers."""

TAX_REG_CONTEXT = "subject.tax_reg"
"""HMAC domain of tax registration numbers that embed a citizen ID number."""


def new_public_id() -> str:
    """16 URL-safe characters of randomness (96 bits): guessable by nobody, stable forever."""
    return secrets.token_urlsafe(12)


class SubjectKind(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("法人及非法人组织")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    NATURAL_PERSON = "natural_person", _("自然人")
    GOVERNMENT_ORGAN = "government_organ", _("机关")
    OTHER_ORG = "other_org", _("其他组织")


class SubjectStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    REVOKED = "revoked", _("吊销")
    DEREGISTERED = "deregistered", _("注销")


class Industry(models.TextChoices):
    """国民经济行业分类 (GB/T 4754-2017) at the level of its 20 sections (门类)."""

    AGRICULTURE = "A", _("农、林、牧、渔业")
    MINING = "B", _("采矿业")
    MANUFACTURING = "C", _("制造业")
    UTILITIES = "D", _("电力、热力、燃气及水生产和供应业")
    CONSTRUCTION = "E", _("建筑业")
    TRADE = "F", _("批发和零售业")
    TRANSPORT = "G", _("交通运输、仓储和邮政业")
    HOSPITALITY = "H", _("住宿和餐饮业")
    INFORMATION = "I", _("信息传输、软件和信息技术服务业")
    FINANCE = "J", _("金融业")
    REAL_ESTATE = "K", _("房地产业")
    BUSINESS_SERVICES = "L", _("租赁和商务服务业")
    RESEARCH = "M", _("科学研究和技术服务业")
    ENVIRONMENT = "N", _("水利、环境和公共设施管理业")
    RESIDENT_SERVICES = "O", _("居民服务、修理和其他服务业")
    EDUCATION = "P", _("教育")
    HEALTH = "Q", _("卫生和社会工作")
    CULTURE = "R", _("文化、体育和娱乐业")
    PUBLIC_ADMINISTRATION = "S", _("公共管理、社会保障和社会组织")
    INTERNATIONAL = "T", _("国际组织")


class SubjectSize(models.TextChoices):
    """Enterprise size as 统计上大中小微型企业划分办法 (2017) classes it."""

    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Scheme(models.TextChoices):
    """Kinds of identifier. Hash schemes hold an HMAC, never the number itself."""

    USCC = "uscc", _("统一社会信用代码")
    ORG_CODE = "org_code", _("组织机构代码")
    BUSINESS_REG = "business_reg", _("工商注册号")
    TAX_REG = "tax_reg", _("税务登记号")
    TAX_REG_HASH = "tax_reg_hash", _("税务登记号（含身份证号，存散列）")
    INSTITUTION_CERT = "institution_cert", _("事业单位证书号")
    SOCIAL_ORG_CERT = "social_org_cert", _("社会组织登记证号")
    CITIZEN_ID_HASH = "citizen_id_hash", _("公民身份号码（散列）")


SINGLE_VALUED = frozenset({Scheme.USCC, Scheme.ORG_CODE, Scheme.CITIZEN_ID_HASH})
"""Schemes of which a subject has at most one value (the others change on re-registration)."""

HASHED = frozenset({Scheme.TAX_REG_HASH, Scheme.CITIZEN_ID_HASH})


class Subject(models.Model):
    """One legal person, organisation, individual business or natural person."""

    public_id = models.CharField(
        _("公开编号"), max_length=22, unique=True, default=new_public_id, editable=False
    )
    kind = models.CharField(_("主体类别"), max_length=20, choices=SubjectKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("行政区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subjects",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=SubjectStatus.choices, default=SubjectStatus.ACTIVE
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, default="")
    citizen_id_encrypted = models.TextField(_("公民身份号码（密文）"), blank=True, default="")
    citizen_id_hash = models.CharField(
        _("公民身份号码（散列）"), max_length=64, blank=True, default=""
    )
    citizen_id_masked = models.CharField(
        _("公民身份号码（掩码）"), max_length=18, blank=True, default=""
    )
    # What evaluation reports grades by. Registration data (企业登记信息) fills them; ''
    # is unknown. Database defaults too: bulk loaders insert subjects with raw COPY.
    industry = models.CharField(
        _("行业门类"), max_length=1, choices=Industry.choices, blank=True, default="", db_default=""
    )
    size = models.CharField(
        _("企业规模"),
        max_length=8,
        choices=SubjectSize.choices,
        blank=True,
        default="",
        db_default="",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用主体")
        verbose_name_plural = _("信用主体")
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~Q(uscc=""), name="subject_uscc_unique"
            ),
            models.UniqueConstraint(
                fields=["citizen_id_hash"],
                condition=~Q(citizen_id_hash=""),
                name="subject_citizen_id_hash_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind=SubjectKind.NATURAL_PERSON) | Q(citizen_id_hash=""),
                name="subject_citizen_id_only_for_persons",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "kind"], name="subject_district_kind_idx"),
            # Search finds a natural person only by exact name within a district.
            models.Index(
                fields=["name", "district"],
                name="subject_person_name_idx",
                condition=Q(kind=SubjectKind.NATURAL_PERSON),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_kind_display()})"

    @property
    def is_person(self) -> bool:
        return self.kind == SubjectKind.NATURAL_PERSON


class SubjectIdentifier(models.Model):
    """One identifier of one subject: the table every link looks up first."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("主体"), on_delete=models.PROTECT, related_name="identifiers"
    )
    scheme = models.CharField(_("类型"), max_length=20, choices=Scheme.choices)
    value = models.CharField(_("值"), max_length=64)
    masked = models.CharField(_("掩码"), max_length=32, blank=True, default="")
    source = models.CharField(_("来源"), max_length=100)
    first_seen_at = models.DateTimeField(_("首次出现"))

    class Meta:
        verbose_name = _("主体标识")
        verbose_name_plural = _("主体标识")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"], name="subject_identifier_scheme_value_unique"
            ),
            models.UniqueConstraint(
                fields=["subject", "scheme"],
                condition=Q(scheme__in=sorted(SINGLE_VALUED)),
                name="subject_identifier_single_valued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.shown_value}"

    @property
    def shown_value(self) -> str:
        """What may be displayed: the masked number for hashed schemes, else the value."""
        return self.masked if self.scheme in HASHED else self.value


class SubjectName(models.Model):
    """A name a subject has carried; the open row (no `valid_to`) is the current one."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("主体"), on_delete=models.PROTECT, related_name="names"
    )
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    valid_from = models.DateTimeField(_("启用时间"))
    valid_to = models.DateTimeField(_("停用时间"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=100)

    class Meta:
        verbose_name = _("主体名称")
        verbose_name_plural = _("主体名称")
        ordering = ["subject", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(valid_to__isnull=True),
                name="subject_name_one_current",
            ),
        ]

    def __str__(self) -> str:
        # Not the name itself: a person's name must not appear unmasked wherever rows are listed.
        return f"{self.subject_id}#{self.pk}"


class AccessKind(models.TextChoices):
    SHARED_READ = "shared_read", _("政务共享查询")
    CHECK = "check", _("名单核查")
    REPORT = "report", _("信用报告")
    AUTHORISED = "authorised", _("授权查询")


class SubjectAccess(models.Model):
    """One read of a subject's non-public data, or one check about it, by an organisation:
    the subject's "who looked at my data" (谁查询了我). Written by the service that served
    the read, in the same transaction; never changed afterwards."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("主体"), on_delete=models.PROTECT, related_name="accesses",
        db_index=False,
    )  # fmt: skip
    accessed_at = models.DateTimeField(_("时间"))
    kind = models.CharField(_("类别"), max_length=20, choices=AccessKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("查询机构"),
        on_delete=models.PROTECT,
        related_name="subject_accesses",
        db_index=False,
    )
    purpose = models.CharField(_("用途"), max_length=200)
    legal_basis = models.CharField(_("依据"), max_length=300)
    reference = models.CharField(_("业务编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("查询记录")
        verbose_name_plural = _("查询记录")
        ordering = ["subject", "-accessed_at"]
        # Written with every check and every shared read: the two foreign keys have no index
        # of their own, each leads one of these.
        indexes = [
            models.Index(fields=["subject", "-accessed_at"], name="subject_access_recent"),
            models.Index(fields=["organisation", "-accessed_at"], name="subject_access_by_org"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.kind} {self.accessed_at:%Y-%m-%d %H:%M}"


# -- the search index (subjects.services.search_index) ------------------------------------------


def _search_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """SQLite's index triggers call Python functions: every connection must have them."""
    if connection.vendor == "sqlite":
        from xinyong.subjects.services.search_index import install_sqlite_functions

        install_sqlite_functions(connection.connection)


def _search_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After `migrate`: SQLite drops a table's triggers when a migration rebuilds it."""
    if getattr(sender, "label", None) != "subjects":
        return
    from django.db import connections

    from xinyong.subjects.services.search_index import ensure_triggers

    ensure_triggers(connections[using])


connection_created.connect(_search_functions, dispatch_uid="subjects.search_functions")
post_migrate.connect(_search_triggers, dispatch_uid="subjects.search_triggers")
