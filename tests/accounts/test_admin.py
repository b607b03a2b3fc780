"""The admin goes through restrict() for every row and through the services for every save."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import World
from xinyong.accounts.models import ApiToken, Organisation, User
from xinyong.accounts.services import authenticate_token, update_user
from xinyong.core import audit
from xinyong.core.models import AuditEntry

PASSWORD = "correct-Horse-battery-9"


def client_for(world: World, username: str) -> Client:
    user = world.users[username]
    update_user(user, is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_staff_list_is_restricted(world: World) -> None:
    client = client_for(world, "dept_admin")
    page = client.get(reverse("admin:accounts_user_changelist"))
    assert page.status_code == 200
    shown = {user.username for user in page.context["cl"].result_list}
    assert shown == {"dept_admin", "dept_auditor", "dept_submitter", "dept_gone"}
    other = reverse("admin:accounts_user_change", args=[world.users["bank_admin"].pk])
    assert client.get(other).status_code == 302  # "does not exist" for this viewer


def test_a_viewer_without_rights_sees_no_token_admin(world: World) -> None:
    client = client_for(world, "dept_submitter")
    assert client.get(reverse("admin:accounts_apitoken_changelist")).status_code == 403
    index = client.get(reverse("admin:index"))
    apps = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert "ApiToken" not in apps and "Organisation" in apps


def test_organisation_change_is_for_the_credit_office_admin(world: World) -> None:
    dept = world.orgs["dept"]
    url = reverse("admin:accounts_organisation_change", args=[dept.pk])
    form = {
        "uscc": dept.uscc.lower(),
        "name": "天津市市场监督管理委员会",
        "short_name": "市场监管委",
        "kind": "department",
        "sector": "市场监管",
        "district": "",
        "is_active": "on",
    }
    refused = client_for(world, "dept_admin").post(url, form)
    assert refused.status_code == 403
    response = client_for(world, "co_admin").post(url, form)
    assert response.status_code == 302, response.context and response.context["errors"]
    dept.refresh_from_db()
    assert dept.name == "天津市市场监督管理委员会" and dept.sector == "市场监管"
    entry = AuditEntry.objects.filter(action="organisation.update").last()
    assert entry is not None and entry.actor_label == "co_admin"
    assert entry.after == {
        "name": "天津市市场监督管理委员会",
        "short_name": "市场监管委",
        "sector": "市场监管",
    }


def test_organisation_admin_rejects_an_invalid_code(world: World) -> None:
    client = client_for(world, "co_admin")
    response = client.post(
        reverse("admin:accounts_organisation_add"),
        {"uscc": "91120000MA05K7XX0X", "name": "某机构", "kind": "bank", "district": ""},
    )
    assert response.status_code == 200
    assert "uscc" in response.context["adminform"].form.errors
    assert not Organisation.objects.filter(name="某机构").exists()


def test_an_organisation_admin_adds_staff_with_roles(world: World) -> None:
    client = client_for(world, "dept_admin")
    add = reverse("admin:accounts_user_add")
    page = client.get(add)
    choices = {
        str(org.pk) for org in page.context["adminform"].form.fields["organisation"].queryset
    }
    assert choices == {str(world.orgs["dept"].pk)}
    response = client.post(
        add,
        {
            "username": "wang.wu",
            "organisation": world.orgs["dept"].pk,
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role_grants-TOTAL_FORMS": "2",
            "role_grants-INITIAL_FORMS": "0",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
            "role_grants-0-role": "submitter",
            "role_grants-1-role": "reviewer",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    user = User.objects.get(username="wang.wu")
    assert user.organisation == world.orgs["dept"] and user.check_password(PASSWORD)
    assert user.role_codes() == {"submitter", "reviewer"}
    assert [e.action for e in audit.entries_for("accounts.user", user.pk)] == [
        "user.create",
        "user.role_grant",
        "user.role_grant",
    ]


def test_an_organisation_admin_cannot_make_a_superuser(world: World) -> None:
    client = client_for(world, "dept_admin")
    target = world.users["dept_submitter"]
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    response = client.post(
        url,
        {
            "last_name": "赵",
            "first_name": "六",
            "email": "",
            "organisation": world.orgs["dept"].pk,
            "is_active": "on",
            "is_superuser": "on",
            "role_grants-TOTAL_FORMS": "1",
            "role_grants-INITIAL_FORMS": "1",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
            "role_grants-0-id": target.role_grants.get().pk,
            "role_grants-0-user": target.pk,
            "role_grants-0-role": "submitter",
            "role_grants-0-DELETE": "on",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    target.refresh_from_db()
    assert not target.is_superuser and target.last_name == "赵"
    assert target.role_codes() == frozenset()
    actions = [e.action for e in audit.entries_for("accounts.user", target.pk)]
    assert actions[-2:] == ["user.update", "user.role_revoke"]


def test_password_change_through_the_admin_is_audited(world: World) -> None:
    client = client_for(world, "co_admin")
    target = world.users["bank_checker"]
    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    entry = AuditEntry.objects.filter(action="user.password_set").last()
    assert entry is not None and entry.after == {"usable_password": True}


def _all_rows_text() -> str:
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_token_issued_in_the_admin_is_shown_once_and_stored_nowhere(world: World) -> None:
    client = client_for(world, "bank_admin")
    add = reverse("admin:accounts_apitoken_add")
    choices = client.get(add).context["adminform"].form.fields["organisation"].queryset
    assert list(choices) == [world.orgs["bank"]]
    response = client.post(
        add,
        {
            "organisation": world.orgs["bank"].pk,
            "name": "信易贷接口",
            "scopes": ["records:read", "lists:check"],
            "expires_in_days": "30",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert not any(secret in morsel.value for morsel in response.cookies.values())
    principal = authenticate_token(secret)
    assert principal is not None and principal.scopes == {"records:read", "lists:check"}
    assert secret.split("_", 2)[2] not in _all_rows_text()
    token = ApiToken.objects.get(name="信易贷接口")
    page = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert page.status_code == 200 and secret not in page.content.decode()


def test_token_admin_rejects_unknown_scopes(world: World) -> None:
    client = client_for(world, "co_admin")
    count = ApiToken.objects.count()
    response = client.post(
        reverse("admin:accounts_apitoken_add"),
        {"organisation": world.orgs["co"].pk, "name": "x", "scopes": ["records:erase"]},
    )
    assert response.status_code == 200 and "scopes" in response.context["adminform"].form.errors
    assert ApiToken.objects.count() == count


def test_revoke_action_only_touches_tokens_the_viewer_may_change(world: World) -> None:
    client = client_for(world, "dept_admin")
    tokens = list(ApiToken.objects.filter(revoked_at__isnull=True))
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [t.pk for t in tokens]},
    )
    assert response.status_code == 302
    still_active = set(
        ApiToken.objects.filter(revoked_at__isnull=True).values_list("name", flat=True)
    )
    assert still_active == {"co-token", "bank-token"}
    assert authenticate_token(world.secrets["dept-token"]) is None
    assert authenticate_token(world.secrets["bank-token"]) is not None


@pytest.mark.parametrize("model", ["organisation", "user", "apitoken"])
def test_pages_render_for_the_credit_office_admin(world: World, model: str) -> None:
    client = client_for(world, "co_admin")
    assert client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:accounts_{model}_add")).status_code == 200
    row = {"organisation": world.orgs["dept"], "user": world.users["dept_admin"]}.get(
        model, ApiToken.objects.first()
    )
    assert row is not None
    page = client.get(reverse(f"admin:accounts_{model}_change", args=[row.pk]))
    assert page.status_code == 200
