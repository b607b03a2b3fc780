"""Industry section and enterprise size: set from registration data, audited, never on a
natural person; empty until known, also for subjects inserted by raw bulk statements."""

from __future__ import annotations

import pytest
from django.db import connection

from xinyong.core.models import AuditEntry
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.services import Classification, classify

from .codes import citizen_id, uscc
from .helpers import counts, link_ids

pytestmark = pytest.mark.django_db


def test_a_new_subject_has_neither() -> None:
    subject = link_ids(uscc=uscc(1)).subject
    assert subject is not None
    subject.refresh_from_db()
    assert (subject.industry, subject.size) == ("", "")


def test_classify_sets_audits_and_skips_what_is_already_so() -> None:
    first = link_ids(uscc=uscc(1)).subject
    second = link_ids("天津市另一有限公司", uscc=uscc(2)).subject
    assert first is not None and second is not None
    wanted = {first.pk: Classification("C", "small"), second.pk: Classification("F", "micro")}
    assert classify(wanted, source="test:register") == 2
    first.refresh_from_db()
    assert (first.industry, first.size) == ("C", "small")
    assert first.get_industry_display() == "制造业" and first.get_size_display() == "小型"
    entry = AuditEntry.objects.filter(action="subject.classify", object_id=first.public_id).get()
    assert entry.before == {"industry": "", "size": ""}
    assert entry.after == {"industry": "C", "size": "small", "source": "test:register"}
    before = counts()
    assert classify(wanted, source="test:register") == 0
    assert counts() == before


def test_a_natural_person_is_never_classified() -> None:
    person = link_ids("李四", citizen_id=citizen_id(7), kind=SubjectKind.NATURAL_PERSON).subject
    company = link_ids(uscc=uscc(1)).subject
    assert person is not None and company is not None
    before = counts()
    with pytest.raises(ValueError, match="natural persons"):
        classify(
            {company.pk: Classification("C", "small"), person.pk: Classification("", "micro")},
            source="test",
        )
    assert counts() == before
    assert classify({person.pk: Classification()}, source="test") == 0


@pytest.mark.parametrize(("industry", "size"), [("Z", ""), ("c", ""), ("", "tiny")])
def test_unknown_values_are_refused(industry: str, size: str) -> None:
    with pytest.raises(ValueError, match="unknown"):
        Classification(industry, size)


def test_raw_inserts_get_the_database_default() -> None:
    """Bulk loaders (bench, COPY) name only the columns they know."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO subjects_subject (public_id, kind, name, status, uscc, "
            "citizen_id_encrypted, citizen_id_hash, citizen_id_masked, created_at, updated_at) "
            "VALUES ('raw', 'legal_person', '原始插入有限公司', 'active', '', '', '', '', "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    assert Subject.objects.filter(public_id="raw").values_list("industry", "size").get() == ("", "")
