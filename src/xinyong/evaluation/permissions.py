"""Who in the back office and the API may read a subject's evaluation with its explanation.

An explanation names the records behind the points, shared-only ones included, so it is not
public (the public sees a grade only where the model's `public_grades` allows). The credit
office's admins, operators and auditors read every subject's. Of a department's or a district
government's staff, only those who apply classified supervision (分级分类监管) read them:
checkers, who check a subject before business (应查必查), and admins. An API token needs the
`evaluation:read` scope and a government organisation. Every read is written to the subject's
access log (`services.log_read`).
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.core.permissions import VIEW, Grant, Reach, Viewer

SCOPE = "evaluation:read"

CREDIT_OFFICE_ROLES = frozenset({Role.ADMIN.value, Role.OPERATOR.value, Role.AUDITOR.value})
"""Roles of the credit office's staff that read every subject's evaluation."""

DEPARTMENT_ROLES = frozenset({Role.CHECKER.value, Role.ADMIN.value})
"""Roles of a department's or district's staff that read evaluations (classified supervision)."""

GOVERNMENT_KINDS = frozenset(
    {
        OrganisationKind.CREDIT_OFFICE.value,
        OrganisationKind.DEPARTMENT.value,
        OrganisationKind.DISTRICT.value,
        OrganisationKind.COURT.value,
    }
)
"""Organisations whose tokens may read evaluations."""

_VIEW = frozenset({VIEW})

GRANTS = (
    Grant(
        _VIEW,
        Reach.ALL,
        roles=CREDIT_OFFICE_ROLES,
        kinds=frozenset({OrganisationKind.CREDIT_OFFICE.value}),
    ),
    Grant(
        _VIEW,
        Reach.ALL,
        roles=DEPARTMENT_ROLES,
        kinds=frozenset({OrganisationKind.DEPARTMENT.value, OrganisationKind.DISTRICT.value}),
    ),
    Grant(_VIEW, Reach.ALL, scopes=frozenset({SCOPE}), kinds=GOVERNMENT_KINDS),
)


def may_read_evaluations(viewer: Viewer) -> bool:
    """Whether `viewer` (staff or token) may read subjects' evaluations with explanations.
    A signed-in viewer outside any organisation (a superuser's shell account) may not: each
    read is logged under an organisation."""
    if viewer.organisation_id is None:
        return False
    return viewer.is_superuser or any(grant.qualifies(viewer, VIEW) for grant in GRANTS)
