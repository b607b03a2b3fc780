"""Who may see submissions, records, their versions and rejected rows (issue 3's rules).

A submitting organisation's staff who submit, review or administer, and its tokens with
`records:submit`, see their own organisation's submissions and the records it is the source
of; the credit office's admins, operators and auditors oversee every organisation. Nobody
else sees anything through `restrict()` yet: what the public may read of a record is decided
by its disclosure class and publication window (a later issue), not by these rules.
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.core import permissions
from xinyong.core.permissions import VIEW, Grant, Policy, Reach
from xinyong.records.models import Record, RecordVersion, RejectedRow, Submission

_VIEW = frozenset({VIEW})
_CREDIT_OFFICE = frozenset({OrganisationKind.CREDIT_OFFICE.value})
_OVERSEERS = frozenset({Role.ADMIN.value, Role.OPERATOR.value, Role.AUDITOR.value})
_SOURCE_STAFF = frozenset({Role.SUBMITTER.value, Role.REVIEWER.value, Role.ADMIN.value})
_SUBMIT_SCOPE = frozenset({"records:submit"})

_GRANTS = (
    Grant(_VIEW, Reach.ALL, roles=_OVERSEERS, kinds=_CREDIT_OFFICE),
    Grant(_VIEW, Reach.OWN_ORGANISATION, roles=_SOURCE_STAFF, scopes=_SUBMIT_SCOPE),
)

SUBMISSION_POLICY = Policy(grants=_GRANTS, organisation_field="organisation_id")
REJECTED_ROW_POLICY = Policy(grants=_GRANTS, organisation_field="submission__organisation_id")
RECORD_POLICY = Policy(grants=_GRANTS, organisation_field="organisation_id")
RECORD_VERSION_POLICY = Policy(grants=_GRANTS, organisation_field="record__organisation_id")


def register_rules() -> None:
    """Declare the rules of this app's models."""
    permissions.register(Submission, SUBMISSION_POLICY)
    permissions.register(RejectedRow, REJECTED_ROW_POLICY)
    permissions.register(Record, RECORD_POLICY)
    permissions.register(RecordVersion, RECORD_VERSION_POLICY)
