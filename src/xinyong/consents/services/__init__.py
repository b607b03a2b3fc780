"""The consents service layer: the only code that writes consents, and the only way to read a
subject's records under one.

Views, the API, other apps (financing) and the demo call these names; the submodules are an
implementation detail.
"""

from xinyong.consents.services.common import ConsentError, one_year_after
from xinyong.consents.services.granting import (
    grant,
    grantable_items,
    grantable_organisations,
    revoke,
)
from xinyong.consents.services.queries import (
    GranteeStatistics,
    active_consent,
    active_q,
    api_key,
    consent_for_read,
    consent_of,
    consents_for,
    consents_of,
    is_grantee_staff,
    is_overseer,
    item_names,
    require_reader,
    statistics,
    totals,
    visible_to,
)
from xinyong.consents.services.view import (
    AuthorisedView,
    authorised_view,
    legal_basis,
    record_refusal,
)

__all__ = [
    "AuthorisedView",
    "ConsentError",
    "GranteeStatistics",
    "active_consent",
    "active_q",
    "api_key",
    "authorised_view",
    "consent_for_read",
    "consent_of",
    "consents_for",
    "consents_of",
    "grant",
    "grantable_items",
    "grantable_organisations",
    "is_grantee_staff",
    "is_overseer",
    "item_names",
    "legal_basis",
    "one_year_after",
    "record_refusal",
    "require_reader",
    "revoke",
    "statistics",
    "totals",
    "visible_to",
]
