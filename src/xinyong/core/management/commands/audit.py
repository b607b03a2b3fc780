"""`xinyong audit verify`: walk the audit chain and name the first broken entry."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.core import audit


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Verify the hash chain; exit 1 at the first break.")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = audit.verify()
        if broken is None:
            self.stdout.write(f"audit chain intact: {checked} entries")
            return
        self.stderr.write(
            f"audit chain broken at entry #{broken.seq}: {broken.reason} "
            f"({checked} entries verified before it)"
        )
        sys.exit(1)
