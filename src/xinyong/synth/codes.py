"""Valid identifiers built from random parts, and deliberately broken ones.

The check characters come from `xinyong.core.identifiers`; this module only chooses the
parts (region, organisation-code body, birth date …) the way real issuers do.
"""

from __future__ import annotations

import random
from datetime import date

from xinyong.core.identifiers import (
    USCC_ALPHABET,
    business_reg_check_digit,
    citizen_id_check_char,
    make_uscc,
    org_code_check_char,
)

# Letters an organisation-code body may hold when it is embedded in a USCC.
_BODY_ALPHABET = USCC_ALPHABET
_DIGITS = "0123456789"


def org_code(body8: str) -> str:
    """A GB 11714 organisation code: the 8-character body and its check character."""
    return body8 + org_code_check_char(body8)


def uscc(authority: str, category: str, region: str, body8: str) -> str:
    """A GB 32100 code embedding the organisation code built from `body8`."""
    return make_uscc(authority, category, region, body8)


def org_body(rng: random.Random, prefix: str) -> str:
    """An 8-character body: `prefix` then characters of the USCC alphabet (digits if none)."""
    alphabet = _BODY_ALPHABET if prefix else _DIGITS
    return prefix + "".join(rng.choice(alphabet) for _ in range(8 - len(prefix)))


def business_reg(rng: random.Random, region: str, *, individual: bool) -> str:
    """A GS 15 registration number: authority region, type digit, sequence, MOD 11,10 check.

    The seventh digit is 0–3 for domestic enterprises and 6–9 for individual businesses.
    """
    kind = rng.choice("6789" if individual else "0123")
    first14 = region + kind + "".join(rng.choice(_DIGITS) for _ in range(7))
    return first14 + business_reg_check_digit(first14)


def tax_reg(region: str, organisation_code: str) -> str:
    """A pre-2015 tax registration number: tax office region plus the organisation code."""
    return region + organisation_code


def citizen_id(rng: random.Random, region: str, birth: date) -> str:
    """A GB 11643 citizen ID with a real birth date and the correct check character."""
    first17 = region + birth.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return first17 + citizen_id_check_char(first17)


def break_check(rng: random.Random, code: str) -> str:
    """The same code with a different, therefore wrong, last character.

    Every weight of the four check systems is non-zero modulo its prime, so changing one
    character always fails the check.
    """
    if len(code) == 18 and code[:17].isdigit():
        alphabet = "0123456789X"
    elif len(code) == 18:
        alphabet = USCC_ALPHABET
    elif len(code) == 9:
        alphabet = "0123456789X"
    else:
        alphabet = _DIGITS
    return code[:-1] + rng.choice([ch for ch in alphabet if ch != code[-1]])
