"""`xinyong id check CODE...`: say what each code is and whether it is valid."""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from xinyong.core.identifiers import IdentifierCheck, IdKind, allowlisted_codes, check

EPILOG = (
    "Exit status: 0 if every code is valid (allowlisted irregular codes and converted 15-digit "
    "citizen IDs count as valid), 1 if any code is invalid. Citizen ID numbers are printed in "
    "clear on this terminal unless --mask is given."
)


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Identifier tools (USCC, organisation code, registration number, citizen ID)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        checker = sub.add_parser(
            "check",
            help="Validate codes; exit 1 if any is invalid.",
            description="Print each code's type, validity, normalised form and reason.",
            epilog=EPILOG,
        )
        checker.add_argument("codes", nargs="+", metavar="CODE")
        checker.add_argument("--kind", choices=[k.value for k in IdKind], help="skip detection")
        checker.add_argument("--json", action="store_true", help="print a JSON array")
        checker.add_argument(
            "--mask", action="store_true", help="mask citizen ID numbers (first 6, last 4)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = IdKind(options["kind"]) if options["kind"] else None
        allowlist = self._allowlist()
        results = [check(code, kind, allowlist=allowlist) for code in options["codes"]]
        shown = [r.masked if options["mask"] else r.normalised for r in results]
        if options["json"]:
            self._write_json(results, shown)
        else:
            self._write_table(results, shown)
        if not all(r.valid for r in results):
            sys.exit(1)

    def _allowlist(self) -> frozenset[str]:
        """The operator's allowlist, or none (with a warning) before the database is set up."""
        try:
            return allowlisted_codes()
        except DatabaseError:
            self.stderr.write(_("不规范代码白名单不可用（数据库尚未初始化？），按空白名单检查"))
            return frozenset()

    def _write_json(self, results: list[IdentifierCheck], shown: list[str]) -> None:
        rows = [
            {
                "kind": r.kind.value if r.kind else None,
                "valid": r.valid,
                "normalised": code,
                "reason": r.reason,
                "message": r.message,
            }
            for r, code in zip(results, shown, strict=True)
        ]
        self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))

    def _write_table(self, results: list[IdentifierCheck], shown: list[str]) -> None:
        header = [_("规范形式"), _("类型"), _("有效"), _("原因"), _("说明")]
        rows = [header] + [
            [
                code,
                r.kind.label if r.kind else _("未知"),
                _("是") if r.valid else _("否"),
                r.reason or "-",
                r.message or "-",
            ]
            for r, code in zip(results, shown, strict=True)
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header) - 1)]
        for row in rows:
            cells = [_pad(cell, w) for cell, w in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[-1]]))
