"""The error shape every service shares: a stable reason code and a message for people."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from xinyong.core.privacy import mask_in_text


class ReasonedError(Exception):
    """A refusal with `reason` (stable, for programs and tests) and `message` (for people, in
    the active language). Services raise subclasses; nothing was written when they do."""

    def __init__(self, reason: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.reason = reason
        self.message = str(message)

    def __str__(self) -> str:
        return f"{self.message} [{self.reason}]"


def checked_text(
    value: str,
    label: str,
    *,
    error: type[ReasonedError],
    namespace: str,
    required: bool = True,
    max_length: int,
) -> str:
    """A free-text field of a procedure step: trimmed, ID numbers in it masked; refused with
    `error` ("<namespace>.missing" / ".too_long") when empty (if required) or too long."""
    text = mask_in_text((value or "").strip())
    if required and not text:
        raise error(f"{namespace}.missing", _("%s不能为空") % label)
    if len(text) > max_length:
        raise error(
            f"{namespace}.too_long",
            _("%(label)s过长（最多 %(n)d 个字符）") % {"label": label, "n": max_length},
        )
    return text
