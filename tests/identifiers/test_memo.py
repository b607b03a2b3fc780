"""`check` remembers its verdicts: what may change between two calls still does."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.identifiers import (
    IdKind,
    check,
    citizen_id_check_char,
    normalise,
    org_code_check_char,
    uscc_check_char,
)

IRREGULAR = "91120116681867885M"  # fails its checks; admitted by the allowlists below
NONE: frozenset[str] = frozenset()


def test_messages_follow_the_language_of_each_call() -> None:
    bad = IRREGULAR[:-1] + "N"
    first = check(bad, allowlist=NONE).message
    with translation.override("en"):
        english = check(bad, allowlist=NONE).message
    assert first != english and "fails" in english
    assert check(bad, allowlist=NONE).message == first


def test_an_explicit_allowlist_is_consulted_at_every_call() -> None:
    assert not check(IRREGULAR, allowlist=NONE).valid
    admitted = check(IRREGULAR, allowlist={IRREGULAR})
    assert (admitted.valid, admitted.reason) == (True, "uscc.allowlisted")
    with translation.override("en"):
        assert "allowlist" in check(IRREGULAR, allowlist={IRREGULAR}).message
    assert not check(IRREGULAR, allowlist=NONE).valid


def test_a_birth_date_in_the_future_passes_on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    first17 = "120101" + tomorrow.strftime("%Y%m%d") + "001"
    code = first17 + citizen_id_check_char(first17)
    assert check(code, IdKind.CITIZEN_ID).reason == "citizen_id.birth_date"

    class Tomorrow(datetime.date):
        @classmethod
        def today(cls) -> Tomorrow:
            return cls(tomorrow.year, tomorrow.month, tomorrow.day)

    monkeypatch.setattr(datetime, "date", Tomorrow)  # the module `identifiers` reads today from
    assert check(code, IdKind.CITIZEN_ID).valid


def test_a_kind_given_as_its_value_is_the_same_kind() -> None:
    result = check("", "uscc")  # type: ignore[arg-type]
    assert result.kind is IdKind.USCC and check("", IdKind.USCC).kind is IdKind.USCC
    assert hash(IdKind.USCC) == hash("uscc")


def test_results_are_frozen() -> None:
    result = check(IRREGULAR[:-1] + "N", allowlist=NONE)
    with pytest.raises(AttributeError):
        result.valid = True  # type: ignore[misc]


@given(st.text(alphabet="0123456789ABCXYZabcxyz -\t\u3000－０９Ａｚ", max_size=24))
def test_normalise_is_nfkc_without_spaces_or_dashes_upper_cased(code: str) -> None:
    folded = unicodedata.normalize("NFKC", code)
    kept = "".join(ch for ch in folded if not ch.isspace() and ch not in "-‐‑‒–—―－")
    assert normalise(code) == kept.upper()


def test_check_characters_refuse_a_wrong_length_or_alphabet() -> None:
    for compute, text in (
        (uscc_check_char, "9112010"),
        (uscc_check_char, "91120101MA05T8K3I"),
        (org_code_check_char, "7001234"),
        (citizen_id_check_char, "1201011990030712"),
    ):
        with pytest.raises(ValueError):
            compute(text)
