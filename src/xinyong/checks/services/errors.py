"""The one error the checks services raise."""

from __future__ import annotations

from xinyong.core.errors import ReasonedError


class CheckError(ReasonedError):
    """A check, feedback or batch request refused: a stable reason and a message; nothing
    was written."""
