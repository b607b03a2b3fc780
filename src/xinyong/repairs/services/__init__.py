"""The repairs service layer: the only code that writes repair applications, their steps
and proof files, and that renders repair decisions and notices of repair rights.

Views, commands and other apps call these names; the submodules are an implementation
detail.
"""

from xinyong.repairs.services.common import RepairError
from xinyong.repairs.services.decision import approve, deny
from xinyong.repairs.services.documents import (
    RepairNotice,
    decision_pdf,
    notice_for,
    notice_pdf,
)
from xinyong.repairs.services.options import (
    AVAILABLE,
    ENDED,
    IN_PROGRESS,
    NOT_REPAIRABLE,
    WAITING,
    RepairOption,
    commitment_text,
    repair_options,
    subject_options,
)
from xinyong.repairs.services.queries import (
    DepartmentStatistics,
    Due,
    application_of,
    applications_of,
    current_due,
    daily,
    history,
    on_time,
    refresh_deadlines,
    statistics,
    visible_to,
)
from xinyong.repairs.services.workflow import (
    accept,
    apply,
    extend,
    forward,
    not_accept,
    resubmit,
    return_for_completion,
)

__all__ = [
    "AVAILABLE",
    "ENDED",
    "IN_PROGRESS",
    "NOT_REPAIRABLE",
    "WAITING",
    "DepartmentStatistics",
    "Due",
    "RepairError",
    "RepairNotice",
    "RepairOption",
    "accept",
    "application_of",
    "applications_of",
    "apply",
    "approve",
    "commitment_text",
    "current_due",
    "daily",
    "decision_pdf",
    "deny",
    "extend",
    "forward",
    "history",
    "not_accept",
    "notice_for",
    "notice_pdf",
    "on_time",
    "refresh_deadlines",
    "repair_options",
    "resubmit",
    "return_for_completion",
    "statistics",
    "subject_options",
    "visible_to",
]
