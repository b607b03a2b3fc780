"""The policy files beside the catalogue that their apps read themselves (repairs,
commitments, tip-offs, financing): each is read as a whole, validated into its typed model,
and read again only when the file changes; a missing or broken file is an error that names
the path inside it, never a silent default."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from xinyong.core.errors import ReasonedError

Policy = TypeVar("Policy", bound=BaseModel)


@lru_cache(maxsize=16)
def _parse(model: type[BaseModel], path: str, mtime_ns: int) -> BaseModel:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return model.model_validate(data)


def read_policy_file(
    path: Path, model: type[Policy], error: type[ReasonedError], reason: str
) -> Policy:
    """`path` validated as `model` (cached by modification time); `error(reason, …)` saying
    what is wrong when the file is missing, unreadable or invalid."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise error(reason, _("缺少政策文件 %s") % path.name) from exc
    try:
        parsed = _parse(model, str(path), mtime)
    except (OSError, yaml.YAMLError) as exc:
        raise error(reason, _("%(f)s 无法读取：%(e)s") % {"f": path.name, "e": exc}) from exc
    except ValidationError as exc:
        where = "；".join(
            ".".join(str(p) for p in problem["loc"]) + f"：{problem['msg']}"
            for problem in exc.errors()
        )
        raise error(reason, _("%(f)s 无效：%(w)s") % {"f": path.name, "w": where}) from exc
    assert isinstance(parsed, model)  # _parse validated it as this model
    return parsed
