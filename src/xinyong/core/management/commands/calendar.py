"""`xinyong calendar load|show|years|export`: the working-day calendar for operators."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import calendar
from xinyong.core.context import in_job


class Command(BaseCommand):
    help = "Working-day calendar: load a year's holidays, show a year, list known years."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="Load a calendar file (YAML); each year in it replaces that year.",
            description=calendar.FILE_FORMAT,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        load.add_argument("file", metavar="FILE")
        show = sub.add_parser("show", help="List a year's holidays and make-up working days.")
        show.add_argument("year", type=int, metavar="YEAR")
        sub.add_parser("years", help="List the known years, their source and day counts.")
        export = sub.add_parser(
            "export", help="Print years as a calendar file that `load` takes back unchanged."
        )
        export.add_argument("years", nargs="+", type=int, metavar="YEAR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except (calendar.CalendarDataError, calendar.CalendarUnknownYear) as exc:
            raise CommandError(str(exc)) from exc

    def _load(self, options: dict[str, Any]) -> None:
        path = options["file"]
        try:
            with in_job("calendar load"):
                years = calendar.load_file(path)
        except OSError as exc:
            message = _("无法读取 %(path)s：%(error)s") % {"path": path, "error": exc.strerror}
            raise CommandError(message) from exc
        listed = "、".join(str(year) for year in years)
        self.stdout.write(_("已载入 %(years)s 年（%(path)s）") % {"years": listed, "path": path})

    def _show(self, options: dict[str, Any]) -> None:
        for day in calendar.special_days(options["year"]):
            self.stdout.write(day.describe())

    def _years(self, options: dict[str, Any]) -> None:
        for summary in calendar.known_years():
            loaded = timezone.localtime(summary.loaded_at).isoformat(timespec="seconds")
            self.stdout.write(
                _(
                    "%(year)d  工作日 %(working)d  工作日放假 %(off)d  周末调休上班 %(makeup)d  "
                    "来源 %(source)s  载入于 %(loaded)s"
                )
                % {
                    "year": summary.year,
                    "working": summary.working_days,
                    "off": summary.off_weekdays,
                    "makeup": summary.working_weekends,
                    "source": summary.source,
                    "loaded": loaded,
                }
            )

    def _export(self, options: dict[str, Any]) -> None:
        self.stdout.write(calendar.export_years(options["years"]), ending="")
