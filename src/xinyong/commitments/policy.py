"""The commitment policy (`commitments.yaml` beside the other policy files), parsed into
typed models.

It holds the commitment types — their texts, whether they are published, where they may be
signed, the catalogue value each is published under — and the catalogue item a breach is
recorded under. The file is read when it changes (by modification time) and validated as a
whole; a broken file is an error that names the path inside it, never a silent default.
"""

from __future__ import annotations

import string
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from xinyong.catalog.schema import ItemCode, Key, LegalBasis, Text
from xinyong.core.errors import ReasonedError
from xinyong.policy import default_policy_dir
from xinyong.policy.files import read_policy_file

FILE_NAME = "commitments.yaml"
PLACEHOLDERS = frozenset({"subject_name", "subject_code", "matter", "department", "signed_on"})
"""The fields a commitment template may use."""

ACCOUNT, OFFICE = "account", "office"
Channel = Literal["account", "office"]

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class CommitmentPolicyError(ReasonedError):
    """commitments.yaml is missing or does not validate."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CommitmentType(_Strict):
    """One kind of commitment (审批替代型, 信用修复型, 行业自律型, 主动型)."""

    code: Key
    name: Line
    title: Line
    catalog_value: Line
    public: bool
    channels: list[Channel] = Field(min_length=1)
    matter_label: Line
    legal_basis: list[LegalBasis] = Field(min_length=1)
    template: LongText
    note: Text = ""

    @model_validator(mode="after")
    def _known_fields(self) -> CommitmentType:
        used = {name for _t, name, _f, _c in string.Formatter().parse(self.template) if name}
        unknown = used - PLACEHOLDERS
        if unknown:
            raise ValueError(f"unknown template fields: {', '.join(sorted(unknown))}")
        if len(set(self.channels)) != len(self.channels):
            raise ValueError("channels repeat a value")
        return self

    def basis_text(self) -> str:
        return "；".join(f"《{b.title}》{b.article or ''}" for b in self.legal_basis)


class Breach(_Strict):
    item: ItemCode


class CommitmentPolicy(_Strict):
    legal_basis: list[LegalBasis] = Field(min_length=1)
    breach: Breach
    types: list[CommitmentType] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CommitmentPolicy:
        for attribute in ("code", "name", "catalog_value"):
            values = [getattr(t, attribute) for t in self.types]
            if len(set(values)) != len(values):
                raise ValueError(f"types repeat a {attribute}")
        return self

    def type_of(self, code: str) -> CommitmentType | None:
        return next((t for t in self.types if t.code == code), None)

    def types_for(self, channel: str) -> list[CommitmentType]:
        """The types that may be signed through `channel` (account or office)."""
        return [t for t in self.types if channel in t.channels]


def commitment_policy() -> CommitmentPolicy:
    """The commitment policy as the file now says."""
    return read_policy_file(
        default_policy_dir() / FILE_NAME,
        CommitmentPolicy,
        CommitmentPolicyError,
        "commitments.policy",
    )
