"""The one error the account services raise for bad input, with a stable reason code."""

from __future__ import annotations

from xinyong.core.errors import ReasonedError


class AccountError(ReasonedError, ValueError):
    """Bad input to an account service; nothing was written."""
