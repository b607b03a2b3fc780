"""Real and hand-picked examples: published codes, Tianjin regions, every reason code."""

from __future__ import annotations

import datetime

import pytest

from tests.identifiers import reference as ref
from xinyong.core import regions
from xinyong.core.identifiers import (
    USCC_AUTHORITIES,
    IdKind,
    check,
    make_uscc,
    normalise,
    org_code_of_uscc,
)

NONE: frozenset[str] = frozenset()

# Published on the web and collected in python-stdnum's tests, plus Tianjin enterprises'
# codes as printed on public documents (Binhai New Area 120116, 宝坻县 120224 abolished 2001).
PUBLISHED_USCCS = [
    "91350100M000100Y43",
    "121200004013590816",
    "91110000600037341L",
    "91110000710926094P",
    "91310115MA1K3BTP2B",
    "9131012056010553X5",
    "91340603MA2UJXXCXF",
    "9144030071526726XG",
    "91620105L015101280",
    "92340602MA2PBMEM24",
    "92340621MA2UK3PJXE",
    "91120224064012553U",
    "91120116724472468Y",
    "911201165864250487",
    "9112011608300716X9",
    "91120116592938202F",
]

TIANJIN_CURRENT = [f"1201{n:02d}" for n in (1, 2, 3, 4, 5, 6, *range(10, 20))]
TIANJIN_ABOLISHED = {"120107": "塘沽区", "120108": "汉沽区", "120109": "大港区", "120225": "蓟县"}


@pytest.mark.parametrize("code", PUBLISHED_USCCS)
def test_published_usccs_are_valid(code: str) -> None:
    assert ref.uscc_reason(code) == ""
    result = check(code, allowlist=NONE)
    assert (result.kind, result.valid, result.reason, result.normalised) == (
        IdKind.USCC,
        True,
        "",
        code,
    )


def test_tianjin_districts_current_and_abolished() -> None:
    assert len(TIANJIN_CURRENT) == 16
    for code in TIANJIN_CURRENT:
        region = regions.lookup(code)
        assert region is not None and region.is_current, code
    assert regions.lookup("120116") == regions.Region("120116", "滨海新区", True)
    for code, name in TIANJIN_ABOLISHED.items():
        assert regions.lookup(code) == regions.Region(code, name, False)
    for code in [*TIANJIN_CURRENT, *TIANJIN_ABOLISHED, "120000", "100000"]:
        uscc = make_uscc("9", "1", code, "MA05JXXX")
        assert check(uscc, allowlist=NONE).valid, code


def test_region_levels() -> None:
    assert regions.is_registration_region("100000")  # central authorities
    assert regions.is_registration_region("120000") and regions.is_registration_region("130100")
    assert not regions.is_known_division("100000")  # not a place a person is born in
    assert not regions.is_registration_region("120199")
    assert not regions.is_registration_region("990000")
    assert regions.is_birth_region("830000") and not regions.is_birth_region("120199")


def test_authority_table_follows_gb_32100() -> None:
    pairs = {a + c for a, (_, categories) in USCC_AUTHORITIES.items() for c in categories}
    assert {"11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93"} <= pairs
    assert {"N1", "N2", "N3", "N9", "A1", "A9", "Y1", "21", "31", "35", "71", "81"} <= pairs
    assert not {"94", "99", "Y2", "14", "G1"} & pairs
    assert USCC_AUTHORITIES["N"][0] == "农业" and USCC_AUTHORITIES["9"][1]["2"] == "个体工商户"


@pytest.mark.parametrize("authority", ["A", "N", "Y"])
def test_letter_authorities(authority: str) -> None:
    category = "1"
    code = make_uscc(authority, category, "120116", "MA05JXXX")
    assert ref.uscc_reason(code) == ""
    assert check(code, allowlist=NONE).kind is IdKind.USCC
    assert check(code, allowlist=NONE).valid


USCC_FAILURES = [
    ("91350100M000100Y4", "uscc.length"),
    ("91350100M000100YI3", "uscc.alphabet"),
    ("B1350100M000100Y43", "uscc.authority"),
    ("94350100M000100Y43", "uscc.category"),
    ("Y2350100M000100Y43", "uscc.category"),
    ("91359900M000100Y43", "uscc.region"),
    ("91350100M000100Y53", "uscc.org_code"),
    ("91350100M000100Y44", "uscc.check"),
]


@pytest.mark.parametrize(("code", "reason"), USCC_FAILURES)
def test_uscc_reasons(code: str, reason: str) -> None:
    result = check(code, IdKind.USCC, allowlist=NONE)
    assert (result.valid, result.reason) == (False, reason)
    assert result.message and code not in result.message
    assert ref.uscc_reason(normalise(code)) == reason


OTHER_FAILURES = [
    ("1234567", IdKind.ORG_CODE, "org_code.length"),
    ("12345678A", IdKind.ORG_CODE, "org_code.alphabet"),
    ("12345678-9", IdKind.ORG_CODE, "org_code.check"),
    ("12011600000001", IdKind.BUSINESS_REG, "business_reg.length"),
    ("12011600000001A", IdKind.BUSINESS_REG, "business_reg.alphabet"),
    ("120116000000011", IdKind.BUSINESS_REG, "business_reg.check"),
    ("1101051949123100", IdKind.CITIZEN_ID, "citizen_id.length"),
    ("11010519491231002Y", IdKind.CITIZEN_ID, "citizen_id.alphabet"),
    ("12019919491231002X", IdKind.CITIZEN_ID, "citizen_id.region"),
    ("110105194902300021", IdKind.CITIZEN_ID, "citizen_id.birth_date"),
    ("440524188001010014", IdKind.CITIZEN_ID, "citizen_id.birth_date"),  # GB 11643's 1880
    ("110105194912310020", IdKind.CITIZEN_ID, "citizen_id.check"),
]


@pytest.mark.parametrize(("code", "kind", "reason"), OTHER_FAILURES)
def test_other_reasons(code: str, kind: IdKind, reason: str) -> None:
    result = check(code, kind, allowlist=NONE)
    assert (result.kind, result.valid, result.reason) == (kind, False, reason)
    assert result.message and normalise(code) not in result.message


def test_citizen_id_birth_date_must_be_past() -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    first17 = "120101" + tomorrow.strftime("%Y%m%d") + "001"
    code = first17 + ref.citizen_check(first17)
    assert check(code, allowlist=NONE).reason == "citizen_id.birth_date"
    first17 = "120101" + datetime.date.today().strftime("%Y%m%d") + "001"
    assert check(first17 + ref.citizen_check(first17), allowlist=NONE).valid


def test_gb_11643_example_and_tianjin_ids() -> None:
    result = check("11010519491231002x", allowlist=NONE)
    assert (result.kind, result.valid, result.normalised) == (
        IdKind.CITIZEN_ID,
        True,
        "11010519491231002X",
    )
    first17 = "12010719850615003"  # born in 塘沽, a district abolished in 2009
    assert check(first17 + ref.citizen_check(first17), allowlist=NONE).valid


def test_legacy_15_digit_id_is_converted() -> None:
    result = check("110105491231002", allowlist=NONE)
    assert (result.kind, result.valid, result.normalised, result.reason) == (
        IdKind.CITIZEN_ID,
        True,
        "11010519491231002X",
        "citizen_id.converted",
    )
    assert ref.citizen_ok(result.normalised)
    bad = check("110105491331002", IdKind.CITIZEN_ID, allowlist=NONE)  # month 13
    assert (bad.kind, bad.reason) == (IdKind.CITIZEN_ID, "citizen_id.birth_date")


def test_full_width_spaced_and_dashed_input() -> None:
    assert normalise("９１３５ ０１００\u3000Ｍ０００－１００ｙ４３") == "91350100M000100Y43"
    result = check("９１３５０１００Ｍ０００１００Ｙ４３", allowlist=NONE)
    assert result.valid and result.normalised == "91350100M000100Y43"
    org = check("１２３４５６７８－８", allowlist=NONE)
    assert (org.kind, org.valid, org.normalised) == (IdKind.ORG_CODE, True, "123456788")
    assert check("12345678–8", allowlist=NONE).valid  # en dash, as word processors print it


def test_detection() -> None:
    assert check("", allowlist=NONE).reason == "code.empty"
    unknown = check("ABC", allowlist=NONE)
    assert (unknown.kind, unknown.valid, unknown.reason) == (None, False, "code.unknown_kind")
    assert check("120116000000011", allowlist=NONE).kind is IdKind.BUSINESS_REG
    # 18 digits that fail both checks: a plausible birth date makes it personal data.
    assert check("110105194912310020", allowlist=NONE).kind is IdKind.CITIZEN_ID
    assert check("911201160000000000", allowlist=NONE).kind is IdKind.USCC


def test_results_never_show_a_citizen_id_in_repr() -> None:
    result = check("11010519491231002X", allowlist=NONE)
    assert "11010519491231002X" not in repr(result)
    assert result.masked == "110105********002X"
    assert check("91350100M000100Y43", allowlist=NONE).masked == "91350100M000100Y43"


def test_make_uscc_and_org_code_of_uscc() -> None:
    assert make_uscc("9", "1", "350100", "M000100Y") == "91350100M000100Y43"
    assert org_code_of_uscc(" 91350100-M000100Y43 ") == "M000100Y4"
    with pytest.raises(ValueError):
        org_code_of_uscc("M000100Y4")
    with pytest.raises(ValueError):
        make_uscc("9", "1", "3501", "M0001000")
    with pytest.raises(ValueError):
        make_uscc("9", "1", "350100", "M000100O")
