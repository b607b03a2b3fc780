"""`xinyong daily [--as-of DATE]`: run the daily jobs now (for cron, or to catch up by hand).

The worker runs them by itself every day; this command is the same run, for operators who
schedule with cron instead, and for checking a day's outcome.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinyong.core import schedules


class Command(BaseCommand):
    help = "Run the daily jobs that have not finished for the day (today by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="The day to run them for (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(_("日期格式应为 YYYY-MM-DD")) from exc
        runs = schedules.run_due(as_of)
        for run in runs:
            summary = {"job": run.job, "day": run.day.isoformat(), "outcome": run.outcome}
            if run.error:
                summary["error"] = run.error
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        if any(run.error for run in runs):
            raise CommandError(_("有每日任务失败，详见日志"))
