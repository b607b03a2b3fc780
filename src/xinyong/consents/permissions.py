"""Who in the back office (or by API token) may see consents.

The credit office's admins, operators and auditors oversee every grant (statistics, audit);
the staff and tokens of an agency or bank see the grants made to their own organisation,
whatever their role, because reading under a grant is their whole business here. Subjects
read their own consents through the services, not through these rules.
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.consents.models import Consent
from xinyong.core import permissions
from xinyong.core.permissions import VIEW, Grant, Policy, Reach

OVERSEEING_ROLES = frozenset({Role.ADMIN.value, Role.OPERATOR.value, Role.AUDITOR.value})
"""Roles of the credit office's staff that see every organisation's consents."""

GRANTEE_KINDS = frozenset({OrganisationKind.AGENCY.value, OrganisationKind.BANK.value})
"""The kinds of organisation a subject may authorise: credit service agencies and banks."""

_VIEW = frozenset({VIEW})

CONSENT_POLICY = Policy(
    grants=(
        Grant(
            _VIEW,
            Reach.ALL,
            roles=OVERSEEING_ROLES,
            kinds=frozenset({OrganisationKind.CREDIT_OFFICE.value}),
        ),
        Grant(_VIEW, Reach.OWN_ORGANISATION, signed_in=True, kinds=GRANTEE_KINDS),
    ),
    organisation_field="organisation_id",
)


def register_rules() -> None:
    """Declare the rules of this app's models."""
    permissions.register(Consent, CONSENT_POLICY)
