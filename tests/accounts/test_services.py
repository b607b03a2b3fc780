"""Organisation, staff and role services: validation, audit entries, nothing written on error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.accounts.conftest import org, uscc
from xinyong.accounts.models import Organisation, OrganisationKind, RoleGrant, User
from xinyong.accounts.services import (
    AccountError,
    create_organisation,
    create_staff_user,
    find_organisation,
    grant_role,
    revoke_role,
    set_password,
    set_roles,
    update_organisation,
    update_user,
)
from xinyong.core import audit
from xinyong.core.context import Actor, acting_as
from xinyong.core.models import AuditEntry, District

pytestmark = pytest.mark.django_db

PASSWORD = "correct-Horse-battery-9"


def _history(object_type: str, pk: object) -> list[str]:
    return [entry.action for entry in audit.entries_for(object_type, pk)]


def _unchanged(before_count: int) -> None:
    assert AuditEntry.objects.count() == before_count


def test_create_organisation_normalises_and_audits() -> None:
    District.objects.create(code="120116", name="滨海新区")
    raw = uscc(7).lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in raw)
    with acting_as(Actor(label="operator", user_id=1)):
        created = create_organisation(
            uscc=f" {full_width} ",
            name=" 天津市市场监督管理委员会 ",
            kind=OrganisationKind.DEPARTMENT,
            district="120116",
            short_name="市场监管委",
            sector="市场监管",
        )
    assert created.uscc == uscc(7)
    assert created.name == "天津市市场监督管理委员会"
    assert created.district is not None and created.district.code == "120116"
    entry = AuditEntry.objects.get(action="organisation.create")
    assert entry.actor_label == "operator" and entry.organisation_id == created.pk
    assert entry.after is not None
    assert entry.after["uscc"] == uscc(7) and entry.after["district"] == "120116"
    assert find_organisation(raw) == created


def test_update_organisation_records_only_what_changed() -> None:
    dept = org(2)
    update_organisation(dept, name="新名称", sector="税务", kind=OrganisationKind.DEPARTMENT)
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.before == {"name": "机构2", "sector": ""}
    assert entry.after == {"name": "新名称", "sector": "税务"}
    count = AuditEntry.objects.count()
    update_organisation(dept, name="新名称", sector="税务")
    _unchanged(count)
    dept.refresh_from_db()
    assert dept.name == "新名称"


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"uscc": "91120000MA05K7XX0X"}, "invalid_uscc"),
        ({"uscc": "12345"}, "invalid_uscc"),
        ({"uscc": uscc(1)}, "duplicate_uscc"),
        ({"name": "  "}, "missing_field"),
        ({"name": "名" * 201}, "too_long"),
        ({"kind": "church"}, "unknown_kind"),
        ({"district": "999999"}, "unknown_district"),
    ],
)
def test_bad_organisations_are_refused_and_nothing_is_written(
    kwargs: dict[str, Any], reason: str
) -> None:
    existing = org(1)
    count, orgs = AuditEntry.objects.count(), Organisation.objects.count()
    fields = {"uscc": uscc(9), "name": "某机构", "kind": "department", **kwargs}
    with pytest.raises(AccountError) as error:
        create_organisation(**fields)
    assert error.value.reason == reason
    assert error.value.message
    _unchanged(count)
    assert Organisation.objects.count() == orgs
    if reason != "duplicate_uscc":
        with pytest.raises(AccountError):
            update_organisation(existing, **kwargs)
        existing.refresh_from_db()
        assert existing.uscc == uscc(1) and existing.name == "机构1"
        _unchanged(count)


def test_invalid_uscc_message_explains_and_is_chinese() -> None:
    with pytest.raises(AccountError) as error:
        create_organisation(uscc="91120000MA05K7XX0X", name="某机构", kind="bank")
    assert "统一社会信用代码" in error.value.message
    assert "[invalid_uscc]" in str(error.value)


def test_moving_an_organisation_to_a_taken_uscc_is_refused() -> None:
    first, second = org(1), org(2)
    with pytest.raises(AccountError) as error:
        update_organisation(second, uscc=first.uscc)
    assert error.value.reason == "duplicate_uscc"
    second.refresh_from_db()
    assert second.uscc == uscc(2)


def test_finding_an_organisation_by_a_bad_code_says_why() -> None:
    with pytest.raises(AccountError) as error:
        find_organisation("11010519491231002X")
    assert error.value.reason == "invalid_uscc"
    assert "11010519491231002X" not in error.value.message
    with pytest.raises(AccountError) as error:
        find_organisation(uscc(5))
    assert error.value.reason == "unknown_organisation"
    assert uscc(5) in error.value.message


def test_create_staff_user_with_roles_audits_without_secrets() -> None:
    dept = org(2)
    user = create_staff_user(
        organisation=dept,
        username="zhang.san",
        roles=["submitter", "reviewer", "submitter"],
        password=PASSWORD,
        email="Zhang@EXAMPLE.cn",
        last_name="张",
        first_name="三",
    )
    assert user.check_password(PASSWORD)
    assert user.role_codes() == {"submitter", "reviewer"}
    assert user.email == "Zhang@example.cn"
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.organisation_id == dept.pk
    assert entry.after is not None
    assert entry.after["roles"] == ["reviewer", "submitter"]
    assert entry.after["usable_password"] is True
    stored = json.dumps([entry.before, entry.after], ensure_ascii=False)
    assert PASSWORD not in stored and user.password not in stored


def test_user_without_password_cannot_log_in() -> None:
    user = create_staff_user(organisation=org(2), username="li.si")
    assert not user.has_usable_password()
    assert user.role_codes() == frozenset()


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"username": "bad name!"}, "invalid_username"),
        ({"username": ""}, "invalid_username"),
        ({"username": "taken"}, "duplicate_username"),
        ({"roles": ["admin", "emperor"]}, "unknown_role"),
        ({"password": "123"}, "weak_password"),
        ({"email": "not-an-email"}, "invalid_email"),
        ({"first_name": "名" * 151}, "too_long"),
    ],
)
def test_bad_staff_users_are_refused_and_nothing_is_written(
    kwargs: dict[str, object], reason: str
) -> None:
    dept = org(2)
    create_staff_user(organisation=dept, username="taken")
    count, users = AuditEntry.objects.count(), User.objects.count()
    fields: dict[str, object] = {"organisation": dept, "username": "wang.wu", **kwargs}
    with pytest.raises(AccountError) as error:
        create_staff_user(**fields)  # type: ignore[arg-type]
    assert error.value.reason == reason
    _unchanged(count)
    assert User.objects.count() == users
    assert RoleGrant.objects.count() == 0


def test_no_staff_in_a_deactivated_organisation() -> None:
    dept = org(2)
    update_organisation(dept, is_active=False)
    with pytest.raises(AccountError) as error:
        create_staff_user(organisation=dept, username="zhao.liu")
    assert error.value.reason == "inactive_organisation"


def test_grant_and_revoke_roles_each_leave_an_entry() -> None:
    user = create_staff_user(organisation=org(2), username="zhang.san", roles=["submitter"])
    assert grant_role(user, "reviewer") is True
    assert user.role_codes() == {"submitter", "reviewer"}
    assert grant_role(user, "reviewer") is False
    assert revoke_role(user, "submitter") is True
    assert revoke_role(user, "submitter") is False
    assert user.role_codes() == {"reviewer"}
    assert _history("accounts.user", user.pk) == [
        "user.create",
        "user.role_grant",
        "user.role_revoke",
    ]
    revoke = AuditEntry.objects.get(action="user.role_revoke")
    assert revoke.before == {"roles": ["reviewer", "submitter"]}
    assert revoke.after == {"role": "submitter", "roles": ["reviewer"]}
    with pytest.raises(AccountError):
        grant_role(user, "emperor")
    with pytest.raises(AccountError):
        revoke_role(user, "emperor")


def test_set_roles_writes_the_difference() -> None:
    user = create_staff_user(organisation=org(2), username="zhang.san", roles=["submitter"])
    granted, revoked = set_roles(user, ["admin", "auditor"])
    assert (granted, revoked) == (["admin", "auditor"], ["submitter"])
    assert set(RoleGrant.objects.values_list("role", flat=True)) == {"admin", "auditor"}
    assert set_roles(user, ["auditor", "admin"]) == ([], [])
    assert _history("accounts.user", user.pk).count("user.role_grant") == 2


def test_update_user_and_password_are_audited_without_the_password() -> None:
    dept, bank = org(2), org(3, OrganisationKind.BANK)
    user = create_staff_user(organisation=dept, username="zhang.san")
    update_user(user, organisation=bank, email="z@example.cn", is_staff=True)
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.before == {"organisation": dept.uscc, "email": "", "is_staff": False}
    assert entry.after == {"organisation": bank.uscc, "email": "z@example.cn", "is_staff": True}
    count = AuditEntry.objects.count()
    update_user(user, organisation=bank, is_staff=True)
    _unchanged(count)
    set_password(user, PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="user.password_set")
    assert entry.after == {"usable_password": True}
    assert PASSWORD not in json.dumps(entry.after) and user.password not in json.dumps(entry.after)
    with pytest.raises(AccountError) as error:
        set_password(user, "zhang.san")
    assert error.value.reason == "weak_password"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    set_password(user, None)
    user.refresh_from_db()
    assert not user.has_usable_password()
