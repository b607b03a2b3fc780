"""`xinyong checks batch FILE --org USCC --scenario CODE [--matter TEXT]`: batch comparison
from the command line, run at once (not queued), printing the batch's summary as JSON.

Exit status: 0 when the batch finished, 2 when the file could not be read, 1 when the request
is refused (unknown organisation or scenario, empty or oversized file).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinyong.accounts.services import AccountError, find_organisation
from xinyong.checks.models import BatchStatus
from xinyong.checks.services import CheckError
from xinyong.checks.services.batch import process_batch, submit_batch
from xinyong.core.context import in_job


class Command(BaseCommand):
    help = "Joint-measure checks: `batch` compares a file of codes or names for a scenario."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        batch = actions.add_parser("batch", help="compare a file of codes or names")
        batch.add_argument("file", type=Path)
        batch.add_argument("--org", required=True, help="USCC of the checking organisation")
        batch.add_argument("--scenario", required=True, help="scenario code")
        batch.add_argument("--matter", default="", help="the business matter (default: file name)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            organisation = find_organisation(options["org"])
        except AccountError as exc:
            raise CommandError(exc.message) from exc
        if not path.is_file():
            raise CommandError(_("找不到文件 %(path)s") % {"path": path})
        with in_job("checks.batch_cli") as actor, path.open("rb") as upload:
            try:
                batch = submit_batch(
                    organisation,
                    upload=upload,
                    file_name=path.name,
                    scenario=options["scenario"],
                    matter=options["matter"] or path.name,
                    created_by=actor.label,
                )
            except CheckError as exc:
                raise CommandError(exc.message) from exc
            batch = process_batch(batch)
        summary = {
            "batch": batch.public_id,
            "status": batch.status,
            "rows": batch.rows_done,
            "hits": batch.hits,
            "unknown": batch.unknown,
            "result_file": str(Path(settings.XINYONG_VAR_DIR) / batch.result_path)
            if batch.result_path
            else None,
            "error": batch.error_message or None,
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
        if batch.status == BatchStatus.FAILED:
            sys.exit(2)
