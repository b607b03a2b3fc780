"""The agencies service layer: the only code that writes filings and their history.

Views, the demo and commands call these names; the submodules are an implementation detail.
"""

from xinyong.agencies.services.common import (
    AgencyDetails,
    AgencyError,
    may_manage,
    may_view,
)
from xinyong.agencies.services.filing import cancel_agency, change_agency, file_agency
from xinyong.agencies.services.queries import (
    HistoryStep,
    PublicAgency,
    filing_of,
    history_of,
    office_list,
    public_counts,
    public_filings,
    public_view,
    status_counts,
    visible_to,
)

__all__ = [
    "AgencyDetails",
    "AgencyError",
    "HistoryStep",
    "PublicAgency",
    "cancel_agency",
    "change_agency",
    "file_agency",
    "filing_of",
    "history_of",
    "may_manage",
    "may_view",
    "office_list",
    "public_counts",
    "public_filings",
    "public_view",
    "status_counts",
    "visible_to",
]
