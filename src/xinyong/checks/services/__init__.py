"""The checks service layer: the only code that writes checks, feedback and batches."""

from xinyong.checks.services.errors import CheckError
from xinyong.checks.services.feedback import (
    LoopRow,
    MeasureOutcome,
    awaiting_feedback,
    check_for,
    checks_about,
    give_feedback,
    loop_statistics,
    overdue,
)
from xinyong.checks.services.running import Checker, CheckRequest, run_check

__all__ = [
    "CheckError",
    "CheckRequest",
    "Checker",
    "LoopRow",
    "MeasureOutcome",
    "awaiting_feedback",
    "check_for",
    "checks_about",
    "give_feedback",
    "loop_statistics",
    "overdue",
    "run_check",
]
