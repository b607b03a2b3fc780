"""Chinese identifiers: normalisation, check characters and validation.

Check-character computations follow RULES.md (GB 32100, GB 11714, GS 15, GB 11643).
"""

from __future__ import annotations

import unicodedata

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
CITIZEN_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CITIZEN_ID_CHECK = "10X98765432"


def normalise(code: str) -> str:
    """NFKC (full-width → half-width), drop spaces and dashes, upper-case."""
    folded = unicodedata.normalize("NFKC", code)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "-‐‑‒–—―").upper()


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714)."""
    total = sum(_org_value(ch) * w for ch, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    r = 11 - total % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def business_reg_check_digit(first14: str) -> str:
    """The 15th digit of a business registration number (ISO 7064 MOD 11,10)."""
    product = 10
    for ch in first14:
        total = (product + int(ch)) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


def citizen_id_check_char(first17: str) -> str:
    """The 18th character of a citizen ID number (GB 11643)."""
    total = sum(int(ch) * w for ch, w in zip(first17, CITIZEN_ID_WEIGHTS, strict=True))
    return CITIZEN_ID_CHECK[total % 11]
