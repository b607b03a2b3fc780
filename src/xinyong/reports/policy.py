"""The report types policy (`reports.yaml` beside the other policy files), parsed into typed
models.

Each type says who may ask for it, which disclosure classes and catalogue items it may
include, whether lists, grades, commitments and objections are in it, about which kinds of
subject it may be issued, and how long a recipient should rely on it. The file is read when it
changes (by modification time) and validated as a whole, against the catalogue of the same
policy directory too: a broken file, or an item code the catalogue lacks, is an error that
names the path inside it, never a silent default. `xinyong policy check` runs the same checks
(`catalogue_problems`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from xinyong.catalog.schema import (
    CatalogFile,
    DisclosureClass,
    ItemCode,
    LegalBasis,
    Name,
    SubjectType,
    Text,
)
from xinyong.core.errors import ReasonedError
from xinyong.policy import default_policy_dir
from xinyong.policy.files import read_policy_file

FILE_NAME = "reports.yaml"
CATALOG_FILE = "catalog.yaml"

PUBLIC_TYPE = "public"
"""The type the portal's download button issues; the policy must offer it to the public."""

Audience = Literal["public", "subject", "government", "authorised"]
EvaluationShown = Literal["none", "public", "reasons"]
TypeCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,31}$")]


class ReportsPolicyError(ReasonedError):
    """reports.yaml is missing or does not validate."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _repeated(values: list[str]) -> list[str]:
    return sorted({v for v in values if values.count(v) > 1})


class ReportType(_Strict):
    code: TypeCode
    name: Name
    description: Text = ""
    audiences: list[Audience] = Field(min_length=1)
    disclosures: list[DisclosureClass] = Field(min_length=1)
    items: list[ItemCode] = []
    lists: bool
    evaluation: EvaluationShown
    commitments: bool
    objections: bool
    subject_kinds: list[SubjectType] = Field(min_length=1)
    purpose_required: bool
    validity_days: int = Field(ge=1, le=366)
    legal_basis: list[LegalBasis] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> ReportType:
        for key in ("audiences", "disclosures", "items", "subject_kinds"):
            repeated = _repeated(list(getattr(self, key)))
            if repeated:
                raise PydanticCustomError(
                    "report_type.repeated",
                    _("%(key)s 中重复：%(values)s") % {"key": key, "values": "、".join(repeated)},
                )
        return self


class ReportsPolicy(_Strict):
    types: list[ReportType] = Field(min_length=1)

    @model_validator(mode="after")
    def _well_formed(self) -> ReportsPolicy:
        repeated = _repeated([t.code for t in self.types])
        if repeated:
            raise PydanticCustomError(
                "report_type.code_repeated", _("报告类型代码重复：%s") % "、".join(repeated)
            )
        public = self.get(PUBLIC_TYPE)
        if public is None or "public" not in public.audiences:
            raise PydanticCustomError(
                "report_type.public_missing",
                _("须有向社会公众（public）提供的报告类型 %s") % PUBLIC_TYPE,
            )
        if public.disclosures != ["public"]:
            raise PydanticCustomError(
                "report_type.public_disclosures",
                _("报告类型 %s 只能包含社会公开（public）类信息") % PUBLIC_TYPE,
            )
        return self

    def get(self, code: str) -> ReportType | None:
        """The type `code`, or None."""
        return next((t for t in self.types if t.code == code), None)


def catalogue_problems(policy: ReportsPolicy, catalog: CatalogFile) -> list[tuple[str, str, str]]:
    """(path, reason, message) for every item a type names that the catalogue lacks, or
    that concerns none of the type's subject kinds (it could never appear in the report).
    An item of a class the type does not include is not an error: the catalogue may move an
    item between classes, and a report leaves out what its scope does not allow."""
    known = {item.code: item for item in catalog.items}
    problems = []
    for t, report_type in enumerate(policy.types):
        for i, code in enumerate(report_type.items):
            where = f"types[{t}].items[{i}]"
            item = known.get(code)
            if item is None:
                problems.append(
                    (where, "ref.unknown_item", _("信用信息目录中没有目录项 %s") % code)
                )
            elif not set(item.subject_types) & set(report_type.subject_kinds):
                problems.append(
                    (
                        where,
                        "ref.item_subject_kinds",
                        _("目录项 %s 不涉及本报告类型的任何主体类型") % code,
                    )
                )
    return problems


def policy_path() -> Path:
    return default_policy_dir() / FILE_NAME


def reports_policy(path: Path | None = None) -> ReportsPolicy:
    """The report types as the file (the packaged one unless `path` is given) now says,
    checked against the catalogue file beside it."""
    where = path or policy_path()
    reason = "reports.policy"
    policy = read_policy_file(where, ReportsPolicy, ReportsPolicyError, reason)
    catalog = read_policy_file(where.parent / CATALOG_FILE, CatalogFile, ReportsPolicyError, reason)
    problems = catalogue_problems(policy, catalog)
    if problems:
        text = "；".join(f"{loc}：{message}" for loc, _reason, message in problems)
        raise ReportsPolicyError(reason, _("%(f)s 无效：%(w)s") % {"f": where.name, "w": text})
    return policy


def report_types() -> list[ReportType]:
    """Every report type, in policy order."""
    return list(reports_policy().types)


def report_type(code: str) -> ReportType | None:
    """The report type `code` of the packaged policy, or None."""
    return reports_policy().get(code)
