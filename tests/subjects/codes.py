"""Valid codes built from small numbers, so each test names the subjects it needs."""

from __future__ import annotations

from xinyong.core.identifiers import (
    business_reg_check_digit,
    citizen_id_check_char,
    make_uscc,
    org_code_check_char,
)


def org_body(n: int) -> str:
    return f"{n:08d}"


def org_code(n: int) -> str:
    """The organisation code with body `n`."""
    body = org_body(n)
    return body + org_code_check_char(body)


def uscc(n: int, *, region: str = "120101", prefix: str = "91") -> str:
    """A USCC embedding org_code(n)."""
    return make_uscc(prefix[0], prefix[1], region, org_body(n))


def business_reg(n: int, region: str = "120101") -> str:
    first14 = region + f"{n:08d}"
    return first14 + business_reg_check_digit(first14)


def tax_reg(n: int, region: str = "120101") -> str:
    """An old tax registration number: region code + org_code(n)."""
    return region + org_code(n)


def citizen_id(n: int, *, region: str = "120101", born: str = "19900307") -> str:
    first17 = region + born + f"{n:03d}"
    return first17 + citizen_id_check_char(first17)


def citizen_id_15(n: int, *, region: str = "120101", born: str = "900307") -> str:
    """A legacy 15-digit number; its 18-digit form is citizen_id(n, born="19" + born)."""
    return region + born + f"{n:03d}"


def broken(code: str) -> str:
    """`code` with a wrong check character."""
    return code[:-1] + ("1" if code[-1] != "1" else "2")
