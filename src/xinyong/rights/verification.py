"""The verification step of a subject's sign-in, behind one small interface.

A verifier delivers a one-time code to whoever may act for the subject. Production plugs in
its own (an SMS gateway for registered mobiles, a real-name service of the government's
unified identity platform) by naming a subclass in `XINYONG_SUBJECT_VERIFIER`. The demo
verifier delivers nothing: it keeps the code, encrypted, for a credit office operator to read
out from the back office (`/office/sign-in-codes/`), as a help desk would on the phone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from xinyong.core.crypto import encrypt
from xinyong.rights.models import Challenge

SHOWN_CODE_CONTEXT = "rights.challenge.code"


class Verifier(ABC):
    """Delivers one-time codes. `name` is stored on each challenge."""

    name: str = ""
    shows_codes_to_operators: bool = False

    @abstractmethod
    def deliver(self, challenge: Challenge, code: str, *, mobile: str) -> None:
        """Send `code` to the subject (`mobile`: the staff member's number, or "" for the
        subject itself). Called inside the transaction that creates the challenge, which
        the caller saves afterwards."""


class DemoVerifier(Verifier):
    """For demonstrations and tests: an operator reads the code out (see the module doc)."""

    name = "demo"
    shows_codes_to_operators = True

    def deliver(self, challenge: Challenge, code: str, *, mobile: str) -> None:
        challenge.shown_code_encrypted = encrypt(code, context=SHOWN_CODE_CONTEXT)


@cache
def verifier() -> Verifier:
    """The configured verifier (a dotted path in `XINYONG_SUBJECT_VERIFIER`)."""
    cls = import_string(settings.XINYONG_SUBJECT_VERIFIER)
    instance = cls()
    if not isinstance(instance, Verifier):
        raise TypeError(f"{settings.XINYONG_SUBJECT_VERIFIER} is not a Verifier")
    return instance
