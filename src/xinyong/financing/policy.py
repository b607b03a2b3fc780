"""The financing policy (`financing.yaml` beside the other policy files), parsed into typed
models.

It holds the credit profile a request shares (catalogue item codes) and the bounds of what
may be asked and reported. The file is read when it changes (by modification time) and
validated as a whole; a broken file is an error that names the path inside it, never a
silent default.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.catalog.schema import ItemCode
from xinyong.core.errors import ReasonedError
from xinyong.policy import default_policy_dir
from xinyong.policy.files import read_policy_file
from xinyong.subjects.models import SubjectKind

FILE_NAME = "financing.yaml"


class FinancingPolicyError(ReasonedError):
    """financing.yaml is missing or does not validate."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bounds(_Strict):
    min: Decimal = Field(gt=0)
    max: Decimal = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.min > self.max:
            raise ValueError("min is above max")
        return self


class FinancingPolicy(_Strict):
    profile: list[ItemCode] = Field(min_length=1)
    subject_kinds: list[SubjectKind] = Field(min_length=1)
    open_days: int = Field(ge=1, le=365)
    max_banks: int = Field(ge=1, le=20)
    amount_wan: Bounds
    term_months: Bounds
    loan_rate_percent: Bounds

    @model_validator(mode="after")
    def _distinct(self) -> FinancingPolicy:
        if len(set(self.profile)) != len(self.profile):
            raise ValueError("an item is listed twice in profile")
        return self


def policy_path() -> Path:
    return default_policy_dir() / FILE_NAME


def financing_policy(path: Path | None = None) -> FinancingPolicy:
    """The financing policy as the file (the packaged one unless `path` is given) now says."""
    return read_policy_file(
        path or policy_path(), FinancingPolicy, FinancingPolicyError, "financing.policy"
    )
