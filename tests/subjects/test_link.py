"""Linking organisations: creation, finding by every identifier, legacy codes, names."""

from __future__ import annotations

import pytest

from xinyong.core import audit
from xinyong.core.models import District
from xinyong.subjects.models import Scheme, Subject, SubjectKind, SubjectName
from xinyong.subjects.services import find_subject

from .codes import business_reg, org_code, tax_reg, uscc
from .helpers import counts, link_ids, schemes

pytestmark = pytest.mark.django_db


def test_creates_then_finds_by_each_identifier(districts: dict[str, District]) -> None:
    full = {
        "uscc": uscc(1),
        "business_reg": business_reg(1),
        "tax_reg": tax_reg(1),
        "institution_cert": "事证第112010000001号",
        "social_org_cert": "津民证字第010001号",
    }
    first = link_ids(**full)
    assert first.created and first.subject is not None and first.conflict is None
    subject = first.subject
    assert schemes(subject) == {
        "uscc": uscc(1),
        "org_code": org_code(1),
        "business_reg": business_reg(1),
        "tax_reg": tax_reg(1),
        "institution_cert": "事证第112010000001号",
        "social_org_cert": "津民证字第010001号",
    }
    assert subject.uscc == uscc(1) and subject.kind == SubjectKind.LEGAL_PERSON
    assert subject.district == districts["120101"]
    assert {x.scheme for x in first.learned} == set(schemes(subject))
    before = counts()
    for key, value in [*full.items(), ("org_code", org_code(1))]:
        again = link_ids(**{key: value})
        assert again.subject is not None and again.subject.pk == subject.pk, key
        assert not again.created and not again.learned and not again.renamed
        found = find_subject(value)
        assert found is not None and found.pk == subject.pk, key
    assert counts() == before
    assert find_subject("") is None and find_subject("不是代码") is None
    assert find_subject(uscc(99)) is None
    [entry] = audit.entries_for("subject", subject.public_id)
    assert entry.action == "subject.create" and entry.after == {
        "kind": "legal_person",
        "name": "天津市某某有限公司",
        "district": "120101",
        "identifiers": [{"scheme": x.scheme, "value": x.value} for x in first.learned],
        "source": "test",
    }


def test_codes_are_normalised_before_lookup() -> None:
    subject = link_ids(uscc=uscc(2)).subject
    spaced = " ".join(uscc(2)[:9]) + "－" + uscc(2)[9:].lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in uscc(2))
    for variant in (spaced, full_width):
        again = link_ids(uscc=variant)
        assert again.subject == subject and not again.created


def test_old_org_code_record_links_to_the_uscc_subject() -> None:
    created = link_ids(uscc=uscc(3)).subject
    old = link_ids(org_code=org_code(3)[:8] + "-" + org_code(3)[8])
    assert old.subject == created and not old.created and not old.learned


def test_uscc_arriving_for_a_subject_known_by_org_code_is_attached(
    districts: dict[str, District],
) -> None:
    first = link_ids(org_code=org_code(4), business_reg=business_reg(4))
    subject = first.subject
    assert first.created and subject is not None and subject.uscc == ""
    assert subject.district is None
    code = uscc(4, region="120107")
    later = link_ids(uscc=code)
    assert later.subject == subject and not later.created
    assert [x.value for x in later.learned] == [code]
    subject.refresh_from_db()
    assert subject.uscc == code and schemes(subject)["uscc"] == code
    assert subject.district == districts["120116"]  # 塘沽 merged into 滨海新区
    entries = audit.entries_for("subject", subject.public_id)
    assert [e.action for e in entries] == ["subject.create", "subject.identifier_add"]
    assert entries[1].after["value"] == code and entries[1].after["district"] == "120116"


def test_tax_registration_numbers() -> None:
    subject = link_ids(tax_reg=tax_reg(5)).subject  # region + org code: creates via the org code
    assert subject is not None and schemes(subject)["org_code"] == org_code(5)
    assert link_ids(uscc=uscc(5)).subject == subject
    # After 三证合一 the tax number is the USCC itself.
    as_uscc = link_ids(tax_reg=uscc(6))
    assert as_uscc.created and as_uscc.subject is not None
    assert schemes(as_uscc.subject) == {"uscc": uscc(6), "org_code": org_code(6)}
    assert link_ids(uscc=uscc(6)).subject == as_uscc.subject


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("11", SubjectKind.GOVERNMENT_ORGAN),
        ("92", SubjectKind.INDIVIDUAL_BUSINESS),
        ("91", SubjectKind.LEGAL_PERSON),
        ("51", SubjectKind.LEGAL_PERSON),
    ],
)
def test_kind_from_the_code(prefix: str, kind: SubjectKind) -> None:
    result = link_ids(uscc=uscc(7, prefix=prefix), kind=SubjectKind.LEGAL_PERSON)
    assert result.subject is not None and result.subject.kind == kind


def test_other_org_kind_is_kept() -> None:
    result = link_ids(org_code=org_code(8), kind=SubjectKind.OTHER_ORG)
    assert result.subject is not None and result.subject.kind == SubjectKind.OTHER_ORG


def test_district(districts: dict[str, District]) -> None:
    from_code = link_ids(uscc=uscc(9, region="120116"), district_code="120101").subject
    assert from_code is not None and from_code.district == districts["120116"]
    outside = link_ids(uscc=uscc(10, region="110101"), district_code="120101").subject
    assert outside is not None and outside.district == districts["120101"]
    nowhere = link_ids(business_reg=business_reg(11), district_code="310101").subject
    assert nowhere is not None and nowhere.district is None


def _names(subject: Subject) -> list[tuple[str, bool]]:
    rows = SubjectName.objects.filter(subject=subject).order_by("valid_from", "pk")
    return [(n.name, n.valid_to is None) for n in rows]


def test_name_change_goes_to_history() -> None:
    subject = link_ids("天津甲乙贸易有限公司", uscc=uscc(12)).subject
    assert subject is not None
    renamed = link_ids("天津甲乙科技有限公司", uscc=uscc(12))
    assert renamed.subject == subject and renamed.renamed
    subject.refresh_from_db()
    assert subject.name == "天津甲乙科技有限公司"
    assert _names(subject) == [("天津甲乙贸易有限公司", False), ("天津甲乙科技有限公司", True)]
    rename = audit.entries_for("subject", subject.public_id)[-1]
    assert rename.action == "subject.rename"
    assert rename.before == {"name": "天津甲乙贸易有限公司"}
    assert rename.after == {"name": "天津甲乙科技有限公司", "source": "test"}
    # An old file still carrying the former name does not rename it back.
    before = counts()
    old = link_ids("天津甲乙贸易有限公司", org_code=org_code(12))
    assert old.subject == subject and not old.renamed and counts() == before
    subject.refresh_from_db()
    assert subject.name == "天津甲乙科技有限公司"


def test_bracket_width_and_spaces_are_not_a_rename() -> None:
    subject = link_ids("某某（天津）有限公司", uscc=uscc(13)).subject
    before = counts()
    same = link_ids(" 某某 (天津)有限公司 ", uscc=uscc(13))
    assert same.subject == subject and not same.renamed and counts() == before


def test_learned_identifiers_are_audited_masked_by_scheme() -> None:
    subject = link_ids(uscc=uscc(14)).subject
    assert subject is not None
    result = link_ids(uscc=uscc(14), business_reg=business_reg(14), social_org_cert="津社证001")
    assert {(x.scheme, x.value) for x in result.learned} == {
        (Scheme.BUSINESS_REG, business_reg(14)),
        (Scheme.SOCIAL_ORG_CERT, "津社证001"),
    }
    adds = [
        e.after
        for e in audit.entries_for("subject", subject.public_id)
        if e.action == "subject.identifier_add"
    ]
    assert sorted(adds, key=str) == [
        {"scheme": "business_reg", "value": business_reg(14), "source": "test"},
        {"scheme": "social_org_cert", "value": "津社证001", "source": "test"},
    ]
    assert audit.verify()[1] is None
