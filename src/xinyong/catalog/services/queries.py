"""Reading the catalogue: what other apps and the CLI list and look up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from xinyong.catalog.models import CatalogItem
from xinyong.catalog.schema import Item, as_loose
from xinyong.catalog.services.errors import PolicyLookupError


@dataclass(frozen=True)
class SourceDepartment:
    uscc: str
    name: str
    short_name: str


@dataclass(frozen=True)
class CatalogItemSummary:
    """One catalogue item as `xinyong catalog list` shows it."""

    code: str
    name: str
    disclosure: str
    polarity: str
    subject_types: tuple[str, ...]
    version: int
    source_departments: tuple[SourceDepartment, ...]
    source_kinds: tuple[str, ...]
    is_active: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "disclosure": self.disclosure,
            "polarity": self.polarity,
            "subject_types": list(self.subject_types),
            "version": self.version,
            "source_departments": [vars(d) for d in self.source_departments],
            "source_kinds": list(self.source_kinds),
            "is_active": self.is_active,
        }


def list_items(*, include_withdrawn: bool = False) -> list[CatalogItemSummary]:
    """The catalogue in code order (withdrawn items only when asked for)."""
    rows = CatalogItem.objects.select_related("current_version").prefetch_related(
        "source_departments"
    )
    if not include_withdrawn:
        rows = rows.filter(is_active=True)
    return [
        CatalogItemSummary(
            code=row.code,
            name=row.name,
            disclosure=row.disclosure,
            polarity=row.polarity,
            subject_types=tuple(row.subject_types),
            version=row.current_version.version,
            source_departments=tuple(
                SourceDepartment(o.uscc, o.name, o.short_name)
                for o in sorted(row.source_departments.all(), key=lambda o: o.uscc)
            ),
            source_kinds=tuple(row.source_kinds),
            is_active=row.is_active,
        )
        for row in rows.order_by("code")
    ]


def item_definition(code: str) -> Item:
    """The current definition of catalogue item `code`: field schema, legal basis, rules."""
    row = CatalogItem.objects.filter(code=code, is_active=True).first()
    if row is None:
        raise PolicyLookupError("catalog.unknown_item", _("目录中没有现行的目录项 %s") % code)
    return as_loose(Item, row.definition)
