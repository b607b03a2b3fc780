"""Who may see and change organisations, users, tokens and the audit log; and how a
request user or an API token becomes a `Viewer`.

The rules are data (`Policy` of `Grant`s) so the whole matrix can be read here at a glance
and tested row by row. `register_rules` runs when the app is ready.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import QuerySet
from django.http import HttpRequest

from xinyong.accounts.models import ApiToken, Organisation, OrganisationKind, Role, User
from xinyong.accounts.services.tokens import TokenPrincipal
from xinyong.core import permissions
from xinyong.core.models import AuditEntry
from xinyong.core.permissions import ANONYMOUS, CHANGE, VIEW, Grant, Policy, Reach, Viewer

_CREDIT_OFFICE = frozenset({OrganisationKind.CREDIT_OFFICE.value})
_ADMIN = frozenset({Role.ADMIN.value})
_ADMIN_OR_AUDITOR = frozenset({Role.ADMIN.value, Role.AUDITOR.value})
_VIEW = frozenset({VIEW})
_CHANGE = frozenset({CHANGE})
_VIEW_CHANGE = frozenset({VIEW, CHANGE})

AUDIT_ENTRY_POLICY = Policy(
    grants=(
        # The credit office's admins and auditors oversee the whole platform.
        Grant(
            _VIEW,
            Reach.ALL,
            roles=_ADMIN_OR_AUDITOR,
            scopes=frozenset({"audit:read"}),
            kinds=_CREDIT_OFFICE,
        ),
        # Every other organisation audits what was done by it or to it.
        Grant(
            _VIEW, Reach.OWN_ORGANISATION, roles=_ADMIN_OR_AUDITOR, scopes=frozenset({"audit:read"})
        ),
    ),
    organisation_field="organisation_id",
)

API_TOKEN_POLICY = Policy(
    grants=(
        Grant(_VIEW_CHANGE, Reach.ALL, roles=_ADMIN, kinds=_CREDIT_OFFICE),
        Grant(_VIEW_CHANGE, Reach.OWN_ORGANISATION, roles=_ADMIN),
    ),
    organisation_field="organisation_id",
)

USER_POLICY = Policy(
    grants=(
        Grant(_VIEW_CHANGE, Reach.ALL, roles=_ADMIN, kinds=_CREDIT_OFFICE),
        Grant(_VIEW_CHANGE, Reach.OWN_ORGANISATION, roles=_ADMIN),
        Grant(_VIEW, Reach.SELF, signed_in=True),
    ),
    organisation_field="organisation_id",
    self_field="pk",
)

ORGANISATION_POLICY = Policy(
    grants=(
        # The directory of organisations is public.
        Grant(_VIEW, Reach.ALL, everyone=True),
        Grant(_CHANGE, Reach.ALL, roles=_ADMIN, kinds=_CREDIT_OFFICE),
    ),
    organisation_field="pk",
)


def register_rules() -> None:
    """Declare the rules of this app's models (and of core's audit log)."""
    permissions.register(AuditEntry, AUDIT_ENTRY_POLICY)
    permissions.register(ApiToken, API_TOKEN_POLICY)
    permissions.register(User, USER_POLICY)
    permissions.register(Organisation, ORGANISATION_POLICY)


def viewer_for_user(user: object) -> Viewer:
    """The viewer for a request user (anonymous, inactive, or staff).

    Roles count only inside an active organisation: deactivating an organisation takes
    its staff's powers away at once, while they can still see their own account.
    """
    if not isinstance(user, User) or not user.is_active:
        return ANONYMOUS
    organisation = user.organisation
    active = organisation is not None and organisation.is_active
    return Viewer(
        label=user.get_username(),
        user_id=user.pk,
        organisation_id=organisation.pk if organisation is not None else None,
        organisation_kind=organisation.kind if organisation is not None and active else "",
        roles=user.role_codes() if active else frozenset(),
        is_superuser=user.is_superuser,
    )


def viewer_for_token(principal: TokenPrincipal) -> Viewer:
    """The viewer for an authenticated API token: its organisation and scopes, no roles."""
    return Viewer(
        label=f"token:{principal.prefix}",
        token_id=principal.token_id,
        organisation_id=principal.organisation_id,
        organisation_kind=principal.organisation_kind,
        scopes=principal.scopes,
    )


def viewer_for_request(request: HttpRequest) -> Viewer:
    """A token principal (set as `request.auth` by the API) wins over the session user."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, TokenPrincipal):
        return viewer_for_token(auth)
    return viewer_for_user(getattr(request, "user", None))


def managed_organisations(viewer: Viewer, policy: Policy) -> QuerySet[Organisation]:
    """Organisations in which `viewer` may create and change rows under `policy` (staff
    under `USER_POLICY`, tokens under `API_TOKEN_POLICY`): the rule read on organisation
    rows instead of the rows it governs, so forms offer exactly the allowed choices."""
    if viewer.is_superuser:
        return Organisation.objects.all()
    access = replace(policy, organisation_field="pk", self_field=None)(viewer, CHANGE)
    if access is True:
        return Organisation.objects.all()
    if access is False:
        return Organisation.objects.none()
    return Organisation.objects.filter(access)
