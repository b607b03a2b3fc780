"""API tokens: issued once, stored as a SHA-256 digest, checked in constant time.

A token reads `xy_<8 hex>_<43 url-safe characters>`. The first 11 characters are its
public prefix, kept in clear so a token can be named in lists, logs and revocations; the
rest carries 256 random bits. Only the digest of the whole token is stored: with that much
entropy a plain SHA-256 cannot be reversed, and checking it costs one hash per request
(unlike a password hash, which is slow on purpose).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import ApiToken, Organisation
from xinyong.accounts.scopes import SCOPES
from xinyong.accounts.services.errors import AccountError
from xinyong.core import audit, rows
from xinyong.core.context import Actor
from xinyong.core.permissions import Viewer

OBJECT_TYPE = "accounts.apitoken"
TOKEN_MARK = "xy_"  # noqa: S105 (a public marker, not a secret)
PREFIX_LENGTH = len(TOKEN_MARK) + 8
SECRET_BYTES = 32
MAX_TOKEN_LENGTH = 128
MAX_EXPIRY_DAYS = 3650
# `last_used_at` is written at most once a minute per token: enough to tell a live token
# from a forgotten one without turning every API read into a write.
LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A newly created token and its secret, which exists only in this object."""

    token: ApiToken
    secret: str


@dataclass(frozen=True)
class TokenPrincipal:
    """Who is calling when a request carries a valid token."""

    token_id: int
    prefix: str
    name: str
    organisation_id: int
    organisation_uscc: str
    organisation_kind: str
    scopes: frozenset[str]
    organisation_name: str = ""

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def actor(self, request_id: str = "") -> Actor:
        """The audit actor for work done on this token's behalf."""
        return Actor(
            label=f"token:{self.prefix}",
            organisation_id=self.organisation_id,
            request_id=request_id,
        )


def digest(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def snapshot(token: ApiToken) -> dict[str, Any]:
    """The audited view of a token: its prefix, never its secret or digest."""
    return {
        "prefix": token.prefix,
        "name": token.name,
        "organisation": token.organisation.uscc,
        "scopes": list(token.scopes),
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def validate_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes, de-duplicated and sorted; an unknown or missing scope is an error."""
    wanted = sorted({scope.strip() for scope in scopes if scope.strip()})
    if not wanted:
        raise AccountError("no_scope", _("令牌至少需要一个权限范围"))
    unknown = [scope for scope in wanted if scope not in SCOPES]
    if unknown:
        raise AccountError(
            "unknown_scope",
            _("未知的权限范围：%(scopes)s（可选：%(choices)s）")
            % {"scopes": "、".join(unknown), "choices": "、".join(SCOPES)},
        )
    return wanted


def _new_prefix() -> str:
    while True:
        prefix = TOKEN_MARK + secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


def create_token(
    *,
    organisation: Organisation,
    scopes: Iterable[str],
    name: str = "",
    expires_in_days: int | None = None,
) -> IssuedToken:
    """Issue a token to `organisation`. Show `IssuedToken.secret` to the requester once;
    it cannot be recovered afterwards."""
    wanted = validate_scopes(scopes)
    name = name.strip()
    if len(name) > 100:
        raise AccountError("too_long", _("令牌名称不能超过100个字符"))
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise AccountError(
            "invalid_expiry",
            _("有效期须在1到%(max)d天之间") % {"max": MAX_EXPIRY_DAYS},
        )
    if not organisation.is_active:
        raise AccountError(
            "inactive_organisation",
            _("机构 %(name)s 已停用，不能添加人员或令牌") % {"name": organisation.name},
        )
    with transaction.atomic():
        prefix = _new_prefix()
        secret = f"{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name,
            prefix=prefix,
            digest=digest(secret),
            scopes=wanted,
            expires_at=(
                timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
            ),
        )
        audit.record(
            "token.create",
            OBJECT_TYPE,
            token.pk,
            after=snapshot(token),
            organisation_id=organisation.pk,
        )
    return IssuedToken(token=token, secret=secret)


def find_token(prefix: str) -> ApiToken:
    """The token with this prefix (`xy_1a2b3c4d`, or the 8 hex digits alone)."""
    prefix = prefix.strip().lower()
    if not prefix.startswith(TOKEN_MARK):
        prefix = TOKEN_MARK + prefix
    token = ApiToken.objects.select_related("organisation").filter(prefix=prefix).first()
    if token is None:
        raise AccountError("unknown_token", _("没有前缀为 %(prefix)s 的令牌") % {"prefix": prefix})
    return token


def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke at once and for good; revoking twice is an error, not a second entry."""
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is not None:
            raise AccountError(
                "token_revoked", _("令牌 %(prefix)s 已被吊销") % {"prefix": token.prefix}
            )
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            "token.revoke",
            OBJECT_TYPE,
            token.pk,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
            organisation_id=token.organisation_id,
        )
    return token


@cache
def _principal_sql() -> str:
    """Every API call's first query, written out: the ORM compiled its select_related form
    afresh on each request, about a quarter of a check's time (issue 5's check rate)."""
    return (
        f"SELECT {rows.select_list(ApiToken, 't')}, o.uscc, o.kind, o.name, o.is_active "  # noqa: S608 - no input
        "FROM accounts_apitoken t JOIN accounts_organisation o ON o.id = t.organisation_id "
        "WHERE t.prefix = %s"
    )


def authenticate_token(raw: str) -> TokenPrincipal | None:
    """The principal behind a presented token, or None if it is malformed, unknown,
    revoked, expired or belongs to a deactivated organisation."""
    if not raw.startswith(TOKEN_MARK) or len(raw) > MAX_TOKEN_LENGTH:
        return None
    with rows.prepared_cursor() as cursor:
        cursor.execute(_principal_sql(), [raw[:PREFIX_LENGTH]])
        row = cursor.fetchone()
    if row is None:
        return None
    token = rows.instance(ApiToken, row)
    if not hmac.compare_digest(token.digest, digest(raw)):
        return None
    uscc, kind, name, active = row[-4:]  # the organisation's columns
    now = timezone.now()
    if token.state(now) != ApiToken.State.ACTIVE or not active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return TokenPrincipal(
        token_id=token.pk,
        prefix=token.prefix,
        name=token.name,
        organisation_id=token.organisation_id,
        organisation_uscc=uscc,
        organisation_kind=kind,
        scopes=frozenset(token.scopes),
        organisation_name=name,
    )


def tokens(viewer: Viewer, *, organisation: Organisation | None = None) -> QuerySet[ApiToken]:
    """Tokens `viewer` may see, newest first."""
    found = ApiToken.objects.restrict(viewer).select_related("organisation")
    if organisation is not None:
        found = found.filter(organisation=organisation)
    return found.order_by("-created_at", "-pk")
