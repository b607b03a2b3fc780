"""Identifier checks written independently of xinyong.core.identifiers (tests only).

python-stdnum where it applies (its `cn.uscc` rejects letter-prefixed codes and its `cn.ric`
region table predates several Tianjin districts, so those parts are the published formulas).
"""

from __future__ import annotations

from datetime import date, timedelta

from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_10

from xinyong.core.identifiers import IdKind

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def org_code_ok(code: str) -> bool:
    """GB 11714, written out independently of xinyong.core.identifiers."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in code[:8]]
    r = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return code[8] == {10: "X", 11: "0"}.get(r, str(r))


def uscc_ok(code: str) -> bool:
    if code[:8].isdigit() and not stdnum_uscc.is_valid(code):
        return False
    total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    return code[17] == ALPHABET[(31 - total % 31) % 31] and org_code_ok(code[8:17])


def citizen_id_ok(code: str, today: date) -> bool:
    if ric.calc_check_digit(code) != code[17]:
        return False
    return ric.get_birth_date(code) < today - timedelta(days=18 * 365)


def independently_valid(kind: IdKind, code: str, today: date) -> bool:
    if kind is IdKind.USCC:
        return uscc_ok(code)
    if kind is IdKind.ORG_CODE:
        return org_code_ok(code)
    if kind is IdKind.BUSINESS_REG:
        return mod_11_10.is_valid(code)
    return citizen_id_ok(code, today)
