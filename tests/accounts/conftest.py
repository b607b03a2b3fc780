"""A small world of organisations, staff with roles, tokens and audit entries."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from xinyong.accounts.models import Organisation, OrganisationKind, User
from xinyong.accounts.services import (
    create_organisation,
    create_staff_user,
    create_token,
    revoke_token,
    update_organisation,
    update_user,
)
from xinyong.core import audit
from xinyong.core.identifiers import make_uscc


def uscc(n: int, authority: str = "1", category: str = "1") -> str:
    """A valid code, distinct for each `n`."""
    return make_uscc(authority, category, "120000", f"{n:08d}")


def org(n: int, kind: str = OrganisationKind.DEPARTMENT, name: str = "") -> Organisation:
    return create_organisation(uscc=uscc(n), name=name or f"机构{n}", kind=kind)


@dataclass
class World:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)


STAFF = {
    # username: (organisation label, roles)
    "co_admin": ("co", ["admin"]),
    "co_auditor": ("co", ["auditor"]),
    "co_operator": ("co", ["operator", "reviewer"]),
    "dept_admin": ("dept", ["admin"]),
    "dept_auditor": ("dept", ["auditor"]),
    "dept_submitter": ("dept", ["submitter"]),
    "dept_gone": ("dept", ["admin", "auditor"]),
    "bank_admin": ("bank", ["admin"]),
    "bank_checker": ("bank", ["checker"]),
    "closed_admin": ("closed", ["admin", "auditor"]),
}

TOKENS = {
    # name: (organisation label, scopes)
    "co-token": ("co", ["audit:read"]),
    "dept-token": ("dept", ["audit:read", "records:submit"]),
    "dept-old": ("dept", ["records:submit"]),
    "bank-token": ("bank", ["records:read", "lists:check"]),
}


@pytest.fixture
def world(db: None) -> World:
    """Four organisations (one deactivated), their staff, a superuser, tokens, and audit
    entries attributed to each organisation and to none."""
    w = World()
    w.orgs = {
        "co": org(1, OrganisationKind.CREDIT_OFFICE, "信用办"),
        "dept": org(2, OrganisationKind.DEPARTMENT, "市场监管委"),
        "bank": org(3, OrganisationKind.BANK, "某银行"),
        "closed": org(4, OrganisationKind.DISTRICT, "某区政府"),
    }
    for username, (label, roles) in STAFF.items():
        w.users[username] = create_staff_user(
            organisation=w.orgs[label], username=username, roles=roles
        )
    w.users["root"] = User.objects.create_superuser("root", password=None)
    for name, (label, scopes) in TOKENS.items():
        w.secrets[name] = create_token(organisation=w.orgs[label], scopes=scopes, name=name).secret
    revoke_token(
        create_token(
            organisation=w.orgs["dept"], scopes=["records:read"], name="dept-revoked"
        ).token
    )
    update_user(w.users["dept_gone"], is_active=False)
    update_organisation(w.orgs["closed"], is_active=False)
    audit.record("system.tick", "system", "1")
    return w
