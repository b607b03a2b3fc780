"""`xinyong catalog list [--json] [--all]`: the credit information catalogue as loaded."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from xinyong.accounts.models import OrganisationKind
from xinyong.catalog.models import Disclosure, Polarity, SubjectType
from xinyong.catalog.services import CatalogItemSummary, list_items


def _sources(item: CatalogItemSummary) -> str:
    names = [d.short_name or d.name for d in item.source_departments]
    names += [_("%s（全部）") % OrganisationKind(kind).label for kind in item.source_kinds]
    return "、".join(names)


class Command(BaseCommand):
    help = "The credit information catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="List catalogue items.")
        listing.add_argument("--json", action="store_true", help="print JSON")
        listing.add_argument("--all", action="store_true", help="include withdrawn items")

    def handle(self, *args: Any, **options: Any) -> None:
        items = list_items(include_withdrawn=options["all"])
        if options["json"]:
            payload = [item.as_dict() for item in items]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for item in items:
            subjects = "、".join(str(SubjectType(t).label) for t in item.subject_types)
            state = "" if item.is_active else " [withdrawn]"
            self.stdout.write(
                f"{item.code:<10} {item.name}  v{item.version}{state}\n"
                f"           {Disclosure(item.disclosure).label} · "
                f"{Polarity(item.polarity).label} · {subjects}\n"
                f"           {_sources(item)}"
            )
        self.stdout.write(f"{len(items)} items")
