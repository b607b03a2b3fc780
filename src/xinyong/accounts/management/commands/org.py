"""`xinyong org list [--json] [--kind KIND]`: the directory of organisations."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.accounts.models import OrganisationKind
from xinyong.accounts.services import directory
from xinyong.core.permissions import SYSTEM


class Command(BaseCommand):
    help = "Organisations registered on the platform."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="List organisations with their staff count.")
        listing.add_argument("--json", action="store_true", help="Print JSON.")
        listing.add_argument("--kind", choices=OrganisationKind.values, help="Only this kind.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = list(directory(SYSTEM, kind=options["kind"]))
        if options["json"]:
            rows = [
                {
                    "uscc": organisation.uscc,
                    "name": organisation.name,
                    "kind": organisation.kind,
                    "district": organisation.district.code if organisation.district else None,
                    "staff_count": organisation.staff_count,
                }
                for organisation in organisations
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self.stdout.write("\t".join(["uscc", "kind", "district", "staff", "name"]))
        for organisation in organisations:
            cells = [
                organisation.uscc,
                organisation.kind,
                organisation.district.code if organisation.district else "-",
                str(organisation.staff_count),
                organisation.name,
            ]
            self.stdout.write("\t".join(cells))
