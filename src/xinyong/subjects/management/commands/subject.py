"""`xinyong subject find CODE... [--json]`: which subject a code belongs to, persons masked."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.core.privacy import mask_in_text
from xinyong.subjects.services import find_subject, summary


class Command(BaseCommand):
    help = "Subject tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        find = sub.add_parser(
            "find", help="Find subjects by USCC, legacy code, certificate or citizen ID."
        )
        find.add_argument("codes", nargs="+", metavar="CODE")
        find.add_argument("--json", action="store_true", help="One JSON document on stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        found: list[dict[str, Any]] = []
        for code in options["codes"]:
            subject = find_subject(code)
            found.append(
                {"code": mask_in_text(code), "subject": summary(subject) if subject else None}
            )
        if options["json"]:
            self.stdout.write(json.dumps(found, ensure_ascii=False, indent=2))
        else:
            for item in found:
                self.stdout.write(self._line(item))
        if any(item["subject"] is None for item in found):
            sys.exit(1)

    @staticmethod
    def _line(item: dict[str, Any]) -> str:
        subject = item["subject"]
        if subject is None:
            return f"{item['code']}\t未找到"
        codes = " ".join(f"{i['scheme']}={i['value']}" for i in subject["identifiers"])
        return "\t".join(
            [item["code"], subject["public_id"], subject["kind"], subject["name"], codes]
        )
