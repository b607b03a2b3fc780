"""`xinyong expire [--as-of DATE] [--json]`: end what ran out, as the daily jobs do.

Ends the publication of records whose last day has passed (`records.expiry`) and removes the
list entries whose duration has run out (`lists.services.expiry`): the same work as the
daily jobs `records.expire` and `lists.expire`, idempotent and correct when late. Exits 1,
changing nothing, for a bad or future date.

`xinyong expire --report --from DATE [--to DATE]` prints the takedown report of that period
as CSV instead: what came off the surfaces on each day.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinyong.core.context import in_job
from xinyong.core.errors import ReasonedError
from xinyong.core.permissions import SYSTEM
from xinyong.lists.services import expire_entries, takedowns, write_csv
from xinyong.records.expiry import end_publications


def _day(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD")) from exc


class Command(BaseCommand):
    help = "End the publication of records and the list entries whose time has run out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="the day (YYYY-MM-DD; default: today)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--report", action="store_true", help="print the takedown report (CSV) instead"
        )
        parser.add_argument("--from", dest="day_from", help="report: first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="day_to", help="report: last day (default: --from)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"]:
            self._report(_day(options["day_from"]), _day(options["day_to"]))
            return
        as_of = _day(options["as_of"])
        try:
            with in_job("expire"):
                records = end_publications(as_of)
                entries = expire_entries(records.as_of)
        except ReasonedError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            payload = {
                "as_of": records.as_of.isoformat(),
                "records_ended": records.ended,
                "list_entries_removed": len(entries.removed),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(
            _("截至 %(day)s：结束公示信用记录 %(records)d 条，期满移出名单条目 %(entries)d 条")
            % {
                "day": records.as_of.isoformat(),
                "records": records.ended,
                "entries": len(entries.removed),
            }
        )

    def _report(self, day_from: datetime.date | None, day_to: datetime.date | None) -> None:
        if day_from is None:
            raise CommandError(_("请用 --from 指定报告的起始日期"))
        try:
            write_csv(takedowns(SYSTEM, day_from, day_to or day_from), self.stdout)
        except ReasonedError as exc:
            raise CommandError(str(exc)) from exc
