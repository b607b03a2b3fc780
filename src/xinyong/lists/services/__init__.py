"""The lists service layer: the only code that writes list entries and their history.

Views, the API, commands and jobs call these names; the submodules are an implementation
detail.
"""

from xinyong.lists.services.common import ListError
from xinyong.lists.services.expiry import Expiry, daily, expire_entries
from xinyong.lists.services.landing import land_records, withdraw_records
from xinyong.lists.services.procedure import (
    Decision,
    Notice,
    decide,
    drop,
    list_directly,
    notify,
    publish,
    record_statement,
    refresh_deadlines,
    remove_by_outcome,
    remove_early,
)
from xinyong.lists.services.queries import (
    EntryInForce,
    entries_about,
    entries_in_force,
    entries_resting_on,
    entries_visible_to,
    history,
    in_force,
    list_state,
)
from xinyong.lists.services.takedowns import (
    DayCount,
    TakedownError,
    check_period,
    csv_header,
    csv_row,
    kind_label,
    takedowns,
    takedowns_per_day,
    write_csv,
)

__all__ = [
    "DayCount",
    "Decision",
    "EntryInForce",
    "Expiry",
    "ListError",
    "Notice",
    "TakedownError",
    "check_period",
    "csv_header",
    "csv_row",
    "daily",
    "decide",
    "drop",
    "entries_about",
    "entries_in_force",
    "entries_resting_on",
    "entries_visible_to",
    "expire_entries",
    "history",
    "in_force",
    "kind_label",
    "land_records",
    "list_directly",
    "list_state",
    "notify",
    "publish",
    "record_statement",
    "refresh_deadlines",
    "remove_by_outcome",
    "remove_early",
    "takedowns",
    "takedowns_per_day",
    "withdraw_records",
    "write_csv",
]
