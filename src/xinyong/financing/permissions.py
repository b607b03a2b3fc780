"""Who among the staff may see financing requests, banks' reviews and their decisions.

A bank's staff (its operators, reviewers, admins and auditors) see only the requests
addressed to their own bank and their own bank's reviews: a request sent to two banks shows
each of them its own review, never the other's. The credit office's admins, operators and
auditors oversee every request (statistics, the admin). Deciding and reading the authorised
profile are narrower — `DECIDING_ROLES` of the addressed bank — and checked in the services.
The subject reads its own requests through its account, by subject, not through these rules.
"""

from __future__ import annotations

from xinyong.accounts.models import OrganisationKind, Role
from xinyong.core import permissions
from xinyong.core.permissions import VIEW, Grant, Policy, Reach
from xinyong.financing.models import BankReview, FinancingRequest, ReviewDecision

DECIDING_ROLES = frozenset({Role.OPERATOR.value, Role.REVIEWER.value, Role.ADMIN.value})
"""Roles of a bank's staff that open a request's profile and record decisions."""

BANK_KINDS = frozenset({OrganisationKind.BANK.value})
CREDIT_OFFICE_KINDS = frozenset({OrganisationKind.CREDIT_OFFICE.value})
OVERSEEING_ROLES = frozenset({Role.ADMIN.value, Role.OPERATOR.value, Role.AUDITOR.value})

_VIEW = frozenset({VIEW})
_GRANTS = (
    Grant(_VIEW, Reach.ALL, roles=OVERSEEING_ROLES, kinds=CREDIT_OFFICE_KINDS),
    Grant(
        _VIEW, Reach.OWN_ORGANISATION, roles=DECIDING_ROLES | {Role.AUDITOR.value}, kinds=BANK_KINDS
    ),
)

REQUEST_POLICY = Policy(grants=_GRANTS, organisation_field="reviews__organisation_id")
REVIEW_POLICY = Policy(grants=_GRANTS, organisation_field="organisation_id")
DECISION_POLICY = Policy(grants=_GRANTS, organisation_field="review__organisation_id")


def register_rules() -> None:
    """Declare the rules of this app's models."""
    permissions.register(FinancingRequest, REQUEST_POLICY)
    permissions.register(BankReview, REVIEW_POLICY)
    permissions.register(ReviewDecision, DECISION_POLICY)
