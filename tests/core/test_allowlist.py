"""Admitting and withdrawing irregular codes: audited, and refused for ID-shaped codes."""

from __future__ import annotations

import pytest

from xinyong.core import allowlist
from xinyong.core.identifiers import check, citizen_id_check_char, uscc_check_char
from xinyong.core.models import AuditEntry, IrregularCode

pytestmark = pytest.mark.django_db

GOOD = "91120116724472468Y"
BAD_CHECK = GOOD[:17] + ("X" if GOOD[17] != "X" else "W")


def test_admitted_code_checks_valid_until_withdrawn() -> None:
    assert not check(BAD_CHECK).valid
    allowlist.admit(" " + BAD_CHECK.lower(), "工商登记历史遗留代码")
    result = check(BAD_CHECK)
    assert result.valid and result.reason == "uscc.allowlisted"
    assert AuditEntry.objects.filter(action="allowlist.admit", object_id=BAD_CHECK).exists()
    allowlist.withdraw(BAD_CHECK)
    assert not check(BAD_CHECK).valid
    assert AuditEntry.objects.filter(action="allowlist.withdraw").count() == 1


@pytest.mark.parametrize(
    ("code", "reason", "message"),
    [
        (GOOD, "x", "无需"),
        (BAD_CHECK, "  ", "理由"),
        ("12345", "x", "只能"),
    ],
)
def test_refusals_change_nothing(code: str, reason: str, message: str) -> None:
    with pytest.raises(allowlist.AllowlistError, match=message):
        allowlist.admit(code, reason)
    assert IrregularCode.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_citizen_id_is_never_stored_in_clear() -> None:
    first17 = "12010119900307123"
    citizen_id = first17 + citizen_id_check_char(first17)
    with pytest.raises(allowlist.AllowlistError, match="公民身份号码"):
        allowlist.admit(citizen_id, "x")
    assert not IrregularCode.objects.exists()


def test_duplicate_and_unknown() -> None:
    allowlist.admit(BAD_CHECK, "历史代码")
    with pytest.raises(allowlist.AllowlistError, match="已在"):
        allowlist.admit(BAD_CHECK, "again")
    with pytest.raises(allowlist.AllowlistError, match="没有"):
        allowlist.withdraw("91120116724472468" + uscc_check_char("91120116724472468"))
