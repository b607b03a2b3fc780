"""`xinyong receipts verify FILE [--keys KEYS_JSON]`: check a signed envelope.

With `--keys` (a saved GET /api/v1/keys answer, or `xinyong keys list --json`) it touches no
database, so a bank or an auditor can run it on any machine; without, it reads the keys the
platform has published. Exit 0 when the signature holds, 1 with the reason when it does not.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from xinyong.core import signing
from xinyong.core.errors import ReasonedError
from xinyong.core.signing.envelope import format_time


class Command(BaseCommand):
    help = "Signed receipts, reports and feeds: verify an envelope, offline with --keys."
    requires_system_checks: list[str] = []  # offline use: nothing to check, no database

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "verify", help="Verify a signed envelope; exit 0 if valid, 1 with the reason if not."
        )
        check.add_argument("file", metavar="FILE", help="The envelope (JSON); - for stdin.")
        check.add_argument(
            "--keys",
            metavar="KEYS_JSON",
            help="A saved GET /api/v1/keys answer; without it, the database's published keys.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            envelope = self._read(options["file"])
            if options["keys"]:
                keys = signing.keys_from_document(signing.loads(self._read(options["keys"])))
            else:
                keys = signing.published_keys()
        except ReasonedError as exc:
            self._fail(str(exc))
        result = signing.verify_text(envelope, keys)
        if not result.valid:
            self._fail(
                _("签名无效：%(reason)s") % {"reason": f"{result.message} [{result.reason}]"}
            )
        signed_at = format_time(result.signed_at) if result.signed_at else "?"
        self.stdout.write(
            _("签名有效：密钥 %(key)s，签署于 %(at)s") % {"key": result.key_id, "at": signed_at}
        )

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(name).read_bytes()
        except OSError as exc:
            self._fail(_("无法读取 %(path)s：%(error)s") % {"path": name, "error": exc.strerror})

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(1)
