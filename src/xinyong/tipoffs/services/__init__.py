"""The tip-off service layer: the only code that writes tip-offs, their files and notes.

Views, commands and the demo call these names; the submodules are an implementation detail.
"""

from xinyong.tipoffs.services.common import MAX_FACTS, MAX_NAME, MAX_TEXT, TipOffError
from xinyong.tipoffs.services.filing import MAX_ATTACHMENTS, Filed, Report, file_tipoff
from xinyong.tipoffs.services.handling import (
    MAX_REWARD,
    Protected,
    add_note,
    close,
    record_reward,
    reveal,
    route,
)
from xinyong.tipoffs.services.queries import (
    RoutingChoices,
    attachments_of,
    handles,
    is_overseer,
    may_handle,
    may_reward,
    may_route,
    notes_of,
    open_attachment,
    queue,
    routing_choices,
    visible_to,
)
from xinyong.tipoffs.services.receipt import Status, status_for
from xinyong.tipoffs.services.statistics import DepartmentRow, Statistics, statistics

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_FACTS",
    "MAX_NAME",
    "MAX_REWARD",
    "MAX_TEXT",
    "DepartmentRow",
    "Filed",
    "Protected",
    "Report",
    "RoutingChoices",
    "Statistics",
    "Status",
    "TipOffError",
    "add_note",
    "attachments_of",
    "close",
    "file_tipoff",
    "handles",
    "is_overseer",
    "may_handle",
    "may_reward",
    "may_route",
    "notes_of",
    "open_attachment",
    "queue",
    "record_reward",
    "reveal",
    "route",
    "routing_choices",
    "statistics",
    "status_for",
    "visible_to",
]
