"""The tip-off policy (`tipoffs.yaml` beside the other policy files), parsed into typed models.

It holds the categories an informant chooses from and, for each, the sectors of the
departments competent for it (the routing suggestions). The file is read when it changes (by
modification time) and validated as a whole; a broken file is an error that names the path
inside it, never a silent default.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from xinyong.catalog.schema import LegalBasis, Text
from xinyong.core.errors import ReasonedError
from xinyong.policy import default_policy_dir
from xinyong.policy.files import read_policy_file

FILE_NAME = "tipoffs.yaml"

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,31}$")]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Sector = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]


class TipOffPolicyError(ReasonedError):
    """tipoffs.yaml is missing or does not validate."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Category(_Strict):
    code: Code
    name: Line
    description: Text = ""
    sectors: list[Sector] = []


class TipOffPolicy(_Strict):
    legal_basis: list[LegalBasis] = Field(min_length=1)
    reward_note: Text = ""
    categories: list[Category] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> TipOffPolicy:
        codes = [c.code for c in self.categories]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"category codes repeated: {', '.join(repeated)}")
        return self

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def choices(self) -> list[tuple[str, str]]:
        """(code, name) of every category, in the file's order."""
        return [(c.code, c.name) for c in self.categories]


def tipoff_policy() -> TipOffPolicy:
    """The tip-off policy as the file now says."""
    return read_policy_file(
        default_policy_dir() / FILE_NAME, TipOffPolicy, TipOffPolicyError, "tipoffs.policy"
    )
