"""`xinyong token create|list|revoke`: API tokens of organisations.

The secret is printed once, on stdout alone (so `$(xinyong token create …)` captures just
the token); the warning and the details go to stderr.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import ApiToken
from xinyong.accounts.scopes import SCOPES
from xinyong.accounts.services import (
    AccountError,
    create_token,
    find_organisation,
    find_token,
    revoke_token,
    tokens,
)
from xinyong.core.context import in_job
from xinyong.core.permissions import SYSTEM


def _when(value: datetime | None) -> str | None:
    """Local time (the platform's time zone), to the second."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value is not None else None


class Command(BaseCommand):
    help = "API tokens: create (shown once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token to an organisation.")
        create.add_argument("--org", required=True, help="The organisation's USCC.")
        create.add_argument(
            "--scope",
            required=True,
            nargs="+",
            action="extend",
            help="One or more of: " + ", ".join(SCOPES),
        )
        create.add_argument("--name", default="", help="What the token is for.")
        create.add_argument("--expires-days", type=int, default=None, help="Days until expiry.")
        listing = sub.add_parser("list", help="List tokens (never their secrets).")
        listing.add_argument("--org", help="Only this organisation's tokens (USCC).")
        listing.add_argument("--json", action="store_true", help="Print JSON.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix", help="The token's prefix, e.g. xy_1a2b3c4d.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with in_job(f"token {options['action']}"):
                getattr(self, f"_{options['action']}")(options)
        except AccountError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, options: dict[str, Any]) -> None:
        issued = create_token(
            organisation=find_organisation(options["org"]),
            scopes=options["scope"],
            name=options["name"],
            expires_in_days=options["expires_days"],
        )
        token = issued.token
        self.stdout.write(issued.secret)
        self.stderr.write(
            _("警告：令牌只显示这一次，无法再次查看，请立即妥善保存。")
            + "\n"
            + _("前缀 %(prefix)s，机构 %(org)s，权限范围 %(scopes)s，到期 %(expires)s")
            % {
                "prefix": token.prefix,
                "org": token.organisation.uscc,
                "scopes": " ".join(token.scopes),
                "expires": _when(token.expires_at) or _("不过期"),
            }
        )

    def _list(self, options: dict[str, Any]) -> None:
        organisation = find_organisation(options["org"]) if options["org"] else None
        found = list(tokens(SYSTEM, organisation=organisation))
        if options["json"]:
            rows = [
                {
                    "prefix": token.prefix,
                    "organisation": token.organisation.uscc,
                    "name": token.name,
                    "scopes": list(token.scopes),
                    "state": token.state().value,
                    "created_at": _when(token.created_at),
                    "expires_at": _when(token.expires_at),
                    "last_used_at": _when(token.last_used_at),
                }
                for token in found
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        header = ["prefix", "organisation", "state", "scopes", "expires_at", "last_used_at", "name"]
        self.stdout.write("\t".join(header))
        for token in found:
            cells = [
                token.prefix,
                token.organisation.uscc,
                token.state().value,
                " ".join(token.scopes),
                _when(token.expires_at) or "-",
                _when(token.last_used_at) or "-",
                token.name,
            ]
            self.stdout.write("\t".join(cells))

    def _revoke(self, options: dict[str, Any]) -> None:
        token: ApiToken = revoke_token(find_token(options["prefix"]))
        self.stdout.write(_("已吊销令牌 %(prefix)s") % {"prefix": token.prefix})
