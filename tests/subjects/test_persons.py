"""Natural persons: the ID number is encrypted, looked up by hash, masked, revealed only with
a purpose that the audit log records."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from xinyong.core import audit
from xinyong.core.crypto import decrypt
from xinyong.subjects.models import CITIZEN_ID_CONTEXT, Scheme, SubjectKind
from xinyong.subjects.services import (
    SubjectError,
    SubjectIdentifiers,
    display_name,
    find_subject,
    masked_id,
    reveal_citizen_id,
)

from .codes import citizen_id, citizen_id_15, uscc
from .helpers import counts, link_ids

pytestmark = pytest.mark.django_db


def _database_text() -> str:
    """Every row of every table, as text."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            lines += [repr(row) for row in cursor.fetchall()]
    return "\n".join(lines)


def test_the_number_is_nowhere_in_the_database_in_clear(caplog: pytest.LogCaptureFixture) -> None:
    number = citizen_id(1)
    with caplog.at_level(logging.DEBUG):
        result = link_ids("张三丰", citizen_id=number)
        link_ids("张三丰", citizen_id=number)
        link_ids("张三丰", citizen_id=number, uscc=uscc(1))  # a conflict, reported
        link_ids("某某个体户", tax_reg=number + "01", kind=SubjectKind.INDIVIDUAL_BUSINESS)
    subject = result.subject
    assert result.created and subject is not None
    assert subject.kind == SubjectKind.NATURAL_PERSON
    text = _database_text()
    assert subject.public_id in text and "120101********0013" in text
    for needle in (number, number[:17], number[6:14] + number[14:]):
        assert needle not in text
    assert number not in caplog.text
    assert decrypt(subject.citizen_id_encrypted, context=CITIZEN_ID_CONTEXT) == number
    stored = dict(subject.identifiers.values_list("scheme", "value"))
    assert stored == {Scheme.CITIZEN_ID_HASH: subject.citizen_id_hash}
    request = SubjectIdentifiers(uscc=uscc(1), tax_reg=number + "01", citizen_id=number)
    assert number not in repr(request) and uscc(1) in repr(request)


def test_found_by_hash() -> None:
    subject = link_ids("李四", citizen_id=citizen_id(2)).subject
    assert find_subject(citizen_id(2)) == subject
    assert find_subject(citizen_id(2).lower()[:-1] + citizen_id(2)[-1].lower()) == subject
    assert find_subject(citizen_id(3)) is None
    again = link_ids("李四", citizen_id=citizen_id(2))
    assert again.subject == subject and not again.created and not again.learned


def test_a_15_digit_number_links_to_the_same_person_as_its_18_digit_form() -> None:
    old = citizen_id_15(4)
    new = citizen_id(4)
    assert len(old) == 15 and new == old[:6] + "19" + old[6:] + new[-1]
    subject = link_ids("王五", citizen_id=old).subject
    assert subject is not None
    assert link_ids("王五", citizen_id=new).subject == subject
    assert find_subject(new) == find_subject(old) == subject
    assert reveal_citizen_id(subject, purpose="核对身份") == new


def test_reveal_writes_an_audit_entry_with_the_purpose() -> None:
    subject = link_ids("赵六", citizen_id=citizen_id(5)).subject
    assert subject is not None
    before = audit.entries_for("subject", subject.public_id)
    assert reveal_citizen_id(subject, purpose="异议核实 第12号") == citizen_id(5)
    after = audit.entries_for("subject", subject.public_id)
    assert len(after) == len(before) + 1
    entry = after[-1]
    assert entry.action == "subject.citizen_id_reveal" and entry.purpose == "异议核实 第12号"
    assert citizen_id(5) not in repr((entry.before, entry.after))
    assert audit.verify()[1] is None


def test_reveal_is_refused_without_a_purpose_or_a_number() -> None:
    person = link_ids("赵六", citizen_id=citizen_id(6)).subject
    org = link_ids(uscc=uscc(6)).subject
    assert person is not None and org is not None
    before = counts()
    with pytest.raises(SubjectError) as no_purpose:
        reveal_citizen_id(person, purpose="  ")
    assert no_purpose.value.reason == "reveal.purpose"
    with pytest.raises(SubjectError) as no_number:
        reveal_citizen_id(org, purpose="核查")
    assert no_number.value.reason == "reveal.none"
    assert counts() == before


def test_display_is_masked_for_persons_only() -> None:
    person = link_ids("欧阳修文", citizen_id=citizen_id(7)).subject
    org = link_ids("天津某某有限公司", uscc=uscc(7)).subject
    assert person is not None and org is not None
    assert display_name(person) == "欧阳**"
    assert masked_id(person) == citizen_id(7)[:6] + "*" * 8 + citizen_id(7)[-4:]
    assert display_name(org) == "天津某某有限公司" and masked_id(org) == ""


def test_person_rename_is_audited_masked() -> None:
    subject = link_ids("张三", citizen_id=citizen_id(8)).subject
    assert subject is not None
    renamed = link_ids("张三丰", citizen_id=citizen_id(8))
    assert renamed.renamed
    entry = audit.entries_for("subject", subject.public_id)[-1]
    assert entry.action == "subject.rename"
    assert entry.before == {"name": "张*"}
    assert entry.after == {"name": "张**", "source": "test"}


def test_tax_number_built_on_an_id_is_kept_only_as_a_hash() -> None:
    number = citizen_id(9)
    tax_number = number + "01"
    result = link_ids("某某小吃店", business_reg="120101000000012", tax_reg=tax_number)
    assert result.subject is not None
    rows = dict(result.subject.identifiers.values_list("scheme", "masked"))
    assert rows[Scheme.TAX_REG_HASH] == tax_number[:6] + "*" * 10 + tax_number[-4:]
    assert number not in _database_text()
    assert find_subject(tax_number) == result.subject
    assert find_subject(number) is None
