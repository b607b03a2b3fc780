"""Who may see list entries and their history, and who may act on them.

The credit office's admins, operators and auditors oversee every entry; a deciding
department's staff who handle listings (operators, reviewers, admins) and its auditors see
the entries it decided. Acting — notice, decision, publication, removal — is narrower: only
staff of the deciding department with `ACTING_ROLES` (checked in the services, against the
list type's deciders). What the public and the check API may read of an entry is decided
there, not by these rules.
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.core import permissions
from xinyong.core.permissions import VIEW, Grant, Policy, Reach
from xinyong.lists.models import ListEntry, ListEntryStep

ACTING_ROLES = frozenset({Role.OPERATOR.value, Role.REVIEWER.value, Role.ADMIN.value})
"""Roles of a deciding department's staff that may take listing steps."""

_VIEW = frozenset({VIEW})
_CREDIT_OFFICE = frozenset({OrganisationKind.CREDIT_OFFICE.value})
_OVERSEERS = frozenset({Role.ADMIN.value, Role.OPERATOR.value, Role.AUDITOR.value})

_GRANTS = (
    Grant(_VIEW, Reach.ALL, roles=_OVERSEERS, kinds=_CREDIT_OFFICE),
    Grant(_VIEW, Reach.OWN_ORGANISATION, roles=ACTING_ROLES | {Role.AUDITOR.value}),
)

LIST_ENTRY_POLICY = Policy(grants=_GRANTS, organisation_field="organisation_id")
LIST_ENTRY_STEP_POLICY = Policy(grants=_GRANTS, organisation_field="entry__organisation_id")


def register_rules() -> None:
    """Declare the rules of this app's models."""
    permissions.register(ListEntry, LIST_ENTRY_POLICY)
    permissions.register(ListEntryStep, LIST_ENTRY_STEP_POLICY)
