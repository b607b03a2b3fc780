"""Who may use the list, check and loop pages of the back office, and the shared page for a
refusal.

The services decide for good (the lists services refuse a step by anyone but the deciding
department's acting staff; `check_for` finds only the organisation's own checks); these
helpers only choose which forms and links a page offers, so nobody is shown a button that
the service would refuse.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

from xinyong.accounts.models import Organisation, OrganisationKind, Role
from xinyong.accounts.permissions import viewer_for_user
from xinyong.core.permissions import Viewer
from xinyong.lists.permissions import ACTING_ROLES

CHECKING_ROLES = frozenset(
    {Role.CHECKER.value, Role.OPERATOR.value, Role.REVIEWER.value, Role.ADMIN.value}
)
"""Staff roles that run checks, upload batches and give feedback; others only read."""


def viewer_of(request: HttpRequest) -> Viewer:
    return viewer_for_user(request.user)


def organisation_of(request: HttpRequest) -> Organisation | None:
    """The signed-in user's organisation while it is active (its staff lose their powers
    the moment it is deactivated, as `viewer_for_user` has it)."""
    organisation: Organisation | None = getattr(request.user, "organisation", None)
    if organisation is None or not organisation.is_active:
        return None
    return organisation


def may_act_on_lists(viewer: Viewer) -> bool:
    """Whether the viewer holds a role that takes listing steps (for its own department)."""
    return viewer.organisation_id is not None and (
        viewer.is_superuser or bool(viewer.roles & ACTING_ROLES)
    )


def may_check(viewer: Viewer) -> bool:
    return viewer.organisation_id is not None and bool(viewer.roles & CHECKING_ROLES)


def is_credit_office(viewer: Viewer) -> bool:
    return viewer.organisation_kind == OrganisationKind.CREDIT_OFFICE.value


def refused(request: HttpRequest, title: str | Promise, message: str | Promise) -> HttpResponse:
    """The page for a signed-in user who may not use a page (403)."""
    return render(request, "office/refused.html", {"title": title, "message": message}, status=403)
