"""API tokens: issue, authenticate, expire, revoke; only a digest is ever stored."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.accounts.conftest import org
from xinyong.accounts.models import ApiToken, OrganisationKind
from xinyong.accounts.services import (
    AccountError,
    authenticate_token,
    create_token,
    find_token,
    revoke_token,
    update_organisation,
)
from xinyong.accounts.services.tokens import LAST_USED_GRANULARITY
from xinyong.core import audit
from xinyong.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_token_authenticates_as_its_organisation_with_its_scopes() -> None:
    bank = org(3, OrganisationKind.BANK)
    issued = create_token(organisation=bank, scopes=["lists:check", "records:read"], name="信贷")
    assert issued.secret.startswith(issued.token.prefix + "_")
    assert len(issued.secret) > 50
    principal = authenticate_token(issued.secret)
    assert principal is not None
    assert principal.organisation_id == bank.pk and principal.organisation_kind == "bank"
    assert principal.scopes == {"lists:check", "records:read"}
    assert principal.has_scope("lists:check") and not principal.has_scope("audit:read")
    assert principal.actor("req-1").label == f"token:{issued.token.prefix}"


def test_two_tokens_never_share_a_secret_or_a_prefix() -> None:
    dept = org(2)
    issued = [create_token(organisation=dept, scopes=["records:submit"]) for _ in range(20)]
    assert len({i.secret for i in issued}) == 20
    assert len({i.token.prefix for i in issued}) == 20


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),
        lambda s: s + "x",
        lambda s: s[:-5],
        lambda s: s.upper(),
        lambda s: "",
        lambda s: "Bearer " + s,
        lambda s: s[:11] + "_" + "a" * 200,
    ],
)
def test_a_wrong_token_does_not_authenticate(tamper: object) -> None:
    issued = create_token(organisation=org(2), scopes=["records:submit"])
    assert callable(tamper)
    assert authenticate_token(tamper(issued.secret)) is None
    assert authenticate_token(issued.secret) is not None


def test_last_used_is_recorded_without_a_write_per_request() -> None:
    issued = create_token(organisation=org(2), scopes=["records:submit"])
    assert issued.token.last_used_at is None
    authenticate_token(issued.secret)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    authenticate_token(issued.secret)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - LAST_USED_GRANULARITY)
    authenticate_token(issued.secret)
    assert ApiToken.objects.get().last_used_at > first - LAST_USED_GRANULARITY  # type: ignore[operator]
    # Using a token is not a change to audit.
    assert not AuditEntry.objects.filter(action__startswith="token.use").exists()


def test_an_expired_token_is_refused() -> None:
    issued = create_token(organisation=org(2), scopes=["records:submit"], expires_in_days=30)
    token = issued.token
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert authenticate_token(issued.secret) is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert authenticate_token(issued.secret) is None
    token.refresh_from_db()
    assert token.state() == ApiToken.State.EXPIRED


def test_a_revoked_token_is_refused_and_revocation_is_audited() -> None:
    issued = create_token(organisation=org(2), scopes=["records:submit"])
    revoked = revoke_token(find_token(issued.token.prefix.removeprefix("xy_")))
    assert revoked.state() == ApiToken.State.REVOKED
    assert authenticate_token(issued.secret) is None
    history = [e.action for e in audit.entries_for("accounts.apitoken", issued.token.pk)]
    assert history == ["token.create", "token.revoke"]
    with pytest.raises(AccountError) as error:
        revoke_token(issued.token)
    assert error.value.reason == "token_revoked"
    assert len(audit.entries_for("accounts.apitoken", issued.token.pk)) == 2


def test_a_deactivated_organisations_tokens_are_refused() -> None:
    dept = org(2)
    issued = create_token(organisation=dept, scopes=["records:submit"])
    update_organisation(dept, is_active=False)
    assert authenticate_token(issued.secret) is None
    with pytest.raises(AccountError) as error:
        create_token(organisation=dept, scopes=["records:submit"])
    assert error.value.reason == "inactive_organisation"


def _database_text() -> str:
    """Every row of every table, as text."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_only_a_digest_is_stored_and_the_secret_is_never_audited() -> None:
    issued = create_token(organisation=org(2), scopes=["records:submit"], name="报送")
    secret_part = issued.secret.split("_", 2)[2]
    text = _database_text()
    assert issued.token.prefix in text  # the dump does see token rows
    assert secret_part not in text and issued.secret not in text
    stored = ApiToken.objects.get()
    assert stored.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    entry = AuditEntry.objects.get(action="token.create")
    assert stored.digest not in repr(entry.after)
    assert entry.after is not None
    assert entry.after["prefix"] == stored.prefix
    assert entry.after["scopes"] == ["records:submit"]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"scopes": ["records:submit", "records:delete"]}, "unknown_scope"),
        ({"scopes": []}, "no_scope"),
        ({"scopes": ["  "]}, "no_scope"),
        ({"scopes": ["records:read"], "expires_in_days": 0}, "invalid_expiry"),
        ({"scopes": ["records:read"], "expires_in_days": 100000}, "invalid_expiry"),
        ({"scopes": ["records:read"], "name": "名" * 101}, "too_long"),
    ],
)
def test_bad_token_requests_are_refused_and_write_nothing(
    kwargs: dict[str, object], reason: str
) -> None:
    dept = org(2)
    before = AuditEntry.objects.count()
    with pytest.raises(AccountError) as error:
        create_token(organisation=dept, **kwargs)  # type: ignore[arg-type]
    assert error.value.reason == reason
    assert ApiToken.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_unknown_scope_error_names_the_scope_and_the_choices() -> None:
    with pytest.raises(AccountError) as error:
        create_token(organisation=org(2), scopes=["records:delete"])
    assert "records:delete" in error.value.message
    assert "records:submit" in error.value.message


def test_find_token_errors() -> None:
    with pytest.raises(AccountError) as error:
        find_token("xy_00000000")
    assert error.value.reason == "unknown_token"
