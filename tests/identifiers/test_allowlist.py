"""The operator's allowlist of irregular codes, read from the database and cached."""

from __future__ import annotations

import pytest

from xinyong.core import identifiers
from xinyong.core.identifiers import IdKind, check
from xinyong.core.models import IrregularCode

# Fails its embedded organisation-code check and its own check character.
IRREGULAR = "91120116681867885M"


def _admit(code: str) -> IrregularCode:
    return IrregularCode.objects.create(code=code, reason="营业执照原样", admitted_by="operator")


@pytest.mark.django_db
def test_an_allowlisted_code_is_valid_with_a_reason() -> None:
    before = check(IRREGULAR)
    assert (before.valid, before.reason) == (False, "uscc.org_code")
    _admit(IRREGULAR)
    after = check(IRREGULAR)
    assert (after.kind, after.valid, after.reason) == (IdKind.USCC, True, "uscc.allowlisted")
    assert before.message in after.message and "白名单" in after.message


@pytest.mark.django_db
def test_the_cache_follows_saves_and_deletes() -> None:
    assert not check(IRREGULAR).valid  # loads and caches an empty list
    entry = _admit("９１１２０１１６６８１８６７８８５ｍ")  # as typed; compared normalised
    assert check(IRREGULAR).valid
    entry.delete()
    assert not check(IRREGULAR).valid


@pytest.mark.django_db
def test_the_cache_expires_for_changes_made_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not check(IRREGULAR).valid
    # Another process's change arrives without a signal in this one.
    IrregularCode.objects.bulk_create(
        [IrregularCode(code=IRREGULAR, reason="r", admitted_by="operator")]
    )
    assert not check(IRREGULAR).valid
    monkeypatch.setattr(identifiers, "ALLOWLIST_TTL_SECONDS", 0.0)  # the entry has aged out
    assert check(IRREGULAR).valid


@pytest.mark.django_db
def test_other_kinds_can_be_allowlisted() -> None:
    _admit("12345678-9")
    _admit("120116000000011")
    assert check("123456789").reason == "org_code.allowlisted"
    assert check("120116000000011").reason == "business_reg.allowlisted"


def test_an_explicit_allowlist_needs_no_database() -> None:
    # No django_db mark: any query would fail the test.
    result = check(IRREGULAR, allowlist={IRREGULAR})
    assert (result.valid, result.reason) == (True, "uscc.allowlisted")
    assert check("91350100M000100Y43").valid  # valid codes never read the allowlist


def test_citizen_ids_are_never_allowlisted() -> None:
    code = "110105194912310020"  # bad check character
    result = check(code, allowlist={code})
    assert (result.kind, result.valid, result.reason) == (
        IdKind.CITIZEN_ID,
        False,
        "citizen_id.check",
    )


def test_an_allowlisted_code_that_could_be_an_id_stays_an_organisation_code() -> None:
    code = "911201160000000000"
    result = check(code, allowlist={code})
    assert (result.kind, result.reason) == (IdKind.USCC, "uscc.allowlisted")
