"""`xinyong lists expire [--as-of DATE] [--json]`: remove the entries whose duration ran out.

The same removal the daily job runs; idempotent, and correct when run late (each entry is
removed as of its own end date). Exits 1, removing nothing, for a bad or future date.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinyong.core.context import in_job
from xinyong.lists.services import ListError, expire_entries


class Command(BaseCommand):
    help = "List entries: remove those whose duration has run out."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        expire = sub.add_parser("expire", help="Remove entries that ended on or before a day.")
        expire.add_argument("--as-of", help="the day (YYYY-MM-DD; default: today)")
        expire.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(_("日期格式应为 YYYY-MM-DD")) from exc
        try:
            with in_job("lists.expire"):
                expiry = expire_entries(as_of)
        except ListError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            payload = {"as_of": expiry.as_of.isoformat(), "removed": list(expiry.removed)}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(
            f"lists expired as of {expiry.as_of.isoformat()}: {len(expiry.removed)} removed"
        )
