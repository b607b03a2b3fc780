"""The one error the account services raise for bad input, with a stable reason code."""

from __future__ import annotations

from django.utils.functional import Promise


class AccountError(ValueError):
    """Bad input to an account service; nothing was written.

    `reason` is stable for programs (API responses, tests); `message` is for people, in
    the active language (Simplified Chinese by default).
    """

    def __init__(self, reason: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.reason = reason
        self.message = str(message)

    def __str__(self) -> str:
        return f"{self.message} [{self.reason}]"
