"""Who in the back office may see tip-offs, route them and handle them.

The credit office's admins, operators and auditors see every tip-off (to route it and to
watch the handling); its admins and operators route. A department's handling staff
(operators, reviewers, admins) and its auditors see the tip-offs routed to it; only the
handling staff investigate, close, record rewards and read the informant's contact details,
which the services check again. Nobody else sees a tip-off, and no rule here opens the
contact details: they are decrypted only by `services.reveal`.
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.core import permissions
from xinyong.core.permissions import VIEW, Grant, Policy, Reach
from xinyong.tipoffs.models import TipOff, TipOffAttachment, TipOffNote

HANDLING_ROLES = frozenset({Role.OPERATOR.value, Role.REVIEWER.value, Role.ADMIN.value})
"""Roles of the handling department's staff that investigate and close tip-offs."""

ROUTING_ROLES = frozenset({Role.ADMIN.value, Role.OPERATOR.value})
"""Roles of the credit office's staff that route tip-offs."""

OVERSEEING_ROLES = frozenset({Role.ADMIN.value, Role.OPERATOR.value, Role.AUDITOR.value})
"""Roles of the credit office's staff that see every tip-off."""

HANDLER_KINDS = frozenset(
    {
        OrganisationKind.DEPARTMENT.value,
        OrganisationKind.DISTRICT.value,
        OrganisationKind.COURT.value,
    }
)
"""Kinds of organisation a tip-off may be routed to."""

_VIEW = frozenset({VIEW})
_CREDIT_OFFICE = frozenset({OrganisationKind.CREDIT_OFFICE.value})

_GRANTS = (
    Grant(_VIEW, Reach.ALL, roles=OVERSEEING_ROLES, kinds=_CREDIT_OFFICE),
    Grant(
        _VIEW,
        Reach.OWN_ORGANISATION,
        roles=HANDLING_ROLES | {Role.AUDITOR.value},
        kinds=HANDLER_KINDS,
    ),
)

TIPOFF_POLICY = Policy(grants=_GRANTS, organisation_field="department_id")
ATTACHMENT_POLICY = Policy(grants=_GRANTS, organisation_field="tipoff__department_id")
NOTE_POLICY = Policy(grants=_GRANTS, organisation_field="tipoff__department_id")


def register_rules() -> None:
    """Declare the rules of this app's models."""
    permissions.register(TipOff, TIPOFF_POLICY)
    permissions.register(TipOffAttachment, ATTACHMENT_POLICY)
    permissions.register(TipOffNote, NOTE_POLICY)
