"""GB/T 2260 administrative-division codes, current and abolished.

The table is python-stdnum's bundled `cn/loc` database (province, prefecture and county codes
with the years each name was valid). Old records carry codes abolished long ago (塘沽 120107),
so a code is *known* if it ever existed; `Region.is_current` tells the two apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb

# Codes that are not divisions but appear where a division code is expected.
CENTRAL_AUTHORITIES = "100000"  # registering authorities of the central government (GB 32100)
# 港澳台居民居住证 numbers follow GB 11643 with these region codes (国办发〔2018〕81号).
RESIDENCE_PERMIT_REGIONS = {"810000": "香港居民", "820000": "澳门居民", "830000": "台湾居民"}

_SPAN = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\](?P<name>.+)$")


@dataclass(frozen=True)
class Region:
    """One division code and the name it last carried."""

    code: str
    name: str
    is_current: bool


def _parse_names(raw: str) -> tuple[str, bool]:
    """`[-1991]东郊区,[1992-]东丽区` → (`东丽区`, current); `[-2009]塘沽区` → abolished."""
    last = raw.split(",")[-1]
    match = _SPAN.match(last)
    if match is None:
        return last, True
    return match["name"], match["end"] is None


@cache
def _table() -> dict[str, Region]:
    table: dict[str, Region] = {}
    for length, low, high, props, children in numdb.get("cn/loc").prefixes:
        if length != 2 or low != high:
            continue
        for sub_length, sub_low, sub_high, sub_props, _ in children:
            if sub_length != 4 or sub_low != sub_high or "county" not in sub_props:
                continue
            code = low + sub_low
            name, current = _parse_names(sub_props["county"])
            table[code] = Region(code, name, current)
        table.setdefault(low + "0000", Region(low + "0000", props.get("province", ""), True))
    return table


@cache
def _prefectures() -> frozenset[str]:
    return frozenset(code[:4] for code in _table())


def lookup(code: str) -> Region | None:
    """The division with this exact code, current or abolished, or None."""
    return _table().get(code)


def is_known_division(code: str) -> bool:
    """A six-digit code that names a division, current or abolished.

    Province (xx0000) and prefecture (xxxx00) codes count, a prefecture also when the table
    lists only its counties: registering authorities at those levels issue codes too.
    """
    if len(code) != 6 or not code.isdigit():
        return False
    if code in _table():
        return True
    return code.endswith("00") and code[:4] in _prefectures()


def is_registration_region(code: str) -> bool:
    """Positions 3–8 of a USCC: a division, or 100000 for the central authorities."""
    return code == CENTRAL_AUTHORITIES or is_known_division(code)


def is_birth_region(code: str) -> bool:
    """Positions 1–6 of a citizen ID: a division, or a residence-permit region."""
    return code in RESIDENCE_PERMIT_REGIONS or is_known_division(code)
