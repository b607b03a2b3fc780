"""Property tests: xinyong's identifier checks agree with an independent reference."""

from __future__ import annotations

import datetime

from hypothesis import assume, given
from hypothesis import strategies as st

from tests.identifiers import reference as ref
from xinyong.core.identifiers import (
    USCC_AUTHORITIES,
    IdKind,
    business_reg_check_digit,
    check,
    citizen_id_check_char,
    make_uscc,
    org_code_check_char,
    org_code_of_uscc,
    uscc_check_char,
)

USCC_CHARS = "".join(ref.USCC_VALUES)
ORG_BODY_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
NONE: frozenset[str] = frozenset()  # an empty allowlist: no database needed


def chars(alphabet: str, n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=n, max_size=n)


regions = st.sampled_from(sorted(ref.known_codes()))
stable_regions = st.sampled_from(ref.stable_codes())
birth_dates = st.dates(datetime.date(1900, 1, 1), datetime.date.today())


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    """Every registration authority of the table, letter-prefixed ones included."""
    authority = draw(st.sampled_from(sorted(USCC_AUTHORITIES)))
    category = draw(st.sampled_from(sorted(USCC_AUTHORITIES[authority][1])))
    region = draw(st.one_of(regions, st.just("100000")))
    return make_uscc(authority, category, region, draw(chars(USCC_CHARS, 8)))


@st.composite
def uscc_candidates(draw: st.DrawFn) -> str:
    """Codes near validity, so that every rule gets to decide some of them."""
    authority = draw(st.one_of(st.sampled_from(sorted(USCC_AUTHORITIES)), chars(USCC_CHARS, 1)))
    categories = sorted(USCC_AUTHORITIES.get(authority, ("", {"1": ""}))[1])
    category = draw(st.one_of(st.sampled_from(categories), chars(USCC_CHARS, 1)))
    region = draw(st.one_of(regions, chars(DIGITS, 6), chars(USCC_CHARS, 6)))
    body = draw(chars(USCC_CHARS, 8))
    org = body + draw(st.one_of(st.just(ref.org_check(body)), st.sampled_from("0123456789X")))
    first17 = authority + category + region + org
    last = draw(st.one_of(st.just(ref.uscc_check(first17)), chars(USCC_CHARS, 1)))
    code = first17 + last
    position = draw(st.integers(0, 17))
    odd = draw(st.sampled_from(["", "I", "O", "S", "V", "Z", "*"]))
    return code[:position] + odd + code[position + 1 :] if odd else code


@st.composite
def valid_citizen_ids(draw: st.DrawFn) -> str:
    born = draw(birth_dates)
    first17 = draw(stable_regions) + born.strftime("%Y%m%d") + draw(chars(DIGITS, 3))
    return first17 + ref.citizen_check(first17)


# -- check characters against the reference --------------------------------------------------


@given(chars(USCC_CHARS, 17))
def test_uscc_check_char_makes_the_weighted_sum_vanish(first17: str) -> None:
    assert uscc_check_char(first17) == ref.uscc_check(first17)


@given(chars(ORG_BODY_CHARS, 8))
def test_org_code_check_char_matches_the_search(body: str) -> None:
    assert org_code_check_char(body) == ref.org_check(body)


@given(chars(DIGITS, 14))
def test_business_reg_check_digit_matches_iso_7064(first14: str) -> None:
    assert business_reg_check_digit(first14) == ref.business_reg_check(first14)


@given(chars(DIGITS, 17))
def test_citizen_id_check_char_matches_stdnum(first17: str) -> None:
    assert citizen_id_check_char(first17) == ref.citizen_check(first17)


# -- whole-code verdicts against the reference -----------------------------------------------


@given(uscc_candidates())
def test_uscc_verdict_and_reason_match_the_reference(code: str) -> None:
    result = check(code, IdKind.USCC, allowlist=NONE)
    expected = ref.uscc_reason(code)
    assert (result.valid, result.reason) == (expected == "", expected)
    assert result.kind is IdKind.USCC and result.normalised == code


@given(valid_usccs())
def test_generated_usccs_are_valid_and_detected(code: str) -> None:
    assert ref.uscc_reason(code) == ""
    assert check(code, IdKind.USCC, allowlist=NONE).valid
    assert check(code.lower(), allowlist=NONE).kind is not IdKind.ORG_CODE
    assert org_code_of_uscc(code) == code[8:17] and ref.org_ok(code[8:17])
    # An all-digit code whose positions 7–14 read as a birth date and whose GB 11643 check
    # also holds is taken for a citizen ID, on purpose; every other code is a USCC.
    looks_personal = code[:17].isdigit() and ref.citizen_ok(code)
    assume(not looks_personal)
    assert check(code, allowlist=NONE).kind is IdKind.USCC


@given(valid_usccs(), st.integers(0, 17), chars(USCC_CHARS + "IOSVZ", 1))
def test_a_single_substitution_in_a_uscc_is_caught(code: str, pos: int, new: str) -> None:
    assume(code[pos] != new)
    mutated = code[:pos] + new + code[pos + 1 :]
    assert not check(mutated, IdKind.USCC, allowlist=NONE).valid


@given(chars(ORG_BODY_CHARS, 8), st.integers(0, 7), chars(ORG_BODY_CHARS, 1))
def test_org_code_substitutions_are_caught_unless_values_differ_by_11(
    body: str, pos: int, new: str
) -> None:
    code = body + ref.org_check(body)
    assert check(code, allowlist=NONE).valid
    mutated = code[:pos] + new + code[pos + 1 :]
    undetectable = (ref.org_value(code[pos]) - ref.org_value(new)) % 11 == 0
    assert check(mutated, IdKind.ORG_CODE, allowlist=NONE).valid == undetectable
    assert ref.org_ok(mutated) == undetectable


@given(chars(ORG_BODY_CHARS, 8), st.sampled_from(ref.ORG_CHECK_CHARS))
def test_org_code_verdict_matches_the_reference(body: str, last: str) -> None:
    code = body[:4] + "-" + body[4:] + "-" + last  # printed forms carry a dash
    assert check(code, IdKind.ORG_CODE, allowlist=NONE).valid == ref.org_ok(body + last)


@given(chars(DIGITS, 15))
def test_business_reg_verdict_matches_iso_7064(code: str) -> None:
    result = check(code, IdKind.BUSINESS_REG, allowlist=NONE)
    assert result.valid == ref.business_reg_ok(code)
    assert result.reason == ("" if result.valid else "business_reg.check")


@given(regions, chars(DIGITS, 8), st.integers(0, 14), chars(DIGITS, 1))
def test_business_reg_substitutions_are_caught(
    region: str, serial: str, pos: int, new: str
) -> None:
    first14 = region + serial
    code = first14 + ref.business_reg_check(first14)
    assert check(code, IdKind.BUSINESS_REG, allowlist=NONE).valid
    assume(code[pos] != new)
    mutated = code[:pos] + new + code[pos + 1 :]
    assert not check(mutated, IdKind.BUSINESS_REG, allowlist=NONE).valid


@given(valid_citizen_ids())
def test_generated_citizen_ids_are_valid_and_detected(code: str) -> None:
    assert ref.citizen_ok(code)
    result = check(code, allowlist=NONE)
    assert (result.kind, result.valid, result.reason) == (IdKind.CITIZEN_ID, True, "")


@given(
    stable_regions,
    st.one_of(birth_dates.map(lambda d: d.strftime("%Y%m%d")), chars(DIGITS, 8)),
    chars(DIGITS, 3),
    st.sampled_from("0123456789X"),
)
def test_citizen_id_verdict_matches_stdnum(region: str, date: str, seq: str, last: str) -> None:
    code = region + date + seq + last
    assert check(code, IdKind.CITIZEN_ID, allowlist=NONE).valid == ref.citizen_ok(code)


@given(valid_citizen_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_a_single_substitution_in_a_citizen_id_is_caught(code: str, pos: int, new: str) -> None:
    assume(code[pos] != new and (pos == 17 or new != "X"))
    mutated = code[:pos] + new + code[pos + 1 :]
    assert not check(mutated, IdKind.CITIZEN_ID, allowlist=NONE).valid


@given(stable_regions, st.dates(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)))
def test_legacy_15_digit_ids_convert_to_the_18_digit_form(region: str, born: datetime.date) -> None:
    legacy = region + born.strftime("%y%m%d") + "123"
    result = check(legacy, allowlist=NONE)
    expected = region + born.strftime("%Y%m%d") + "123"
    expected += ref.citizen_check(expected)
    assert (result.kind, result.valid) == (IdKind.CITIZEN_ID, True)
    assert result.normalised == expected and ref.citizen_ok(expected)
    assert result.reason == "citizen_id.converted"


@given(regions, chars(DIGITS, 8))
def test_registration_numbers_without_a_birth_date_are_detected(region: str, serial: str) -> None:
    first14 = region + serial
    code = first14 + ref.business_reg_check(first14)
    assume(not ref.birth_date_ok("19" + code[6:12]))
    assert check(code, allowlist=NONE).kind is IdKind.BUSINESS_REG


@given(valid_usccs(), st.sampled_from(["fullwidth", "spaced", "lower"]))
def test_presentation_does_not_change_the_verdict(code: str, style: str) -> None:
    shown = {
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in code),
        "spaced": f" {code[:2]}\u3000{code[2:8]}－{code[8:]} ",
        "lower": code.lower(),
    }[style]
    result = check(shown, IdKind.USCC, allowlist=NONE)
    assert result.valid and result.normalised == code
