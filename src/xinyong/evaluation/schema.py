"""Evaluation models (评价模型) as typed data: one YAML file per model in the policy folder's
`evaluation/`, validated as a whole before anything runs.

A model is a tree of dimensions and indicators. Each indicator is a declarative rule over a
subject's records, list entries or registration facts (which items, which severities, how
recent, how large) with a measure (count, presence, sum of amounts) turned into integer
points (per unit with a cap, or by bands). The score is the base plus all points, clamped;
grades are thresholds on the score, best first; knock-outs and conditional grades lower the
grade. Integers only, so every engine computes the same numbers. Natural persons are never
scored, so a model naming them is refused.

What one model can check on its own (shapes, signs, bands, grade order, references between
its parts) fails validation with the path of the offending part; the catalogue item codes,
list type codes and severity classes it names are checked against the policy files beside
it by `load_spec`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from django.utils.translation import gettext as _
from pydantic import ConfigDict, Field, Strict, StringConstraints, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from xinyong.catalog.schema import (
    CatalogFile,
    Key,
    LegalBasis,
    Name,
    PublicationFile,
    SubjectType,
    Text,
    _Strict,
)
from xinyong.catalog.schema_lists import ListsFile
from xinyong.core.errors import ReasonedError
from xinyong.policy import default_policy_dir
from xinyong.policy.files import read_policy_file

GradeCode = Literal["A", "B", "C", "D", "M"]
LegacyGrade = Literal["优", "良", "中", "差", ""]
Source = Literal["record", "list", "subject"]
Measure = Literal["count", "presence", "sum_amount"]
SubjectField = Literal["has_uscc", "status", "kind"]
SUBJECT_STATUSES = ("active", "revoked", "deregistered")
NATURAL_PERSON = "natural_person"
YUAN_PER_WAN = 10_000
"""Amounts are in 万元 with four decimals (to the yuan); sums are taken in whole yuan."""

ModelCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9_]{2,32}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
"""A catalogue item code (XZCF) or a list type code (market_serious_illegal)."""
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Amount = Annotated[Decimal, Strict(False), Field(gt=0, max_digits=12, decimal_places=4)]

Problem = tuple[tuple[str | int, ...], str, str]
"""Where (a path inside the object), a stable reason code and a message for people."""


class EvaluationModelError(ReasonedError):
    """An evaluation model file is missing, unreadable or invalid."""


def _check(title: str, problems: Iterable[Problem], value: Any) -> None:
    """Raise every problem at once as a validation error of its own path."""
    details = [
        InitErrorDetails(type=PydanticCustomError(reason, message), loc=loc, input=value)
        for loc, reason, message in problems
    ]
    if details:
        raise ValidationError.from_exception_data(title, details)


class Rule(_Strict):
    """Which facts an indicator reads: records of catalogue `items` (optionally of these
    severity classes, of at least this amount in 万元), entries of list types `items`, both
    optionally decided within the last `within_years` years; or a field of the subject."""

    source: Source
    items: list[Code] = []
    severity: list[Key] = []
    within_years: int | None = Field(default=None, ge=1, le=30)
    amount_at_least: Amount | None = None
    field: SubjectField | None = None
    equals: bool | Key | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        problems = self._subject_problems() if self.source == "subject" else self._fact_problems()
        _check("Rule", problems, self.source)
        return self

    def _subject_problems(self) -> Iterable[Problem]:
        for name in ("items", "severity", "within_years", "amount_at_least"):
            if getattr(self, name):
                message = _("按主体信息（source: subject）的规则不能设置此项")
                yield ((name,), "rule.subject_filter", message)
        if self.field is None or self.equals is None:
            yield ((), "rule.subject_field", _("按主体信息的规则须给出 field 与 equals"))
        elif (self.field == "has_uscc") != isinstance(self.equals, bool):
            message = _("has_uscc 应与 true 或 false 比较，status 与 kind 应与代码比较")
            yield (("equals",), "rule.equals_type", message)
        elif self.field == "kind" and self.equals == NATURAL_PERSON:
            yield (("equals",), "rule.natural_person", _("自然人不参与信用评价"))
        elif self.field != "has_uscc":
            allowed = SUBJECT_STATUSES if self.field == "status" else get_args(SubjectType)
            if self.equals not in allowed:
                message = _("应为以下之一：%s") % ", ".join(allowed)
                yield (("equals",), "rule.equals_value", message)

    def _fact_problems(self) -> Iterable[Problem]:
        if not self.items:
            yield (("items",), "rule.items", _("须列出目录项或名单类型代码（items）"))
        if self.field is not None or self.equals is not None:
            yield (("field",), "rule.field", _("field 与 equals 只用于按主体信息的规则"))
        if self.source == "list" and self.severity:
            yield (("severity",), "rule.list_severity", _("名单条目没有严重程度"))
        if self.source == "list" and self.amount_at_least is not None:
            yield (("amount_at_least",), "rule.list_amount", _("名单条目没有金额"))


class Band(_Strict):
    """Points for a measure between `from` and `to` (both inclusive; no `to`: no upper end)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, serialize_by_alias=True)

    low: int = Field(alias="from", ge=0)
    high: int | None = Field(default=None, alias="to")
    points: int = Field(ge=-1000, le=1000)

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.high is not None and self.high < self.low:
            _check("Band", [(("to",), "band.order", _("to 不能小于 from"))], self.high)
        return self


class Indicator(_Strict):
    """One rule, its measure and how the measure becomes points; `explain` tells the subject
    in plain words what it counts. An indicator without points (no `points_each`, no
    `bands`) exists for a knock-out or a conditional grade, which must then name it."""

    code: Key
    name: Name
    explain: Reason
    rule: Rule
    measure: Measure
    points_each: int | None = Field(default=None, ge=-1000, le=1000)
    cap: int | None = Field(default=None, ge=-1000, le=1000)
    bands: list[Band] = []

    @model_validator(mode="after")
    def _scoring(self) -> Indicator:
        _check("Indicator", self._problems(), self.code)
        return self

    def _problems(self) -> Iterable[Problem]:
        if self.points_each is not None and self.bands:
            yield ((), "indicator.points", _("points_each 与 bands 只能给出其一"))
        if self.points_each == 0:
            yield (("points_each",), "indicator.zero", _("points_each 不能为 0"))
        if self.cap is not None:
            if self.points_each is None or self.measure != "count":
                yield (("cap",), "indicator.cap_use", _("cap 只用于按次数（count）逐次计分"))
            elif self.cap * self.points_each <= 0:
                message = _("cap 应与 points_each 同号（扣分的上限也是负数）")
                yield (("cap",), "indicator.cap_sign", message)
            elif abs(self.cap) < abs(self.points_each):
                yield (("cap",), "indicator.cap_small", _("cap 的绝对值不能小于 points_each"))
        if self.measure == "sum_amount" and self.rule.source != "record":
            yield (("measure",), "indicator.sum_source", _("金额合计只适用于信用记录"))
        if self.measure == "sum_amount" and self.points_each is not None:
            yield (("points_each",), "indicator.sum_bands", _("金额合计按区间（bands）计分"))
        if self.rule.source == "subject" and self.measure != "presence":
            message = _("按主体信息的指标只能用 presence")
            yield (("measure",), "indicator.subject_measure", message)
        for index in range(1, len(self.bands)):
            before, band = self.bands[index - 1], self.bands[index]
            if before.high is None or band.low <= before.high:
                message = _("区间须从小到大排列且不重叠：第 %(n)d 段与上一段重叠")
                yield (("bands", index), "indicator.band_overlap", message % {"n": index + 1})

    def scores(self) -> bool:
        """Whether the indicator gives points (rather than only triggering a grade rule)."""
        return self.points_each is not None or bool(self.bands)


class Dimension(_Strict):
    code: Key
    name: Name
    indicators: list[Indicator] = Field(min_length=1)


class Grade(_Strict):
    """A grade and the lowest score that earns it; a grade without `min` is only given by a
    conditional grade (the tax M) and sits in the ranking where it is listed."""

    grade: GradeCode
    min: int | None = None
    legacy: LegacyGrade = ""


class Knockout(_Strict):
    """When the indicator's measure is above zero, the grade is at most `at_most`."""

    indicator: Key
    at_most: GradeCode
    reason: Reason


class ConditionalGrade(_Strict):
    """When the indicator's measure is zero and the score is at least `min_score`, the grade
    is `grade` unless the score earns a worse one."""

    grade: GradeCode
    when_zero: Key
    min_score: int
    reason: Reason


class Supervision(_Strict):
    """Classified supervision (分级分类监管) suggested for subjects of a grade."""

    inspection: Reason
    note: Text = ""


class ModelSpec(_Strict):
    """One evaluation model as its file says."""

    code: ModelCode
    name: Name
    description: Text = ""
    note: Text = ""
    legal_basis: list[LegalBasis] = Field(min_length=1)
    subject_types: list[SubjectType] = Field(min_length=1)
    base: int = Field(ge=-1000, le=1000)
    min_score: int = Field(ge=-1000, le=1000)
    max_score: int = Field(ge=-1000, le=1000)
    public_grades: list[GradeCode] = []
    reevaluate_every_days: int = Field(default=365, ge=1, le=3660)
    dimensions: list[Dimension] = Field(min_length=1)
    grades: list[Grade] = Field(min_length=2)
    knockouts: list[Knockout] = []
    conditional_grades: list[ConditionalGrade] = []
    supervision: dict[GradeCode, Supervision] = {}

    @model_validator(mode="after")
    def _coherent(self) -> ModelSpec:
        _check("ModelSpec", [*self._scope_problems(), *self._reference_problems()], self.code)
        return self

    def _scope_problems(self) -> Iterable[Problem]:
        for index, kind in enumerate(self.subject_types):
            if kind == NATURAL_PERSON:
                yield (
                    ("subject_types", index),
                    "model.natural_person",
                    _("自然人（natural_person）不参与信用评价，评价只针对法人和其他组织"),
                )
        if not self.min_score <= self.base <= self.max_score or self.min_score >= self.max_score:
            yield (
                ("base",),
                "model.range",
                _("须 min_score ≤ base ≤ max_score 且 min_score < max_score"),
            )
        codes: set[str] = set()
        for d, dimension in enumerate(self.dimensions):
            if any(other.code == dimension.code for other in self.dimensions[:d]):
                yield (
                    ("dimensions", d, "code"),
                    "model.duplicate_dimension",
                    _("维度代码 %s 重复") % dimension.code,
                )
            for i, indicator in enumerate(dimension.indicators):
                if indicator.code in codes:
                    yield (
                        ("dimensions", d, "indicators", i, "code"),
                        "model.duplicate_indicator",
                        _("指标代码 %s 重复") % indicator.code,
                    )
                codes.add(indicator.code)
        yield from self._grade_problems()

    def _grade_problems(self) -> Iterable[Problem]:
        seen: set[str] = set()
        threshold: Grade | None = None
        for index, grade in enumerate(self.grades):
            where = ("grades", index)
            if grade.grade in seen:
                yield (where, "model.duplicate_grade", _("等级 %s 重复") % grade.grade)
            seen.add(grade.grade)
            if grade.min is None:
                continue
            if threshold is not None and threshold.min is not None and grade.min >= threshold.min:
                yield (
                    (*where, "min"),
                    "model.grade_order",
                    _("等级须从高到低排列：%(g)s 的 min（%(m)d）应低于 %(p)s 的 min（%(pm)d）")
                    % {"g": grade.grade, "m": grade.min, "p": threshold.grade, "pm": threshold.min},
                )
            if grade.min > self.max_score:
                yield ((*where, "min"), "model.grade_unreachable", _("min 高于 max_score"))
            threshold = grade
        if threshold is None or threshold.min is None:
            yield (("grades",), "model.no_threshold", _("至少须有一个带 min 的等级"))
        elif threshold.min > self.min_score:
            yield (
                ("grades", self.grades.index(threshold), "min"),
                "model.grade_gap",
                _(
                    "最低的等级 %(g)s 的 min（%(m)d）须不高于 min_score（%(s)d），"
                    "否则有的分数得不到等级"
                )
                % {"g": threshold.grade, "m": threshold.min, "s": self.min_score},
            )

    def _reference_problems(self) -> Iterable[Problem]:
        indicators = {indicator.code for indicator in self.all_indicators()}
        grades = {grade.grade: grade for grade in self.grades}
        for index, knockout in enumerate(self.knockouts):
            if knockout.indicator not in indicators:
                yield (
                    ("knockouts", index, "indicator"),
                    "model.unknown_indicator",
                    _("没有指标 %s") % knockout.indicator,
                )
            if knockout.at_most not in grades:
                yield (("knockouts", index, "at_most"), "model.unknown_grade", _("没有此等级"))
        conditional = set()
        for index, rule in enumerate(self.conditional_grades):
            conditional.add(rule.grade)
            if rule.when_zero not in indicators:
                yield (
                    ("conditional_grades", index, "when_zero"),
                    "model.unknown_indicator",
                    _("没有指标 %s") % rule.when_zero,
                )
            grade = grades.get(rule.grade)
            if grade is None or grade.min is not None:
                yield (
                    ("conditional_grades", index, "grade"),
                    "model.conditional_grade",
                    _("条件等级须列在 grades 中且不带 min"),
                )
        named = {k.indicator for k in self.knockouts} | {
            c.when_zero for c in self.conditional_grades
        }
        for d, dimension in enumerate(self.dimensions):
            for i, indicator in enumerate(dimension.indicators):
                if not indicator.scores() and indicator.code not in named:
                    yield (
                        ("dimensions", d, "indicators", i),
                        "model.idle_indicator",
                        _("指标 %s 既不计分，也没有被否决项或条件等级引用") % indicator.code,
                    )
        for index, grade in enumerate(self.grades):
            if grade.min is None and grade.grade not in conditional:
                yield (
                    ("grades", index, "min"),
                    "model.grade_without_min",
                    _("等级 %s 没有 min，也不是条件等级") % grade.grade,
                )
        for index, code in enumerate(self.public_grades):
            if code not in grades:
                yield (("public_grades", index), "model.unknown_grade", _("没有此等级"))
        for code in self.supervision:
            if code not in grades:
                yield (("supervision", code), "model.unknown_grade", _("没有此等级"))

    # -- reading -------------------------------------------------------------------------------

    def all_indicators(self) -> list[Indicator]:
        """Every indicator in model order (dimension by dimension)."""
        return [indicator for dimension in self.dimensions for indicator in dimension.indicators]

    def indicator(self, code: str) -> Indicator:
        return next(indicator for indicator in self.all_indicators() if indicator.code == code)

    def rank(self, grade: str) -> int:
        """The grade's place in the ranking, 0 for the best."""
        grades: list[str] = [row.grade for row in self.grades]
        return grades.index(grade)

    def codes(self, source: Source) -> list[str]:
        """The catalogue items (`record`) or list types (`list`) the indicators read."""
        return sorted(
            {
                code
                for ind in self.all_indicators()
                if ind.rule.source == source
                for code in ind.rule.items
            }
        )


# -- the files ---------------------------------------------------------------------------------


def models_directory(policy_dir: Path | None = None) -> Path:
    """Where a policy directory keeps its evaluation models."""
    return (policy_dir or default_policy_dir()) / "evaluation"


def _path(loc: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in loc)


def _catalogue_problems(spec: ModelSpec, policy_dir: Path) -> list[tuple[str, str]]:
    """Codes the model names that the catalogue, lists.yaml or publication.yaml lack."""
    reason = "evaluation.policy_invalid"
    catalog = read_policy_file(
        policy_dir / "catalog.yaml", CatalogFile, EvaluationModelError, reason
    )
    lists = read_policy_file(policy_dir / "lists.yaml", ListsFile, EvaluationModelError, reason)
    publication = read_policy_file(
        policy_dir / "publication.yaml", PublicationFile, EvaluationModelError, reason
    )
    known = {
        "record": {item.code for item in catalog.items},
        "list": {entry.code for entry in lists.list_types},
    }
    severities = {severity.key for severity in publication.severities}
    problems = []
    for d, dimension in enumerate(spec.dimensions):
        for i, indicator in enumerate(dimension.indicators):
            rule, where = indicator.rule, ("dimensions", d, "indicators", i, "rule")
            for n, code in enumerate(rule.items):
                if code not in known.get(rule.source, set()):
                    message = (
                        _("信用信息目录中没有目录项 %s")
                        if rule.source == "record"
                        else _("lists.yaml 中没有名单类型 %s")
                    )
                    problems.append((_path((*where, "items", n)), message % code))
            for n, key in enumerate(rule.severity):
                if key not in severities:
                    problems.append(
                        (
                            _path((*where, "severity", n)),
                            _("publication.yaml 中没有严重程度 %s") % key,
                        )
                    )
    return problems


def load_spec(path: Path) -> ModelSpec:
    """The model in `path`, validated on its own and against the catalogue, lists and
    severity classes of the policy directory it belongs to (`<policy>/evaluation/x.yaml`)."""
    spec = read_policy_file(path, ModelSpec, EvaluationModelError, "evaluation.model_invalid")
    problems = _catalogue_problems(spec, path.resolve().parent.parent)
    if problems:
        where = "；".join(f"{loc}：{message}" for loc, message in problems)
        raise EvaluationModelError(
            "evaluation.model_invalid", _("%(f)s 无效：%(w)s") % {"f": path.name, "w": where}
        )
    return spec


def load_specs(directory: Path | None = None) -> dict[str, ModelSpec]:
    """Every model in `directory` (the packaged models by default) by code, in file order;
    two files with one code are refused."""
    specs: dict[str, ModelSpec] = {}
    for path in sorted((directory or models_directory()).glob("*.yaml")):
        spec = load_spec(path)
        if spec.code in specs:
            raise EvaluationModelError(
                "evaluation.duplicate_model",
                _("%(f)s：模型代码 %(c)s 已在另一个文件中使用") % {"f": path.name, "c": spec.code},
            )
        specs[spec.code] = spec
    return specs
