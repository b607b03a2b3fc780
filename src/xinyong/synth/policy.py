"""The slice of the policy files the generator needs: districts and departments.

Read with `yaml.safe_load`, only the keys named here, so the generator does not depend on
the policy loader (or a database): it runs before `xinyong policy load` in `make demo`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_POLICY_DIR = Path(__file__).resolve().parent.parent / "policy" / "tianjin"


class PolicyError(ValueError):
    """A policy file the generator cannot use; the message names the file and the path."""


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Department:
    uscc: str
    name: str
    short_name: str
    kind: str
    sector: str
    district: str


@dataclass(frozen=True, slots=True)
class Policy:
    city: Area
    districts: tuple[Area, ...]
    abolished: tuple[Area, ...]
    departments: tuple[Department, ...]


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: expected a mapping at the top level")
    return data


def _text(path: Path, where: str, item: Any, key: str, *, required: bool = True) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    if value is None or str(value).strip() == "":
        if required:
            raise PolicyError(f"{path}: {where}.{key} is missing")
        return ""
    return str(value).strip()


def _areas(path: Path, data: dict[str, Any], key: str) -> tuple[Area, ...]:
    items = data.get(key) or []
    if not isinstance(items, list):
        raise PolicyError(f"{path}: {key} must be a list")
    return tuple(
        Area(_text(path, f"{key}[{i}]", item, "code"), _text(path, f"{key}[{i}]", item, "name"))
        for i, item in enumerate(items)
    )


def load_policy(directory: Path = DEFAULT_POLICY_DIR) -> Policy:
    """Districts and departments from `districts.yaml` and `departments.yaml` in `directory`."""
    districts_path = directory / "districts.yaml"
    departments_path = directory / "departments.yaml"
    districts_data = _load(districts_path)
    city = districts_data.get("city")
    policy_city = Area(
        _text(districts_path, "city", city, "code"), _text(districts_path, "city", city, "name")
    )
    districts = _areas(districts_path, districts_data, "districts")
    if not districts:
        raise PolicyError(f"{districts_path}: districts is empty")
    abolished = _areas(districts_path, districts_data, "abolished")

    organisations = _load(departments_path).get("organisations") or []
    if not isinstance(organisations, list):
        raise PolicyError(f"{departments_path}: organisations must be a list")
    departments = []
    for i, item in enumerate(organisations):
        where = f"organisations[{i}]"
        departments.append(
            Department(
                uscc=_text(departments_path, where, item, "uscc"),
                name=_text(departments_path, where, item, "name"),
                short_name=_text(departments_path, where, item, "short_name", required=False),
                kind=_text(departments_path, where, item, "kind", required=False),
                sector=_text(departments_path, where, item, "sector", required=False),
                district=_text(departments_path, where, item, "district", required=False),
            )
        )
    if not departments:
        raise PolicyError(f"{departments_path}: organisations is empty")
    return Policy(policy_city, districts, abolished, tuple(departments))
