"""Typed models of the policy files (pydantic, strict: unknown keys and loose types rejected).

Each model checks what can be checked inside one object (a field's type and its options, a
rule's periods, a publication mode's settings). What needs several objects or several files
(references, duplicates, overlapping dates) is checked in `catalog.services.validation`.
Custom failures raise `PydanticCustomError` with a stable reason code as their type.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Annotated, Any, Literal, TypeVar

from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SubjectType = Literal[
    "legal_person", "individual_business", "natural_person", "other_org", "government_organ"
]
DisclosureClass = Literal["public", "authorised", "government"]
Polarity = Literal["positive", "negative", "neutral"]
FieldType = Literal["text", "date", "decimal", "enum", "identifier", "integer"]
IdentifierKind = Literal["uscc", "org_code", "business_reg", "citizen_id"]
MaskStyle = Literal["person_name", "id_number"]
PublicationMode = Literal["severity", "fixed", "until_field"]
ObjectionDisplay = Literal["mark", "withhold"]

AMOUNT_UNIT = "万元"
"""The unit of an item's `amount_field`, and so of `Record.amount`."""

DivisionCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
ItemCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,31}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
LongName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Uscc = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=18)]


def _fail(reason: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(reason, message)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# -- shared ------------------------------------------------------------------------------------


class LegalBasis(_Strict):
    """A law, regulation or document, and the article relied on when one is named."""

    title: LongName
    article: Name | None = None


class Period(_Strict):
    """A span of calendar time counted from a decision date: years, months and days."""

    years: int = Field(default=0, ge=0, le=100)
    months: int = Field(default=0, ge=0, le=1200)
    days: int = Field(default=0, ge=0, le=36500)

    @model_validator(mode="after")
    def _not_empty(self) -> Period:
        if not (self.years or self.months or self.days):
            raise _fail("period.empty", _("期限不能为零：至少给出 years、months 或 days 之一"))
        return self

    def add_to(self, start: datetime.date) -> datetime.date:
        """`start` plus this period; a day past the end of the month falls on its last day."""
        month_index = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return datetime.date(year, month, day) + datetime.timedelta(days=self.days)

    def longer_than(self, other: Period) -> bool:
        """Whether this period ends later than `other` when both start on the same day."""
        probe = datetime.date(2001, 1, 31)
        return self.add_to(probe) > other.add_to(probe)

    def __str__(self) -> str:
        parts = [(self.years, "年"), (self.months, "个月"), (self.days, "日")]
        return "".join(f"{n}{unit}" for n, unit in parts if n)


class Rule(_Strict):
    """How long a record is published: whether at all, when repair may be applied for (None:
    once the obligations are met), and when publication ends by itself (None: never)."""

    published: bool
    repair_after: Period | None
    ends_after: Period | None

    @model_validator(mode="after")
    def _repair_within_publication(self) -> Rule:
        if self.repair_after and self.ends_after and self.repair_after.longer_than(self.ends_after):
            raise _fail(
                "rule.repair_after_end", _("可申请信用修复的期限（repair_after）晚于公示结束")
            )
        return self


# -- districts.yaml ----------------------------------------------------------------------------


class City(_Strict):
    code: DivisionCode
    name: Name


class DistrictEntry(_Strict):
    code: DivisionCode
    name: Name


class AbolishedDistrict(_Strict):
    code: DivisionCode
    name: Name
    successor: DivisionCode


class DistrictsFile(_Strict):
    city: City
    districts: list[DistrictEntry] = Field(min_length=1)
    abolished: list[AbolishedDistrict] = []


# -- departments.yaml --------------------------------------------------------------------------


class OrganisationEntry(_Strict):
    key: Key
    uscc: Uscc
    name: Name
    short_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    kind: str
    sector: Key
    district: DivisionCode | None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        from xinyong.accounts.models import OrganisationKind

        if value not in OrganisationKind.values:
            raise _fail(
                "organisation.kind",
                _("机构类型应为以下之一：%(kinds)s")
                % {"kinds": ", ".join(OrganisationKind.values)},
            )
        return value


class DepartmentsFile(_Strict):
    organisations: list[OrganisationEntry] = Field(min_length=1)


# -- publication.yaml --------------------------------------------------------------------------


class SeverityClass(_Strict):
    key: Key
    name: Name
    rank: int = Field(ge=1, le=100)
    description: Text = ""


def _check_range(start: datetime.date | None, end: datetime.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise _fail("dates.order", _("失效日期（effective_to）早于生效日期（effective_from）"))


class RuleSet(_Strict):
    """Publication periods by severity for decisions dated within its range (inclusive); a
    set scoped to `sectors` applies only to records of departments of those sectors."""

    code: ItemCode
    name: LongName
    legal_basis: list[LegalBasis] = Field(min_length=1)
    effective_from: datetime.date | None
    effective_to: datetime.date | None
    sectors: list[Key] = []
    note: Text = ""
    rules: dict[Key, Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> RuleSet:
        _check_range(self.effective_from, self.effective_to)
        return self


class Deadline(_Strict):
    """A deadline in working days, in force for events dated within its range."""

    key: Key
    name: LongName
    working_days: int = Field(ge=1, le=365)
    effective_from: datetime.date
    effective_to: datetime.date | None
    legal_basis: list[LegalBasis] = Field(min_length=1)
    note: Text = ""

    @model_validator(mode="after")
    def _ordered(self) -> Deadline:
        _check_range(self.effective_from, self.effective_to)
        return self


class PublicationFile(_Strict):
    severities: list[SeverityClass] = Field(min_length=1)
    old_records_keep_own_rule: bool
    rule_sets: list[RuleSet] = Field(min_length=1)
    deadlines: list[Deadline] = []


# -- catalog.yaml ------------------------------------------------------------------------------


class MaskRule(_Strict):
    """How a value is shown on public surfaces; `subject_types` None: for every subject."""

    style: MaskStyle
    subject_types: list[SubjectType] | None = None


class FieldSpec(_Strict):
    """One field of a catalogue item's records."""

    key: Key
    name: LongName
    type: FieldType
    required: bool = False
    required_for: list[SubjectType] = []
    values: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = []
    multiple: bool = False
    identifier_kind: IdentifierKind | None = None
    unit: Annotated[str, StringConstraints(max_length=16)] = ""
    max_length: int | None = Field(default=None, ge=1, le=100_000)
    personal: bool = False
    mask: MaskRule | None = None
    note: Text = ""

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        problems = [
            (
                self.required and bool(self.required_for),
                "field.required_twice",
                _("required 与 required_for 只能给出一个"),
            ),
            (
                (self.type == "enum") != bool(self.values),
                "field.values",
                _("枚举字段（type: enum）必须列出 values，其他类型不能有 values"),
            ),
            (
                len(set(self.values)) != len(self.values),
                "field.values_duplicate",
                _("values 中有重复的取值"),
            ),
            (
                self.multiple and self.type != "enum",
                "field.multiple",
                _("只有枚举字段可以多选（multiple）"),
            ),
            (
                self.identifier_kind is not None and self.type != "identifier",
                "field.identifier_kind",
                _("只有代码字段可以指定 identifier_kind"),
            ),
            (
                bool(self.unit) and self.type not in ("decimal", "integer"),
                "field.unit",
                _("只有数值字段可以有单位（unit）"),
            ),
            (
                self.max_length is not None and self.type != "text",
                "field.max_length",
                _("只有文本字段可以指定 max_length"),
            ),
            (
                self.personal and self.type not in ("text", "identifier"),
                "field.personal",
                _("只有文本或代码字段可以标记为个人信息（personal）"),
            ),
            (
                self.identifier_kind == "citizen_id" and not self.personal,
                "field.citizen_id_personal",
                _("公民身份号码字段必须标记为个人信息（personal: true）"),
            ),
        ]
        for failed, reason, message in problems:
            if failed:
                raise _fail(reason, message)
        return self


class SeverityRules(_Strict):
    """How a record's severity class follows from its field values: each value of
    `type_field` maps to a class, the most serious one wins, and a class declared by the
    department in `declared_field` (by its sector's benchmark) can only raise it."""

    type_field: Key
    by_type: dict[Annotated[str, StringConstraints(min_length=1)], Key] = Field(min_length=1)
    default: Key | None = None
    declared_field: Key | None = None


class Publication(_Strict):
    """Which rule decides publication: the rule sets by severity (`severity`, with optional
    per-severity `overrides` where a law sets its own period), the item's own `rule`
    (`fixed`), or the item's `rule` capped by the date in a record field (`until_field`)."""

    mode: PublicationMode
    severities: list[Key] = []
    overrides: dict[Key, Rule] = {}
    rule: Rule | None = None
    field: Key | None = None

    @model_validator(mode="after")
    def _mode_settings(self) -> Publication:
        by_severity = self.mode == "severity"
        if by_severity and not self.severities:
            raise _fail(
                "publication.severities", _("按严重程度公示（mode: severity）须列出 severities")
            )
        if not by_severity and (self.severities or self.overrides):
            raise _fail(
                "publication.severities",
                _("只有 mode: severity 可以有 severities 和 overrides"),
            )
        if by_severity == (self.rule is not None):
            raise _fail(
                "publication.rule",
                _("mode: fixed 和 until_field 须给出 rule；mode: severity 不能有 rule"),
            )
        if (self.mode == "until_field") != (self.field is not None):
            raise _fail("publication.field", _("只有 mode: until_field 须给出 field（日期字段）"))
        return self


class Item(_Strict):
    """One catalogue item: what may be recorded, about whom, from whom, shown to whom."""

    code: ItemCode
    name: Name
    description: Text = ""
    note: Text = ""
    legal_basis: list[LegalBasis] = Field(min_length=1)
    source_departments: list[Key] = []
    source_kinds: list[str] = []
    subject_types: list[SubjectType] = Field(min_length=1)
    disclosure: DisclosureClass
    polarity: Polarity
    field_sets: list[Key] = []
    fields: list[FieldSpec] = []
    trailing_field_sets: list[Key] = []
    natural_key: list[Key] = Field(min_length=1)
    decision_date_field: Key
    amount_field: Key | None = None
    """The decimal field (万元) copied to `Record.amount`, where evaluation filters and sums
    records by amount set-based; None: the item's records carry no amount."""
    severity: SeverityRules | None = None
    publication: Publication
    objection: ObjectionDisplay = "mark"
    """While an objection is open, a record stays public marked 异议处理中 (`mark`) or is
    withheld from publication until it is answered (`withhold`)."""

    @model_validator(mode="after")
    def _has_sources(self) -> Item:
        if not self.source_departments and not self.source_kinds:
            raise _fail(
                "item.sources",
                _("须给出来源部门（source_departments）或来源机构类型（source_kinds）"),
            )
        if self.severity is not None and self.publication.mode != "severity":
            raise _fail("item.severity", _("只有按严重程度公示的目录项可以有 severity 规则"))
        return self


class CatalogFile(_Strict):
    field_sets: dict[Key, list[FieldSpec]] = {}
    items: list[Item] = Field(min_length=1)


_M = TypeVar("_M", bound=BaseModel)


def as_loose(model: type[_M], data: Any) -> _M:
    """Re-read stored JSON (dates as strings) into `model`: the strictness that guards the
    files would reject what the database gives back."""
    return model.model_validate(data, strict=False)
