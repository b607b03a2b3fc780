"""The financing service layer: the only code that writes financing requests, banks' reviews
and their decisions, and that grants or revokes the consents a request carries.

Views, the demo and other apps call these names; the submodules are an implementation detail.
"""

from xinyong.financing.services.common import FinancingError
from xinyong.financing.services.deciding import decide, may_decide, read_profile
from xinyong.financing.services.publishing import (
    bank_choices,
    may_publish,
    profile_items,
    publish,
    withdraw,
)
from xinyong.financing.services.queries import (
    bank_queue,
    decisions_of,
    is_bank_staff,
    is_overseer,
    profile_names,
    request_of,
    requests_of,
    review_for,
    reviews_of,
)
from xinyong.financing.services.statistics import (
    Figures,
    Statistics,
    public_statistics,
    statistics,
)

__all__ = [
    "Figures",
    "FinancingError",
    "Statistics",
    "bank_choices",
    "bank_queue",
    "decide",
    "decisions_of",
    "is_bank_staff",
    "is_overseer",
    "may_decide",
    "may_publish",
    "profile_items",
    "profile_names",
    "public_statistics",
    "publish",
    "read_profile",
    "request_of",
    "requests_of",
    "review_for",
    "reviews_of",
    "statistics",
    "withdraw",
]
