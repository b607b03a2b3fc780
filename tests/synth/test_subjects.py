"""Subjects: valid codes of the right authority and category, Tianjin districts, real people."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from tests.synth.conftest import SUBJECTS, Generated
from tests.synth.independent import citizen_id_ok, org_code_ok, uscc_ok
from xinyong.core.identifiers import IdKind, check
from xinyong.subjects.models import Industry, SubjectSize
from xinyong.synth import base_date, pools, profile
from xinyong.synth.policy import load_policy
from xinyong.synth.subjects import Subject, SubjectFactory

POLICY = load_policy()
DISTRICTS = {d.code for d in POLICY.districts}
REGIONS = DISTRICTS | {a.code for a in POLICY.abolished} | {POLICY.city.code}
PREFIX = {
    "enterprise": ("91",),
    "individual": ("92",),
    "cooperative": ("93",),
    "social": ("51", "52", "53"),
    "institution": ("12",),
    "rural": ("N2",),
    "other": ("Y1",),
}


def assert_valid(subject: Subject, today: date) -> None:
    assert subject.district in DISTRICTS
    assert subject.name.strip() == subject.name and subject.name
    if subject.kind == "person":
        assert subject.category == "自然人" and not subject.uscc
        assert subject.industry == subject.size == ""  # persons are never graded
        assert check(subject.person_id, IdKind.CITIZEN_ID, allowlist=()).valid
        assert citizen_id_ok(subject.person_id, today)
        return
    assert subject.uscc or subject.business_reg or subject.org_code
    assert subject.industry in Industry.values
    assert subject.size in SubjectSize.values if subject.kind in profile.SIZES else not subject.size
    if subject.uscc:
        assert check(subject.uscc, IdKind.USCC, allowlist=()).valid, subject.uscc
        assert uscc_ok(subject.uscc)
        assert subject.uscc[:2] in PREFIX[subject.kind]
        assert subject.uscc[2:8] in REGIONS
        if subject.org_code:
            assert subject.uscc[8:17] == subject.org_code
    if subject.org_code:
        assert check(subject.org_code, IdKind.ORG_CODE, allowlist=()).valid
        assert org_code_ok(subject.org_code)
    if subject.business_reg:
        assert check(subject.business_reg, IdKind.BUSINESS_REG, allowlist=()).valid
        assert subject.business_reg[:6] in REGIONS
        assert (subject.business_reg[6] in "6789") == (subject.kind == "individual")
    if subject.tax_reg:
        assert subject.tax_reg[6:] == subject.org_code
    assert subject.legal_rep and check(subject.legal_rep_id, IdKind.CITIZEN_ID, allowlist=()).valid
    birth = ric.get_birth_date(subject.legal_rep_id)
    assert today - timedelta(days=71 * 366) < birth < today - timedelta(days=25 * 365)
    assert subject.legal_rep_id[:6] in REGIONS


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**31), index=st.integers(0, 10**9))
def test_any_subject_of_any_seed_is_valid(seed: int, index: int) -> None:
    today = base_date(seed)
    factory = SubjectFactory(seed, POLICY, today)
    subject = factory.subject(index)
    assert subject == factory.subject(index)  # a pure function of (seed, index)
    assert_valid(subject, today)


def test_the_subjects_file_is_the_ground_truth(generated: Generated) -> None:
    path = generated.out / "subjects.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == SUBJECTS
    today = base_date(generated.manifest["seed"])
    subjects = [Subject(**json.loads(line)) for line in lines]
    for subject in subjects:
        assert_valid(subject, today)
    kinds = Counter(s.kind for s in subjects)
    assert set(kinds) == set(PREFIX) | {"person"}
    assert kinds["enterprise"] > kinds["individual"] > kinds["person"] > kinds["other"]
    # Older subjects: individual businesses with only a registration number, enterprises with
    # only an organisation code and a registration number.
    assert any(s.kind == "individual" and not s.uscc and s.business_reg for s in subjects)
    assert any(s.kind == "enterprise" and not s.uscc and s.org_code for s in subjects)
    assert any(s.uscc and s.uscc[2:8] in {a.code for a in POLICY.abolished} for s in subjects)
    assert len({s.uscc for s in subjects if s.uscc}) == sum(1 for s in subjects if s.uscc)
    districts = Counter(s.district for s in subjects)
    assert districts.most_common(1)[0][0] == "120116"  # 滨海新区 weighs most
    assert any(s.name.startswith("天津") for s in subjects if s.kind == "enterprise")
    assert any("记" in s.name for s in subjects if s.kind == "individual")


def test_every_line_of_business_has_its_industry_section() -> None:
    assert profile.ENTERPRISE_INDUSTRIES.keys() == set(pools.INDUSTRIES)
    assert profile.SHOP_INDUSTRIES.keys() == set(pools.SHOPS)
    assert profile.SOCIAL_ORG_INDUSTRIES.keys() == {e for _c, e in pools.SOCIAL_ORG_KINDS}
    assert profile.INSTITUTION_INDUSTRIES.keys() == set(pools.INSTITUTION_KINDS)
    sections = {
        *profile.ENTERPRISE_INDUSTRIES.values(),
        *profile.SHOP_INDUSTRIES.values(),
        *profile.SOCIAL_ORG_INDUSTRIES.values(),
        *profile.INSTITUTION_INDUSTRIES.values(),
        profile.COOPERATIVE_INDUSTRY,
        profile.COMMUNITY_INDUSTRY,
    }
    assert sections <= set(Industry.values)


def test_industries_and_sizes_are_spread_as_in_a_register() -> None:
    factory = SubjectFactory(3, POLICY, base_date(3))
    subjects = [factory.subject(index) for index in range(4000)]
    enterprises = [s for s in subjects if s.kind == "enterprise"]
    sizes = Counter(s.size for s in enterprises)
    assert set(sizes) == set(SubjectSize.values)
    assert sizes["micro"] > sizes["small"] > sizes["medium"] > sizes["large"]
    assert 0.7 < sizes["micro"] / len(enterprises) < 0.9
    assert {s.size for s in subjects if s.kind == "individual"} <= {"micro", "small"}
    sections = Counter(s.industry for s in subjects if s.industry)
    assert len(sections) >= 12 and sections.most_common(1)[0][0] in ("C", "F")
    # The section follows the name: a restaurant is in 住宿和餐饮业.
    restaurants = [s for s in enterprises if "餐饮" in s.name]
    assert restaurants and {s.industry for s in restaurants} == {"H"}
