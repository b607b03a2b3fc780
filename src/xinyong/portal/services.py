"""What the public home page shows, read from the live database."""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.catalog.models import Disclosure, Polarity
from xinyong.catalog.services import item_definition, list_items
from xinyong.core.models import District
from xinyong.subjects.models import Subject


@dataclass(frozen=True)
class CatalogEntry:
    """One catalogue item as the public reads it: what, from whom, shown how, on what basis."""

    code: str
    name: str
    disclosure: str
    polarity: str
    polarity_code: str
    sources: tuple[str, ...]
    legal_basis: tuple[str, ...]


@dataclass(frozen=True)
class Overview:
    subjects: int
    departments: int
    districts: int
    catalog: tuple[CatalogEntry, ...]


def _basis_text(title: str, article: str | None) -> str:
    return f"《{title}》{article}" if article else f"《{title}》"


def overview() -> Overview:
    """Counts and the catalogue, for the home page."""
    disclosure_labels = dict(Disclosure.choices)
    polarity_labels = dict(Polarity.choices)
    kind_labels = dict(OrganisationKind.choices)
    entries = []
    for item in list_items():
        definition = item_definition(item.code)
        entries.append(
            CatalogEntry(
                code=item.code,
                name=item.name,
                disclosure=str(disclosure_labels.get(item.disclosure, item.disclosure)),
                polarity=str(polarity_labels.get(item.polarity, item.polarity)),
                polarity_code=item.polarity,
                sources=tuple(d.short_name or d.name for d in item.source_departments)
                or tuple(str(kind_labels.get(k, k)) for k in item.source_kinds),
                legal_basis=tuple(_basis_text(b.title, b.article) for b in definition.legal_basis),
            )
        )
    return Overview(
        subjects=Subject.objects.count(),
        departments=Organisation.objects.filter(
            is_active=True,
            kind__in=[OrganisationKind.DEPARTMENT, OrganisationKind.COURT],
        ).count(),
        districts=District.objects.filter(is_current=True).count(),
        catalog=tuple(entries),
    )
