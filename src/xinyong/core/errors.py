"""The error shape every service shares: a stable reason code and a message for people."""

from __future__ import annotations

from django.utils.functional import Promise


class ReasonedError(Exception):
    """A refusal with `reason` (stable, for programs and tests) and `message` (for people, in
    the active language). Services raise subclasses; nothing was written when they do."""

    def __init__(self, reason: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.reason = reason
        self.message = str(message)

    def __str__(self) -> str:
        return f"{self.message} [{self.reason}]"
