"""`xinyong keys list|rotate|generate`: the platform's signing keys (docs/signing.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinyong.core import signing
from xinyong.core.context import in_job
from xinyong.core.signing.envelope import format_time


class Command(BaseCommand):
    help = "Signing keys: list the published keys, rotate to a new key, generate a private key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="List the published public keys, newest first.")
        listing.add_argument(
            "--json",
            action="store_true",
            help="Print the key list exactly as GET /api/v1/keys answers (for `receipts verify`).",
        )
        sub.add_parser(
            "rotate",
            help=(
                "Publish a new signing key; the current one stops signing a minute later and "
                "stays published. Without XINYONG_SIGNING_KEY a new key replaces "
                "var/signing_key; with it, the key it holds is published (generate one first)."
            ),
        )
        sub.add_parser(
            "generate",
            help="Print a new private key for XINYONG_SIGNING_KEY (stored nowhere).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except signing.SigningError as exc:
            raise CommandError(str(exc)) from exc

    def _list(self, options: dict[str, Any]) -> None:
        keys = signing.published_keys()
        if options["json"]:
            document = {"keys": [signing.key_entry(key) for key in keys]}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        local = signing.configured_key_id()
        self.stdout.write("\t".join(["key_id", "algorithm", "valid_from", "valid_until", "host"]))
        for key in keys:
            until = format_time(key.valid_until) if key.valid_until else _("当前签名密钥")
            host = _("本机私钥") if key.key_id == local else "-"
            cells = [key.key_id, signing.ALGORITHM, format_time(key.valid_from), until, host]
            self.stdout.write("\t".join(cells))
        if local is not None and all(key.key_id != local for key in keys):
            self.stderr.write(
                _("本机私钥 %(key)s 尚未发布（首次签名或 xinyong keys rotate 时发布）")
                % {"key": local}
            )

    def _rotate(self, options: dict[str, Any]) -> None:
        with in_job("keys rotate"):
            rotation = signing.rotate()
        self.stdout.write(
            _("新签名密钥 %(key)s 自 %(since)s 起签名")
            % {"key": rotation.current.key_id, "since": format_time(rotation.current.valid_from)}
        )
        if rotation.retired is not None and rotation.retired.valid_until is not None:
            self.stdout.write(
                _("原密钥 %(key)s 于 %(until)s 停止签名，仍公布以供验证")
                % {
                    "key": rotation.retired.key_id,
                    "until": format_time(rotation.retired.valid_until),
                }
            )

    def _generate(self, options: dict[str, Any]) -> None:
        self.stdout.write(signing.generate())
        self.stderr.write(
            _(
                "这是新的签名私钥：放入 XINYONG_SIGNING_KEY（妥善保管，勿写入代码库），"
                "再运行 xinyong keys rotate 发布它。"
            )
        )
