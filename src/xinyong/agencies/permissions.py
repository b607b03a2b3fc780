"""Who in the back office may see and keep the registry of credit service agencies.

Filing is the credit office's business: its admins and operators file, change and cancel;
its auditors read. Nobody else sees the back-office registry (a department's clerk is
refused); the public reads the public registry through `services.public_filings`, which
shows only what a public registry shows.
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.agencies.models import AgencyEvent, AgencyFiling
from xinyong.core import permissions
from xinyong.core.permissions import CHANGE, VIEW, Grant, Policy, Reach

MANAGING_ROLES = frozenset({Role.ADMIN.value, Role.OPERATOR.value})
"""Roles of the credit office's staff that file, change and cancel."""

VIEWING_ROLES = MANAGING_ROLES | {Role.AUDITOR.value}

_CREDIT_OFFICE = frozenset({OrganisationKind.CREDIT_OFFICE.value})

_GRANTS = (
    Grant(frozenset({VIEW}), Reach.ALL, roles=VIEWING_ROLES, kinds=_CREDIT_OFFICE),
    Grant(frozenset({CHANGE}), Reach.ALL, roles=MANAGING_ROLES, kinds=_CREDIT_OFFICE),
)

FILING_POLICY = Policy(grants=_GRANTS, organisation_field="organisation_id")
EVENT_POLICY = Policy(grants=_GRANTS, organisation_field="filing__organisation_id")


def register_rules() -> None:
    """Declare the rules of this app's models."""
    permissions.register(AgencyFiling, FILING_POLICY)
    permissions.register(AgencyEvent, EVENT_POLICY)
