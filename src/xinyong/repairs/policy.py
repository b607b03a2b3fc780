"""The repair policy (`repairs.yaml` beside the other policy files), parsed into typed models.

It holds texts and requirements, not periods: the earliest repair dates come from the
publication rules and the deadlines from publication.yaml. The file is read when it changes
(by modification time) and validated as a whole; a broken file is an error that names the
path inside it, never a silent default.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import yaml
from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from xinyong.catalog.schema import ItemCode, LegalBasis, Text
from xinyong.core.errors import ReasonedError
from xinyong.policy import default_policy_dir

FILE_NAME = "repairs.yaml"
PLACEHOLDERS = frozenset(
    {"subject_name", "subject_code", "item_name", "doc_no", "department", "decision_date"}
)
"""The fields a commitment template may use."""

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class RepairPolicyError(ReasonedError):
    """repairs.yaml is missing or does not validate."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Commitment(_Strict):
    title: Line
    template: LongText
    note: Text = ""

    @model_validator(mode="after")
    def _known_fields(self) -> Commitment:
        used = {name for _t, name, _f, _c in string.Formatter().parse(self.template) if name}
        unknown = used - PLACEHOLDERS
        if unknown:
            raise ValueError(f"unknown template fields: {', '.join(sorted(unknown))}")
        return self


class Requirements(_Strict):
    common: list[Line] = Field(min_length=1)
    by_severity: dict[str, list[Line]]
    other: list[Line] = Field(min_length=1)
    min_attachments: int = Field(ge=0, le=5)
    note: Text = ""


class Extension(_Strict):
    max_working_days: int = Field(ge=1, le=60)
    note: Text = ""


class NotRepairable(_Strict):
    item: ItemCode
    reason: Line


class Notice(_Strict):
    title: Line
    items: list[ItemCode]
    how: LongText
    free: LongText


class RepairPolicy(_Strict):
    legal_basis: list[LegalBasis] = Field(min_length=1)
    commitment: Commitment
    requirements: Requirements
    extension: Extension
    not_repairable: list[NotRepairable] = []
    notice: Notice

    def needed_for(self, severity: str) -> tuple[str, ...]:
        """What a repair of a record of `severity` ("" for none) needs, common items first."""
        specific = self.requirements.by_severity.get(severity) or self.requirements.other
        return (*self.requirements.common, *specific)

    def not_repairable_reason(self, item_code: str) -> str:
        """Why records of `item_code` are not repaired here ("" when they are)."""
        return next((row.reason for row in self.not_repairable if row.item == item_code), "")

    def basis_text(self) -> str:
        return "；".join(f"《{b.title}》{b.article or ''}" for b in self.legal_basis)


def _path() -> Path:
    return default_policy_dir() / FILE_NAME


@lru_cache(maxsize=4)
def _parse(path: str, mtime_ns: int) -> RepairPolicy:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return RepairPolicy.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise RepairPolicyError(
            "repairs.policy", _("%(f)s 无法读取：%(e)s") % {"f": FILE_NAME, "e": exc}
        ) from exc
    except ValidationError as exc:
        where = "；".join(
            ".".join(str(p) for p in error["loc"]) + f"：{error['msg']}" for error in exc.errors()
        )
        raise RepairPolicyError(
            "repairs.policy", _("%(f)s 无效：%(w)s") % {"f": FILE_NAME, "w": where}
        ) from exc


def repair_policy() -> RepairPolicy:
    """The repair policy as the file now says."""
    path = _path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise RepairPolicyError("repairs.policy", _("缺少政策文件 %s") % FILE_NAME) from exc
    return _parse(str(path), mtime)
