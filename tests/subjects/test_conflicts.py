"""Conflicting identifiers are reported and change nothing; bad input is rejected."""

from __future__ import annotations

import pytest

from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.services import LinkResult

from .codes import broken, business_reg, citizen_id, org_code, tax_reg, uscc
from .helpers import counts, link_ids

pytestmark = pytest.mark.django_db


def _subject(**identifiers: str) -> Subject:
    result = link_ids(**identifiers)
    assert result.created and result.subject is not None
    return result.subject


def _refused(result: LinkResult) -> None:
    assert result.subject is None and not result.created and not result.learned


def test_uscc_and_business_reg_pointing_to_different_subjects() -> None:
    a = _subject(uscc=uscc(1))
    b = _subject(business_reg=business_reg(2))
    before = counts()
    result = link_ids(uscc=uscc(1), business_reg=business_reg(2))
    _refused(result)
    assert counts() == before
    conflict = result.conflict
    assert conflict is not None and conflict.reason == "identifiers_disagree"
    where = {p.scheme: p.subject for p in conflict.pointers}
    assert where == {"uscc": a.public_id, "org_code": a.public_id, "business_reg": b.public_id}
    assert a.public_id in conflict.message and b.public_id in conflict.message
    assert "工商注册号" in conflict.message and "未合并" in conflict.message


def test_uscc_differs_from_the_uscc_of_the_subject_found_by_org_code() -> None:
    a = _subject(uscc=uscc(3, region="120101"))
    other = uscc(3, region="120116")  # same embedded organisation code, another USCC
    before = counts()
    result = link_ids(uscc=other)
    _refused(result)
    assert counts() == before
    conflict = result.conflict
    assert conflict is not None and conflict.reason == "value_differs"
    where = {p.scheme: (p.value, p.subject, p.held) for p in conflict.pointers}
    assert where == {
        "uscc": (other, None, uscc(3)),
        "org_code": (org_code(3), a.public_id, ""),
    }
    assert a.public_id in conflict.message and uscc(3) in conflict.message


def test_org_code_differs_from_the_subject_found_by_business_reg() -> None:
    _subject(org_code=org_code(4), business_reg=business_reg(4))
    before = counts()
    result = link_ids(org_code=org_code(5), business_reg=business_reg(4))
    _refused(result)
    assert counts() == before
    assert result.conflict is not None and result.conflict.reason == "value_differs"


def test_tax_reg_of_another_subject() -> None:
    _subject(tax_reg=tax_reg(6))
    _subject(business_reg=business_reg(7))
    before = counts()
    result = link_ids(business_reg=business_reg(7), tax_reg=tax_reg(6))
    _refused(result)
    assert counts() == before
    assert result.conflict is not None and result.conflict.reason == "identifiers_disagree"


def test_person_id_pointing_elsewhere_than_the_organisation_codes() -> None:
    person = link_ids("张三", citizen_id=citizen_id(1)).subject
    org = _subject(uscc=uscc(8))
    assert person is not None
    before = counts()
    for identifiers in (
        {"citizen_id": citizen_id(1), "uscc": uscc(8)},  # both known, different subjects
        {"citizen_id": citizen_id(1), "business_reg": business_reg(9)},  # person + new code
        {"citizen_id": citizen_id(2), "uscc": uscc(8)},  # new person + known organisation
        {"citizen_id": citizen_id(3), "uscc": uscc(10)},  # neither known
    ):
        result = link_ids("张三", **identifiers)
        _refused(result)
        conflict = result.conflict
        assert conflict is not None and conflict.reason == "person_and_organisation"
        assert citizen_id(1) not in conflict.message and citizen_id(2) not in conflict.message
        assert all(citizen_id(n) not in repr(conflict) for n in (1, 2, 3))
    assert counts() == before
    first = link_ids("张三", citizen_id=citizen_id(1), uscc=uscc(8)).conflict
    assert first is not None
    where = {p.scheme: (p.value, p.subject) for p in first.pointers}
    assert where["citizen_id_hash"] == ("120101********0013", person.public_id)
    assert where["uscc"] == (uscc(8), org.public_id)
    assert "120101********0013" in first.message


def test_a_conflict_attaches_none_of_the_other_identifiers() -> None:
    _subject(uscc=uscc(11))
    _subject(business_reg=business_reg(12))
    before = counts()
    link_ids(uscc=uscc(11), business_reg=business_reg(12), social_org_cert="新证号")
    assert counts() == before


@pytest.mark.parametrize(
    ("identifiers", "field", "reason"),
    [
        ({"uscc": broken(uscc(20))}, "uscc", "uscc.check"),
        ({"uscc": "91120101MA05"}, "uscc", "uscc.length"),
        ({"org_code": broken(org_code(21))}, "org_code", "org_code.check"),
        ({"business_reg": broken(business_reg(22))}, "business_reg", "business_reg.check"),
        ({"tax_reg": "ABC"}, "tax_reg", "tax_reg.format"),
        ({"uscc": uscc(23), "org_code": org_code(24)}, "org_code", "org_code.mismatch"),
        ({"uscc": uscc(25), "tax_reg": tax_reg(26)}, "tax_reg", "org_code.mismatch"),
        ({"uscc": uscc(27), "tax_reg": uscc(28)}, "tax_reg", "tax_reg.mismatch"),
        ({"institution_cert": "证" * 65}, "institution_cert", "cert.length"),
        ({"uscc": uscc(29), "district_code": "12010"}, "district_code", "district.format"),
        ({"uscc": uscc(30), "kind": SubjectKind.NATURAL_PERSON}, "kind", "kind.mismatch"),
        (
            {"citizen_id": citizen_id(4), "kind": SubjectKind.INDIVIDUAL_BUSINESS},
            "citizen_id",
            "citizen_id.not_person",
        ),
        ({"citizen_id": "120101199002300013"}, "citizen_id", "citizen_id.birth_date"),
    ],
)
def test_invalid_input_is_rejected_with_its_reason(
    identifiers: dict[str, str], field: str, reason: str
) -> None:
    before = counts()
    result = link_ids(**identifiers)
    _refused(result)
    assert result.conflict is None
    assert (field, reason) in {(r.field, r.reason) for r in result.rejected}
    assert all(r.message for r in result.rejected)
    assert counts() == before


def test_a_bad_identifier_rejects_the_whole_request_even_for_a_known_subject() -> None:
    subject = _subject(uscc=uscc(31))
    before = counts()
    result = link_ids(uscc=uscc(31), business_reg="12345")
    _refused(result)
    assert [r.field for r in result.rejected] == ["business_reg"]
    assert counts() == before
    assert not subject.identifiers.filter(scheme="business_reg").exists()


@pytest.mark.parametrize(
    ("name", "identifiers", "reason"),
    [
        ("天津某某有限公司", {}, "identifiers.insufficient"),
        ("天津某某有限公司", {"institution_cert": "事证第1号"}, "identifiers.insufficient"),
        ("", {"uscc": uscc(32)}, "name.missing"),
        ("  ", {"uscc": uscc(32)}, "name.missing"),
        ("名" * 201, {"uscc": uscc(32)}, "name.length"),
    ],
)
def test_what_never_creates_a_subject(name: str, identifiers: dict[str, str], reason: str) -> None:
    before = counts()
    result = link_ids(name, **identifiers)
    _refused(result)
    assert [r.reason for r in result.rejected] == [reason]
    assert counts() == before


def test_rejections_never_carry_a_citizen_id() -> None:
    bad = broken(citizen_id(5))
    result = link_ids("张三", citizen_id=bad, kind=SubjectKind.LEGAL_PERSON)
    assert result.rejected
    assert all(bad not in r.message and bad[:17] not in repr(r) for r in result.rejected)
