"""The repair policy (`repairs.yaml` beside the other policy files), parsed into typed models.

It holds texts and requirements, not periods: the earliest repair dates come from the
publication rules and the deadlines from publication.yaml. The file is read when it changes
(by modification time) and validated as a whole; a broken file is an error that names the
path inside it, never a silent default.
"""

from __future__ import annotations

import string
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from xinyong.catalog.schema import ItemCode, LegalBasis, Text
from xinyong.core.errors import ReasonedError
from xinyong.policy import default_policy_dir
from xinyong.policy.files import read_policy_file

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


def repair_policy() -> RepairPolicy:
    """The repair policy as the file now says."""
    return read_policy_file(
        default_policy_dir() / FILE_NAME, RepairPolicy, RepairPolicyError, "repairs.policy"
    )
