"""The credit information catalogue and the policy it is loaded from, with full history.

Policy lives in YAML files; `xinyong policy load` turns them into these rows. Every object
the policy defines (district, organisation, catalogue item, rule set, deadline, setting, list
type, scenario, measure) has
an append-only trail of `PolicyVersion`s; the current tables point at the latest version and
hold what other apps query. Only `catalog.services` writes these tables.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core.models.audit import AppendOnlyError


class Disclosure(models.TextChoices):
    PUBLIC = "public", _("社会公开")
    AUTHORISED = "authorised", _("授权查询")
    GOVERNMENT = "government", _("政务共享")


class Polarity(models.TextChoices):
    POSITIVE = "positive", _("守信（正面）")
    NEGATIVE = "negative", _("失信（负面）")
    NEUTRAL = "neutral", _("中性")


class SubjectType(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("法人")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    NATURAL_PERSON = "natural_person", _("自然人")
    OTHER_ORG = "other_org", _("非法人组织")
    GOVERNMENT_ORGAN = "government_organ", _("机关")


class VersionKind(models.TextChoices):
    DISTRICT = "district", _("行政区")
    ORGANISATION = "organisation", _("机构")
    CATALOG_ITEM = "catalog_item", _("目录项")
    RULE_SET = "rule_set", _("公示规则")
    DEADLINE = "deadline", _("办理时限")
    SETTING = "setting", _("政策设置")
    LIST_TYPE = "list_type", _("名单类型")
    SCENARIO = "scenario", _("应用场景")
    MEASURE = "measure", _("奖惩措施")


class PolicyLoad(models.Model):
    """One run of `policy load` that changed something: when, by whom, from which files."""

    loaded_at = models.DateTimeField(_("载入时间"), default=timezone.now)
    actor_label = models.CharField(_("操作者"), max_length=150)
    actor_user_id = models.BigIntegerField(_("用户"), null=True, blank=True)
    directory = models.CharField(_("目录"), max_length=500)
    file_hashes = models.JSONField(_("文件 SHA-256"), default=dict)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    changed_count = models.PositiveIntegerField(_("变更"), default=0)
    withdrawn_count = models.PositiveIntegerField(_("撤销"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)

    class Meta:
        verbose_name = _("政策载入")
        verbose_name_plural = _("政策载入")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.loaded_at:%Y-%m-%d %H:%M} {self.directory}"


class PolicyVersion(models.Model):
    """One version of one policy object, never changed once written.

    `content` is the object as the policy defined it (JSON); None marks the object's
    withdrawal from the policy.
    """

    kind = models.CharField(_("类别"), max_length=20, choices=VersionKind.choices)
    code = models.CharField(_("代码"), max_length=64)
    version = models.PositiveIntegerField(_("版本"))
    content = models.JSONField(_("内容"), null=True, blank=True)
    content_hash = models.CharField(_("内容 SHA-256"), max_length=64)
    load = models.ForeignKey(
        PolicyLoad, verbose_name=_("载入"), on_delete=models.PROTECT, related_name="versions"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        ordering = ["kind", "code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code", "version"], name="uniq_policy_version"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("policy versions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("policy versions are append-only")


class PolicyObject(models.Model):
    """What every current policy table has: the definition as loaded, whether the policy
    still defines it, and the version it came from."""

    definition = models.JSONField(_("定义"))
    is_active = models.BooleanField(_("现行"), default=True)
    current_version = models.ForeignKey(
        PolicyVersion, verbose_name=_("当前版本"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class CatalogItem(PolicyObject):
    """An item of the credit information catalogue: the only kind of fact a record may hold.

    `definition` holds the whole item (legal basis, field schema with its field sets
    expanded, severity and publication rules); the columns are what queries filter on.
    """

    code = models.CharField(_("目录代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    disclosure = models.CharField(_("公开属性"), max_length=20, choices=Disclosure.choices)
    polarity = models.CharField(_("信息性质"), max_length=20, choices=Polarity.choices)
    subject_types = models.JSONField(_("主体类型"), default=list)
    source_kinds = models.JSONField(_("来源机构类型"), default=list, blank=True)
    source_departments = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("来源部门"),
        related_name="catalog_items",
        blank=True,
    )

    class Meta:
        verbose_name = _("目录项")
        verbose_name_plural = _("目录项")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PublicationRuleSet(PolicyObject):
    """Publication periods by severity for decisions dated in [effective_from, effective_to]
    (an open end is None); scoped to the departments of `sectors` when that is not empty."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=300)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    sectors = models.JSONField(_("适用领域"), default=list, blank=True)

    class Meta:
        verbose_name = _("公示规则")
        verbose_name_plural = _("公示规则")
        ordering = ["effective_from", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Deadline(PolicyObject):
    """A deadline in working days for events dated in [effective_from, effective_to]."""

    code = models.CharField(_("代码"), max_length=64, unique=True)
    key = models.CharField(_("时限"), max_length=64, db_index=True)
    name = models.CharField(_("名称"), max_length=300)
    working_days = models.PositiveSmallIntegerField(_("工作日数"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["key", "effective_from"]

    def __str__(self) -> str:
        return f"{self.name} {self.working_days}"


class PolicySetting(PolicyObject):
    """A policy-wide value (`definition`): the city, the severity classes, switches."""

    key = models.CharField(_("设置"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("政策设置")
        verbose_name_plural = _("政策设置")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class ListKind(models.TextChoices):
    PUNISHMENT = "punishment", _("失信惩戒名单")
    INCENTIVE = "incentive", _("守信激励名单")


class ListSource(models.TextChoices):
    PROCEDURE = "procedure", _("列入程序")
    EXCHANGED = "exchanged", _("交换获取")


class MeasureKind(models.TextChoices):
    PUNISHMENT = "punishment", _("惩戒")
    REWARD = "reward", _("激励")


class ListType(PolicyObject):
    """A kind of list (名单) with its legal basis, deciders, duration and removal rules
    (all in `definition`); the columns are what queries and permission checks filter on."""

    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=300)
    kind = models.CharField(_("类别"), max_length=16, choices=ListKind.choices)
    source = models.CharField(_("来源"), max_length=16, choices=ListSource.choices)
    scope = models.CharField(_("层级"), max_length=16)
    subject_types = models.JSONField(_("主体类型"), default=list)
    deciding_departments = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("认定部门"),
        related_name="decided_list_types",
        blank=True,
    )
    deciding_sectors = models.JSONField(_("认定领域"), default=list, blank=True)
    notice_working_days = models.PositiveSmallIntegerField(
        _("陈述申辩期限（工作日）"), null=True, blank=True
    )
    catalog_item = models.CharField(_("目录项"), max_length=32, blank=True, db_index=True)

    class Meta:
        verbose_name = _("名单类型")
        verbose_name_plural = _("名单类型")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return str(self.name)


class Scenario(PolicyObject):
    """A business scenario (行政许可, 政府采购 …) by its stable API code."""

    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)

    class Meta:
        verbose_name = _("应用场景")
        verbose_name_plural = _("应用场景")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Measure(PolicyObject):
    """A joint punishment or reward measure: for which list types, in which scenarios, by
    which departments; text, legal basis and source are in `definition`."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=MeasureKind.choices)
    obligation = models.CharField(_("约束"), max_length=8)
    text = models.TextField(_("措施内容"))
    source = models.CharField(_("来源"), max_length=64, db_index=True)
    list_types = models.ManyToManyField(
        ListType, verbose_name=_("适用名单"), related_name="measures", blank=True
    )
    scenarios = models.ManyToManyField(
        Scenario, verbose_name=_("应用场景"), related_name="measures", blank=True
    )
    implementing_sectors = models.JSONField(_("实施领域"), default=list, blank=True)
    implementing_kinds = models.JSONField(_("实施机构类型"), default=list, blank=True)

    class Meta:
        verbose_name = _("奖惩措施")
        verbose_name_plural = _("奖惩措施")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.code)
