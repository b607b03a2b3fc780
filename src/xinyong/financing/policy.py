"""The financing policy (`financing.yaml` beside the other policy files), parsed into typed
models.

It holds the credit profile a request shares (catalogue item codes) and the bounds of what
may be asked and reported. The file is read when it changes (by modification time) and
validated as a whole; a broken file is an error that names the path inside it, never a
silent default.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.catalog.schema import ItemCode
from xinyong.core.errors import ReasonedError
from xinyong.policy import default_policy_dir
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


@lru_cache(maxsize=4)
def _parse(path: str, mtime_ns: int) -> FinancingPolicy:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return FinancingPolicy.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise FinancingPolicyError(
            "financing.policy", _("%(f)s 无法读取：%(e)s") % {"f": FILE_NAME, "e": exc}
        ) from exc
    except ValidationError as exc:
        where = "；".join(
            ".".join(str(p) for p in error["loc"]) + f"：{error['msg']}" for error in exc.errors()
        )
        raise FinancingPolicyError(
            "financing.policy", _("%(f)s 无效：%(w)s") % {"f": FILE_NAME, "w": where}
        ) from exc


def policy_path() -> Path:
    return default_policy_dir() / FILE_NAME


def financing_policy(path: Path | None = None) -> FinancingPolicy:
    """The financing policy as the file (the packaged one unless `path` is given) now says."""
    path = path or policy_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise FinancingPolicyError("financing.policy", _("缺少政策文件 %s") % FILE_NAME) from exc
    return _parse(str(path), mtime)
