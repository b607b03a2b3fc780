"""Who among the staff may see commitments and their history.

The credit office (its admins, operators, reviewers and auditors) oversees every
commitment: it watches performance per department. An accepting unit's acting staff and
auditors see the commitments made to it. Acting — registering, recording fulfilment or a
breach, withdrawing — is narrower and checked in the services: only the accepting unit's
acting staff. A subject reads its own commitments through its account, by subject, not
through these rules.
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.commitments.models import Commitment, CommitmentEvent
from xinyong.core import permissions
from xinyong.core.permissions import VIEW, Grant, Policy, Reach
from xinyong.lists.permissions import ACTING_ROLES

CREDIT_OFFICE_KINDS = frozenset({OrganisationKind.CREDIT_OFFICE.value})
_VIEW = frozenset({VIEW})
_OVERSEERS = ACTING_ROLES | {Role.AUDITOR.value}

_GRANTS = (
    Grant(_VIEW, Reach.ALL, roles=_OVERSEERS, kinds=CREDIT_OFFICE_KINDS),
    Grant(_VIEW, Reach.OWN_ORGANISATION, roles=_OVERSEERS),
)

COMMITMENT_POLICY = Policy(grants=_GRANTS, organisation_field="organisation_id")
EVENT_POLICY = Policy(grants=_GRANTS, organisation_field="commitment__organisation_id")


def register_rules() -> None:
    """Declare the rules of this app's models."""
    permissions.register(Commitment, COMMITMENT_POLICY)
    permissions.register(CommitmentEvent, EVENT_POLICY)
