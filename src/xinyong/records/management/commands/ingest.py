"""`xinyong ingest FILE --org USCC --item CODE [--json]`: load a department's file.

Exit status: 0 when the file was processed (rejected rows included: they are listed in the
error file), 2 when the file as a whole cannot be read or mapped (nothing loaded), 1 when the
submission is refused (unknown organisation, an item it may not submit, an empty file).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinyong.accounts.services import AccountError, find_organisation
from xinyong.core.context import in_job
from xinyong.records import services
from xinyong.records.models import SubmissionStatus

BAR_WIDTH = 30
REDRAW_SECONDS = 0.2


class ProgressBar:
    """A one-line progress bar redrawn in place on a terminal (plain text, stderr)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.drawn = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self.drawn < REDRAW_SECONDS:
            return
        self.drawn = now
        rate = done / max(now - self.started, 1e-6)
        if total:
            filled = BAR_WIDTH * done // total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            line = f"\r[{bar}] {100 * done // total:3d}% {done:,}/{total:,} rows {rate:,.0f}/s"
        else:
            line = f"\r{done:,} rows {rate:,.0f}/s"
        self.stream.write(line)
        if final:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Load a file of records (CSV, XLSX, XLS, JSON) for an organisation and catalogue item."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the file to load")
        parser.add_argument("--org", required=True, help="USCC of the submitting organisation")
        parser.add_argument("--item", required=True, help="catalogue item code, e.g. XZCF")
        parser.add_argument("--json", action="store_true", help="print one JSON summary object")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("找不到文件 %s") % path)
        try:
            organisation = find_organisation(options["org"])
        except AccountError as exc:
            raise CommandError(exc.message) from exc
        progress = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
        with in_job("records.ingest"):
            try:
                with path.open("rb") as upload:
                    submission = services.submit_file(
                        organisation=organisation,
                        item_code=options["item"],
                        upload=upload,
                        file_name=path.name,
                    )
            except services.SubmissionRefused as exc:
                raise CommandError(f"{exc.message} [{exc.code}]") from exc
            submission = services.process(submission, progress=progress)
        summary = services.submission_summary(submission)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self._write_text(summary)
        if submission.status == SubmissionStatus.FAILED:
            sys.exit(2)

    def _write_text(self, summary: dict[str, Any]) -> None:
        if summary["status"] == SubmissionStatus.FAILED:
            self.stderr.write(
                _("文件无法处理，未载入任何数据：%(message)s [%(code)s]")
                % {"message": summary["error_message"], "code": summary["error_code"]}
            )
            return
        self.stdout.write(
            _(
                "报送批次 %(submission)s：共 %(rows)d 行，接收 %(accepted)d（新记录 "
                "%(new_records)d，新版本 %(new_versions)d，未变 %(unchanged)d），拒收 "
                "%(rejected)d，超期报送 %(late)d"
            )
            % summary
        )
        if summary["errors_file"]:
            self.stdout.write(_("错误文件：%s") % summary["errors_file"])
