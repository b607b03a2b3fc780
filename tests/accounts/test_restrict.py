"""The restriction matrix: which rows each viewer sees and may change, model by model."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.test import RequestFactory

from tests.accounts.conftest import STAFF, World
from xinyong.accounts.models import ApiToken, Organisation, RoleGrant, User
from xinyong.accounts.permissions import (
    API_TOKEN_POLICY,
    USER_POLICY,
    managed_organisations,
    viewer_for_request,
    viewer_for_token,
    viewer_for_user,
)
from xinyong.accounts.services import authenticate_token
from xinyong.core import permissions
from xinyong.core.models import AuditEntry, District
from xinyong.core.permissions import (
    ANONYMOUS,
    CHANGE,
    SYSTEM,
    VIEW,
    Grant,
    Policy,
    Reach,
    Viewer,
    can,
    restrict,
)

ORGS = frozenset({"co", "dept", "bank", "closed"})
USERS = frozenset({*STAFF, "root"})
TOKENS = frozenset({"co-token", "dept-token", "dept-old", "dept-revoked", "bank-token"})
AUDIT = frozenset({*ORGS, "none"})
DU = frozenset({"dept_admin", "dept_auditor", "dept_submitter", "dept_gone"})  # dept users
BU = frozenset({"bank_admin", "bank_checker"})  # bank users
DT = frozenset({"dept-token", "dept-old", "dept-revoked"})  # dept tokens
BT = frozenset({"bank-token"})  # bank tokens
DA = frozenset({"dept"})  # audit entries of the department
BA = frozenset({"bank"})  # audit entries of the bank
ME = frozenset({"<me>"})  # the viewer's own account
NO: frozenset[str] = frozenset()

COLUMNS: list[tuple[type[models.Model], str]] = [
    (Organisation, VIEW),
    (Organisation, CHANGE),
    (User, VIEW),
    (User, CHANGE),
    (ApiToken, VIEW),
    (ApiToken, CHANGE),
    (AuditEntry, VIEW),
    (AuditEntry, CHANGE),
]

# fmt: off
MATRIX: dict[str, tuple[frozenset[str], ...]] = {
    #                    Organisation  User          ApiToken      AuditEntry
    #                    view  change  view  change  view  change  view   change
    "anonymous":        (ORGS, NO,     NO,   NO,     NO,   NO,     NO,    NO),
    "root":             (ORGS, ORGS,   USERS, USERS, TOKENS, TOKENS, AUDIT, AUDIT),
    "co_admin":         (ORGS, ORGS,   USERS, USERS, TOKENS, TOKENS, AUDIT, NO),
    "co_auditor":       (ORGS, NO,     ME,   NO,     NO,   NO,     AUDIT, NO),
    "co_operator":      (ORGS, NO,     ME,   NO,     NO,   NO,     NO,    NO),
    "dept_admin":       (ORGS, NO,     DU,   DU,     DT,   DT,     DA,    NO),
    "dept_auditor":     (ORGS, NO,     ME,   NO,     NO,   NO,     DA,    NO),
    "dept_submitter":   (ORGS, NO,     ME,   NO,     NO,   NO,     NO,    NO),
    "dept_gone":        (ORGS, NO,     NO,   NO,     NO,   NO,     NO,    NO),
    "bank_admin":       (ORGS, NO,     BU,   BU,     BT,   BT,     BA,    NO),
    "bank_checker":     (ORGS, NO,     ME,   NO,     NO,   NO,     NO,    NO),
    "closed_admin":     (ORGS, NO,     ME,   NO,     NO,   NO,     NO,    NO),
    "token:co-token":   (ORGS, NO,     NO,   NO,     NO,   NO,     AUDIT, NO),
    "token:dept-token": (ORGS, NO,     NO,   NO,     NO,   NO,     DA,    NO),
    "token:bank-token": (ORGS, NO,     NO,   NO,     NO,   NO,     NO,    NO),
}
# fmt: on


def viewer_named(world: World, name: str) -> Viewer:
    if name == "anonymous":
        return viewer_for_user(AnonymousUser())
    if name.startswith("token:"):
        principal = authenticate_token(world.secrets[name.removeprefix("token:")])
        assert principal is not None
        return viewer_for_token(principal)
    return viewer_for_user(User.objects.get(username=name))


def labels(world: World, rows: models.QuerySet[Any]) -> frozenset[str]:
    org_labels = {o.pk: label for label, o in world.orgs.items()}
    model = rows.model
    if model is Organisation:
        return frozenset(org_labels[pk] for pk in rows.values_list("pk", flat=True))
    if model is User:
        return frozenset(rows.values_list("username", flat=True))
    if model is ApiToken:
        return frozenset(rows.values_list("name", flat=True))
    return frozenset(
        org_labels.get(pk, "none") if pk is not None else "none"
        for pk in rows.values_list("organisation_id", flat=True)
    )


@pytest.mark.parametrize("column", COLUMNS, ids=lambda c: f"{c[0].__name__}.{c[1]}")
@pytest.mark.parametrize("viewer_name", list(MATRIX))
def test_matrix(world: World, viewer_name: str, column: tuple[type[models.Model], str]) -> None:
    model, action = column
    expected = MATRIX[viewer_name][COLUMNS.index(column)]
    if expected == ME:
        expected = frozenset({viewer_name})
    viewer = viewer_named(world, viewer_name)
    rows = restrict(model._default_manager.all(), viewer, action)
    assert labels(world, rows) == expected
    # Any model-level permission exactly when some rows are within reach.
    assert can(viewer, model, action) == bool(expected)


def test_the_world_has_rows_in_every_group(world: World) -> None:
    """The matrix would pass vacuously on empty tables."""
    assert labels(world, Organisation.objects.all()) == ORGS
    assert labels(world, User.objects.all()) == USERS
    assert labels(world, ApiToken.objects.all()) == TOKENS
    assert labels(world, AuditEntry.objects.all()) == AUDIT


def test_restrict_is_a_queryset_method_that_composes(world: World) -> None:
    viewer = viewer_named(world, "dept_admin")
    narrowed = User.objects.restrict(viewer).filter(username__endswith="admin")
    assert set(narrowed.values_list("username", flat=True)) == {"dept_admin"}
    assert AuditEntry.objects.restrict(ANONYMOUS).count() == 0
    assert ApiToken.objects.filter(name__startswith="dept").restrict(viewer).count() == len(DT)
    assert ApiToken.objects.restrict(viewer, CHANGE).count() == len(DT)


def test_object_level_checks(world: World) -> None:
    dept_admin = viewer_named(world, "dept_admin")
    assert can(dept_admin, User, CHANGE, world.users["dept_submitter"])
    assert not can(dept_admin, User, CHANGE, world.users["bank_admin"])
    assert not can(dept_admin, Organisation, CHANGE, world.orgs["dept"])
    assert can(ANONYMOUS, Organisation, VIEW, world.orgs["bank"])
    assert not can(viewer_named(world, "bank_checker"), ApiToken, VIEW)


def test_a_model_without_a_rule_yields_nothing_even_to_the_system(world: World) -> None:
    District.objects.create(code="120101", name="和平区")
    assert not restrict(District.objects.all(), SYSTEM).exists()
    assert not restrict(RoleGrant.objects.all(), SYSTEM).exists()
    assert not can(SYSTEM, District, VIEW)


def test_unknown_action_is_a_programming_error(world: World) -> None:
    with pytest.raises(ValueError, match="unknown action"):
        User.objects.restrict(SYSTEM, "delete")
    with pytest.raises(ValueError, match="unknown actions"):
        Grant(frozenset({"erase"}), Reach.ALL)


def test_rules_are_registered_once() -> None:
    assert {
        "accounts.apitoken",
        "accounts.organisation",
        "accounts.user",
        "core.auditentry",
    } <= set(permissions.registered())
    permissions.register(User, USER_POLICY)  # the same rule again is harmless
    with pytest.raises(ValueError, match="already registered"):
        permissions.register(User, Policy(grants=()))


def test_viewer_from_a_request(world: World) -> None:
    request = RequestFactory().get("/")
    request.user = world.users["bank_checker"]
    assert viewer_for_request(request).user_id == world.users["bank_checker"].pk
    principal = authenticate_token(world.secrets["dept-token"])
    request.auth = principal  # type: ignore[attr-defined]
    viewer = viewer_for_request(request)
    assert viewer.token_id is not None and viewer.user_id is None
    assert viewer.scopes == {"audit:read", "records:submit"} and viewer.roles == frozenset()
    request = RequestFactory().get("/")
    assert viewer_for_request(request).is_anonymous


def test_managed_organisations(world: World) -> None:
    def managed(name: str, policy: Policy) -> set[str]:
        org_labels = {o.pk: label for label, o in world.orgs.items()}
        found = managed_organisations(viewer_named(world, name), policy)
        return {org_labels[pk] for pk in found.values_list("pk", flat=True)}

    assert managed("co_admin", USER_POLICY) == ORGS
    assert managed("root", API_TOKEN_POLICY) == ORGS
    assert managed("dept_admin", USER_POLICY) == {"dept"}
    assert managed("bank_admin", API_TOKEN_POLICY) == {"bank"}
    assert managed("dept_auditor", USER_POLICY) == set()
    assert managed("closed_admin", USER_POLICY) == set()
