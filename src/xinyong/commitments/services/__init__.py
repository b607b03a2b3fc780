"""The commitments service layer: the only code that writes commitments and their events,
and that lands them as credit records (through the ingestion pipeline).

Views, commands and other apps call these names; the submodules are an implementation
detail.
"""

from xinyong.commitments.services.common import (
    CommitmentError,
    accepting_organisations,
    may_accept,
    policy,
)
from xinyong.commitments.services.performance import breach, fulfil, withdraw
from xinyong.commitments.services.queries import (
    UnitPerformance,
    commitment_of,
    commitments_of,
    history,
    overall,
    performance,
    visible_to,
)
from xinyong.commitments.services.signing import Draft, draft, register, render_text, sign

__all__ = [
    "CommitmentError",
    "Draft",
    "UnitPerformance",
    "accepting_organisations",
    "breach",
    "commitment_of",
    "commitments_of",
    "draft",
    "fulfil",
    "history",
    "may_accept",
    "overall",
    "performance",
    "policy",
    "register",
    "render_text",
    "sign",
    "visible_to",
    "withdraw",
]
