"""The objections service layer: the only code that writes objections and their evidence.

Views, commands and jobs call these names; the submodules are an implementation detail.
"""

from xinyong.objections.services.answering import answer, may_answer
from xinyong.objections.services.common import ObjectionError, item_of, response_due
from xinyong.objections.services.correction import current_values, editable_fields
from xinyong.objections.services.escalation import daily, escalate_overdue, settle_deadlines
from xinyong.objections.services.filing import file_objection, may_object
from xinyong.objections.services.grades import (
    credit_office,
    file_grade_objection,
    grade_to_object,
    open_grade_objection,
    open_grade_objections,
)
from xinyong.objections.services.queries import (
    Deadline,
    attachments_of,
    deadline_of,
    department_queue,
    escalation_queue,
    is_overseer,
    objection_of,
    objections_of,
    open_attachment,
    open_objection_links,
    open_objection_on,
    open_objections_for,
    subject_record,
    visible_to,
)
from xinyong.objections.services.reply import Reply, reply_of, reply_pdf
from xinyong.objections.services.statistics import DepartmentStatistics, statistics, totals

__all__ = [
    "Deadline",
    "DepartmentStatistics",
    "ObjectionError",
    "Reply",
    "answer",
    "attachments_of",
    "credit_office",
    "current_values",
    "daily",
    "deadline_of",
    "department_queue",
    "editable_fields",
    "escalate_overdue",
    "escalation_queue",
    "file_grade_objection",
    "file_objection",
    "grade_to_object",
    "is_overseer",
    "item_of",
    "may_answer",
    "may_object",
    "objection_of",
    "objections_of",
    "open_attachment",
    "open_grade_objection",
    "open_grade_objections",
    "open_objection_links",
    "open_objection_on",
    "open_objections_for",
    "reply_of",
    "reply_pdf",
    "response_due",
    "settle_deadlines",
    "statistics",
    "subject_record",
    "totals",
    "visible_to",
]
