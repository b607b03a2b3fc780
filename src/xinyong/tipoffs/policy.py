"""The tip-off policy (`tipoffs.yaml` beside the other policy files), parsed into typed models.

It holds the categories an informant chooses from and, for each, the sectors of the
departments competent for it (the routing suggestions). The file is read when it changes (by
modification time) and validated as a whole; a broken file is an error that names the path
inside it, never a silent default.
"""

from __future__ import annotations

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

from xinyong.catalog.schema import LegalBasis, Text
from xinyong.core.errors import ReasonedError
from xinyong.policy import default_policy_dir

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


def _path() -> Path:
    return default_policy_dir() / FILE_NAME


@lru_cache(maxsize=4)
def _parse(path: str, mtime_ns: int) -> TipOffPolicy:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return TipOffPolicy.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise TipOffPolicyError(
            "tipoffs.policy", _("%(f)s 无法读取：%(e)s") % {"f": FILE_NAME, "e": exc}
        ) from exc
    except ValidationError as exc:
        where = "；".join(
            ".".join(str(p) for p in error["loc"]) + f"：{error['msg']}" for error in exc.errors()
        )
        raise TipOffPolicyError(
            "tipoffs.policy", _("%(f)s 无效：%(w)s") % {"f": FILE_NAME, "w": where}
        ) from exc


def tipoff_policy() -> TipOffPolicy:
    """The tip-off policy as the file now says."""
    path = _path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise TipOffPolicyError("tipoffs.policy", _("缺少政策文件 %s") % FILE_NAME) from exc
    return _parse(str(path), mtime)
