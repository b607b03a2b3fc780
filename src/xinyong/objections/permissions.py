"""Who in the back office may see objections, and who may answer them.

The credit office's admins, operators and auditors oversee every objection (they watch the
deadlines and take the escalated ones); a source department's staff who handle objections
(operators, reviewers, admins) and its auditors see the objections to its own records.
Answering is narrower: only `ANSWERING_ROLES` of the record's source department, checked in
the services. Subjects read their own objections through the services, not through these
rules.
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.core import permissions
from xinyong.core.permissions import VIEW, Grant, Policy, Reach
from xinyong.objections.models import Objection, ObjectionAttachment

ANSWERING_ROLES = frozenset({Role.OPERATOR.value, Role.REVIEWER.value, Role.ADMIN.value})
"""Roles of a source department's staff that may answer objections to its records."""

OVERSEEING_ROLES = frozenset({Role.ADMIN.value, Role.OPERATOR.value, Role.AUDITOR.value})
"""Roles of the credit office's staff that see every department's objections."""

_VIEW = frozenset({VIEW})
_CREDIT_OFFICE = frozenset({OrganisationKind.CREDIT_OFFICE.value})

_GRANTS = (
    Grant(_VIEW, Reach.ALL, roles=OVERSEEING_ROLES, kinds=_CREDIT_OFFICE),
    Grant(_VIEW, Reach.OWN_ORGANISATION, roles=ANSWERING_ROLES | {Role.AUDITOR.value}),
)

OBJECTION_POLICY = Policy(grants=_GRANTS, organisation_field="organisation_id")
ATTACHMENT_POLICY = Policy(grants=_GRANTS, organisation_field="objection__organisation_id")


def register_rules() -> None:
    """Declare the rules of this app's models."""
    permissions.register(Objection, OBJECTION_POLICY)
    permissions.register(ObjectionAttachment, ATTACHMENT_POLICY)
