"""`xinyong policy load|check [DIR]`: validate a policy directory as a whole, then load it.

Exits 1 with every issue (file, path inside it, reason) when anything is wrong; nothing is
loaded then. DIR defaults to the packaged Tianjin policy. A load that changes an item's
amount field refills `Record.amount` of that item's records (`records.amounts`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.catalog.services import (
    PolicyError,
    check_policy,
    default_policy_dir,
    load_policy,
)
from xinyong.core.context import in_job
from xinyong.records.amounts import amount_fields, follow_policy


class Command(BaseCommand):
    help = "Validate and load policy files (districts, departments, catalogue, publication rules)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for action, text in (
            ("load", "Validate everything, then load what changed (idempotent)."),
            ("check", "Validate only; say what loading would change."),
        ):
            command = sub.add_parser(action, help=text)
            command.add_argument(
                "directory",
                nargs="?",
                default=str(default_policy_dir()),
                help="policy directory (default: the packaged Tianjin policy)",
            )
            command.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        directory, as_json = options["directory"], options["json"]
        try:
            if options["action"] == "load":
                with in_job("policy.load"):
                    amounts_before = amount_fields()
                    report = load_policy(directory)
                    follow_policy(amounts_before)
            else:
                report = check_policy(directory)
        except PolicyError as exc:
            if as_json:
                issues = [issue.as_dict() for issue in exc.issues]
                self.stdout.write(json.dumps({"ok": False, "issues": issues}, ensure_ascii=False))
            else:
                self.stderr.write(f"policy in {directory} is invalid, nothing loaded:")
                for issue in exc.issues:
                    self.stderr.write(f"  {issue}")
            sys.exit(1)
        if as_json:
            self.stdout.write(json.dumps({"ok": True, **report.as_dict()}, ensure_ascii=False))
            return
        if options["verbosity"] >= 2:
            for change in report.changes:
                if change.status != "unchanged":
                    self.stdout.write(
                        f"  {change.status:9} {change.kind}:{change.code} v{change.version}"
                    )
        verb = "checked" if report.dry_run else "loaded"
        load = f" (load #{report.load_id})" if report.load_id else ""
        would = "would be " if report.dry_run else ""
        self.stdout.write(
            f"policy {verb} from {report.directory}: {would}"
            f"{report.count('new')} new, {report.count('changed')} changed, "
            f"{report.count('withdrawn')} withdrawn, {report.count('unchanged')} unchanged{load}"
        )
