"""Who among the staff may see repair applications, their steps and proof files.

The credit office (its admins, operators, reviewers and auditors) oversees every
application: it checks and forwards them and watches the deadlines. A department's acting
staff and auditors see the applications about its own findings (谁认定、谁修复). Acting is
narrower and is checked in the services. The subject reads its own applications through
its account, by subject, not through these rules.
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.core import permissions
from xinyong.core.permissions import VIEW, Grant, Policy, Reach
from xinyong.lists.permissions import ACTING_ROLES
from xinyong.repairs.models import RepairApplication, RepairAttachment, RepairStep

CREDIT_OFFICE_KINDS = frozenset({OrganisationKind.CREDIT_OFFICE.value})
_VIEW = frozenset({VIEW})
_OVERSEERS = ACTING_ROLES | {Role.AUDITOR.value}

_GRANTS = (
    Grant(_VIEW, Reach.ALL, roles=_OVERSEERS, kinds=CREDIT_OFFICE_KINDS),
    Grant(_VIEW, Reach.OWN_ORGANISATION, roles=_OVERSEERS),
)

APPLICATION_POLICY = Policy(grants=_GRANTS, organisation_field="department_id")
CHILD_POLICY = Policy(grants=_GRANTS, organisation_field="application__department_id")


def register_rules() -> None:
    """Declare the rules of this app's models."""
    permissions.register(RepairApplication, APPLICATION_POLICY)
    permissions.register(RepairStep, CHILD_POLICY)
    permissions.register(RepairAttachment, CHILD_POLICY)
