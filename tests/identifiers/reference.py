"""An independent reference for the identifier rules, for the tests to compare against.

Written from the standards' definitions rather than from xinyong.core.identifiers: check
characters are found by searching for the character that makes the weighted sum vanish,
regions come from reading stdnum's loc.dat text line by line, and the registration number
and citizen ID checks are python-stdnum's.
"""

from __future__ import annotations

import datetime
from functools import cache
from importlib import resources

from stdnum.cn import ric
from stdnum.iso7064 import mod_11_10

from xinyong.core.identifiers import USCC_AUTHORITIES

# GB 32100 code values: digits are themselves, then the letters without I O S V Z.
USCC_VALUES = {str(d): d for d in range(10)} | {
    letter: 10 + i for i, letter in enumerate("ABCDEFGHJKLMNPQRTUWXY")
}
# RULES.md lists them: 3^(i-1) mod 31, then weight 1 for the check character itself.
USCC_SUM_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28, 1)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CHECK_CHARS = "0123456789X"
PERMIT_REGIONS = {"810000", "820000", "830000"}


def org_value(ch: str) -> int:
    """GB 11714 body characters: digits are themselves, A–Z are 10–35."""
    return int(ch) if ch.isdigit() else ord(ch) - 55


def uscc_sum_ok(code: str) -> bool:
    return sum(USCC_VALUES[c] * w for c, w in zip(code, USCC_SUM_WEIGHTS, strict=True)) % 31 == 0


def uscc_check(first17: str) -> str:
    """The one alphabet character that makes the 18-position weighted sum ≡ 0 (mod 31)."""
    (found,) = [c for c in USCC_VALUES if uscc_sum_ok(first17 + c)]
    return found


def org_ok(code: str) -> bool:
    if len(code) != 9 or code[8] not in ORG_CHECK_CHARS:
        return False
    if not all(c.isdigit() or "A" <= c <= "Z" for c in code[:8]):
        return False
    body = sum(org_value(c) * w for c, w in zip(code[:8], ORG_WEIGHTS, strict=True))
    return (body + ORG_CHECK_CHARS.index(code[8])) % 11 == 0


def org_check(body: str) -> str:
    (found,) = [c for c in ORG_CHECK_CHARS if org_ok(body + c)]
    return found


@cache
def loc_lines() -> tuple[tuple[str, str], ...]:
    """(code, raw name) for every line of stdnum's cn/loc.dat."""
    text = (resources.files("stdnum") / "cn" / "loc.dat").read_text("utf-8")
    rows: list[tuple[str, str]] = []
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _, props = line.strip().partition(" ")
        name = props.split('"')[1]
        if line.startswith(" "):
            rows.append((province + code, name))
        else:
            province = code
            rows.append((province + "0000", name))
    return tuple(rows)


@cache
def known_codes() -> frozenset[str]:
    return frozenset(code for code, _ in loc_lines())


@cache
def stable_codes() -> tuple[str, ...]:
    """County codes that never changed name: valid for any birth year in stdnum's ric."""
    return tuple(code for code, name in loc_lines() if "[" not in name and code[4:] != "00")


def division_ok(code: str) -> bool:
    if code in known_codes():
        return True
    return code.endswith("00") and any(k.startswith(code[:4]) for k in known_codes())


def uscc_reason(code: str) -> str:
    """The first rule a candidate USCC breaks, in GB 32100's field order, or ""."""
    if len(code) != 18:
        return "uscc.length"
    if any(c not in USCC_VALUES for c in code):
        return "uscc.alphabet"
    if code[0] not in USCC_AUTHORITIES:
        return "uscc.authority"
    if code[1] not in USCC_AUTHORITIES[code[0]][1]:
        return "uscc.category"
    if code[2:8] != "100000" and not division_ok(code[2:8]):
        return "uscc.region"
    if not org_ok(code[8:17]):
        return "uscc.org_code"
    if not uscc_sum_ok(code):
        return "uscc.check"
    return ""


def business_reg_check(first14: str) -> str:
    return str(mod_11_10.calc_check_digit(first14))


def business_reg_ok(code: str) -> bool:
    return bool(mod_11_10.is_valid(code))


def citizen_check(first17: str) -> str:
    # stdnum's calc_check_digit expects the number with a check character in place.
    return str(ric.calc_check_digit(first17 + "?"))


def birth_date_ok(yyyymmdd: str) -> bool:
    try:
        born = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= datetime.date.today()


def citizen_ok(code: str) -> bool:
    """stdnum's verdict, plus GB 11643's "a real, past date" that stdnum does not enforce."""
    return bool(ric.is_valid(code)) and birth_date_ok(code[6:14])
