"""Typed models of lists.yaml and measures.yaml: list types (名单), scenarios and measures.

A list type exists only with a legal basis that can found it: a law, a regulation, a judicial
interpretation, a departmental rule or a document of the Party Central Committee and State
Council — a normative document alone is not enough, and a local list needs a local
regulation. A punishment measure needs the same kind of basis. Checks across objects and
files (references, the catalogue item behind a list) are in
`catalog.services.list_validation`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.utils.translation import gettext as _
from pydantic import Field, StringConstraints, model_validator

from xinyong.catalog.schema import (
    ItemCode,
    Key,
    LegalBasis,
    LongName,
    Name,
    Period,
    SubjectType,
    Text,
    _fail,
    _Strict,
)

ListKind = Literal["punishment", "incentive"]
MeasureKind = Literal["punishment", "reward"]
ListSource = Literal["procedure", "exchanged"]
ListScope = Literal["national", "local"]
Obligation = Literal["must", "may"]
SourceKind = Literal["basic_list", "memorandum", "regulation", "local"]
BasisLevel = Literal[
    "law",
    "administrative_regulation",
    "local_regulation",
    "judicial_interpretation",
    "departmental_rule",
    "state_council",
    "normative",
]
FOUNDING_LEVELS = frozenset(
    {
        "law",
        "administrative_regulation",
        "local_regulation",
        "judicial_interpretation",
        "departmental_rule",
        "state_council",
    }
)
"""Levels of law that can found a list or a punishment measure (not `normative`)."""

MEASURE_KIND_FOR = {"punishment": "punishment", "incentive": "reward"}
"""The kind of measure a kind of list takes."""

Required = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ModelCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9_]{2,32}$")]
"""An evaluation model's code (TJGGXY), as its file in `evaluation/` names it."""
GradeCode = Literal["A", "B", "C", "D", "M"]


class RankedBasis(LegalBasis):
    """A legal basis with its level in the hierarchy of law."""

    level: BasisLevel


def _founded(bases: list[RankedBasis]) -> bool:
    return any(basis.level in FOUNDING_LEVELS for basis in bases)


class Deciders(_Strict):
    """Who decides a listing: departments by their key in departments.yaml, and every
    organisation of the named sectors."""

    departments: list[Key] = []
    sectors: list[Key] = []

    @model_validator(mode="after")
    def _someone(self) -> Deciders:
        if not self.departments and not self.sectors:
            raise _fail(
                "list_type.no_decider",
                _("须给出认定部门（departments）或认定领域（sectors）"),
            )
        return self


class EarlyRemoval(_Strict):
    """When a listed subject may be removed early on application: the conditions, and the
    shortest time listed before it may apply (None: as soon as the conditions are met)."""

    conditions: Required
    minimum: Period | None


class RecordMapping(_Strict):
    """The catalogue item whose records are listing decisions of this type, and which of
    its fields carry what an entry needs. The document number and decision date are the
    record's own; `last_day` is a date field holding the last day the listing lasts."""

    item: ItemCode
    facts: Key | None = None
    reasons: Key | None = None
    basis: Key | None = None
    last_day: Key | None = None
    removal_date: Key | None = None
    removal_reason: Key | None = None

    def text_fields(self) -> dict[str, str]:
        """Entry attribute → record field, for the text fields mapped."""
        pairs = {
            "facts": self.facts,
            "reasons": self.reasons,
            "basis": self.basis,
            "removal_reason": self.removal_reason,
        }
        return {attr: key for attr, key in pairs.items() if key}

    def date_fields(self) -> dict[str, str]:
        pairs = {"last_day": self.last_day, "removal_date": self.removal_date}
        return {attr: key for attr, key in pairs.items() if key}


class ListTypeEntry(_Strict):
    """One kind of list: a sector's serious-dishonesty list or an incentive list.

    `source: procedure` lists are entered on the platform (prior notice with a response
    period of `notice_working_days`, statement, decision) or land as the deciding
    department's records; `exchanged` lists (the courts') only land from the deciding body's
    own system, through `record`.
    """

    code: Key
    name: LongName
    kind: ListKind
    scope: ListScope = "national"
    description: Text = ""
    note: Text = ""
    legal_basis: list[RankedBasis] = Field(min_length=1)
    decided_by: Deciders
    source: ListSource
    subject_types: list[SubjectType] = Field(min_length=1)
    duration: Period
    early_removal: EarlyRemoval | None = None
    notice_working_days: int | None = Field(default=None, ge=1, le=60)
    record: RecordMapping | None = None

    @model_validator(mode="after")
    def _lawful(self) -> ListTypeEntry:
        problems = [
            (
                not _founded(self.legal_basis),
                "list_type.no_founding_basis",
                _(
                    "名单须以法律、法规、司法解释、部门规章或党中央、国务院政策文件为依据，规范性文件不足以设立名单"
                ),
            ),
            (
                self.scope == "local"
                and not any(b.level == "local_regulation" for b in self.legal_basis),
                "list_type.local_without_regulation",
                _("地方设立的名单须有地方性法规依据"),
            ),
            (
                self.source == "exchanged" and self.notice_working_days is not None,
                "list_type.notice_exchanged",
                _("交换获取的名单（source: exchanged）由认定机关自行告知，不能设置告知期限"),
            ),
            (
                self.kind == "punishment"
                and self.source == "procedure"
                and self.notice_working_days is None,
                "list_type.notice_required",
                _("失信惩戒名单须设置告知后陈述申辩期限（notice_working_days）"),
            ),
            (
                self.source == "exchanged" and self.record is None,
                "list_type.exchanged_record",
                _("交换获取的名单须指明承载列入决定的目录项（record）"),
            ),
            (
                self.early_removal is not None
                and self.early_removal.minimum is not None
                and not self.duration.longer_than(self.early_removal.minimum),
                "list_type.early_after_end",
                _("可申请提前移出的最短期限须短于列入期限"),
            ),
        ]
        for failed, reason, message in problems:
            if failed:
                raise _fail(reason, message)
        return self


class ListsFile(_Strict):
    list_types: list[ListTypeEntry] = Field(min_length=1)


class ScenarioEntry(_Strict):
    """A business scenario in which measures apply; `code` is a stable API code."""

    code: Key
    name: Name
    description: Text = ""


class MeasureSource(_Strict):
    """Where measures come from: an edition of the national basic list, a memorandum, a
    regulation or a local document."""

    code: Key
    name: LongName
    kind: SourceKind
    document: Name | None = None
    year: int = Field(ge=1990, le=2100)
    note: Text = ""


class Implementers(_Strict):
    """The departments that implement a measure: by sector, and every organisation of the
    named kinds (e.g. every department that grants licences)."""

    sectors: list[Key] = []
    kinds: list[str] = []

    @model_validator(mode="after")
    def _someone(self) -> Implementers:
        if not self.sectors and not self.kinds:
            raise _fail(
                "measure.no_implementer",
                _("须给出实施部门的领域（sectors）或机构类型（kinds）"),
            )
        return self


class GradeCondition(_Strict):
    """A measure that follows a credit evaluation grade instead of a list: the evaluation
    model (its code, `evaluation/*.yaml`) and the grades it applies to."""

    model: ModelCode
    grades: list[GradeCode] = Field(min_length=1)


class MeasureEntry(_Strict):
    """One joint punishment or reward measure: what is done, to whom (the subjects on
    `list_types`, or those whose current grade under an evaluation model is one of
    `grade.grades`), where (scenarios), by whom, on what basis and from which source."""

    code: ItemCode
    text: Required
    kind: MeasureKind
    obligation: Obligation
    list_types: list[Key] = []
    grade: GradeCondition | None = None
    scenarios: list[Key] = Field(min_length=1)
    implemented_by: Implementers
    legal_basis: list[RankedBasis] = Field(min_length=1)
    source: Key
    source_item: Name | None = None
    note: Text = ""

    @model_validator(mode="after")
    def _lawful(self) -> MeasureEntry:
        if bool(self.list_types) == (self.grade is not None):
            raise _fail(
                "measure.trigger",
                _("措施须适用于名单（list_types）或评价等级（grade）之一，且只能是其中之一"),
            )
        if self.kind == "punishment" and not _founded(self.legal_basis):
            raise _fail(
                "measure.no_founding_basis",
                _("惩戒措施须以法律、法规、司法解释、部门规章或党中央、国务院政策文件为依据"),
            )
        return self


class MeasuresFile(_Strict):
    sources: list[MeasureSource] = Field(min_length=1)
    scenarios: list[ScenarioEntry] = Field(min_length=1)
    measures: list[MeasureEntry] = Field(min_length=1)
