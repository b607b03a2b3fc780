"""Instances built from written-out rows equal the ORM's own, value for value, on either
database (dates, JSON and booleans go through the same converters)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from tests.accounts.conftest import org
from tests.subjects.codes import citizen_id, uscc
from tests.subjects.helpers import link_ids
from xinyong.accounts.models import ApiToken
from xinyong.accounts.services import create_token
from xinyong.core import rows
from xinyong.subjects.models import Subject
from xinyong.subjects.services import find_subject

pytestmark = pytest.mark.django_db


def _values(instance: Model) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def _built(model: type[Model], pk: int) -> Model:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.select_list(model, 't')}, 'extra' FROM {table} t WHERE t.id = %s",
            [pk],
        )
        row = cursor.fetchone()
    return rows.instance(model, row)


@pytest.mark.parametrize("model", [Subject, ApiToken])
def test_a_row_becomes_the_instance_the_orm_reads(model: type[Model]) -> None:
    company = link_ids(uscc=uscc(7)).subject
    person = link_ids("张三", citizen_id=citizen_id(8)).subject
    assert company is not None and person is not None
    issued = create_token(organisation=org(2), scopes=["lists:check", "records:read"])
    ids = [company.pk, person.pk] if model is Subject else [issued.token.pk]
    for pk in ids:
        built = _built(model, pk)
        expected = model._default_manager.get(pk=pk)
        assert _values(built) == _values(expected)
        assert built.pk == pk and not built._state.adding
    if model is ApiToken:
        token = _built(ApiToken, issued.token.pk)
        assert isinstance(token, ApiToken)
        assert token.scopes == ["lists:check", "records:read"]
        assert token.created_at.tzinfo is not None


def test_a_hot_statement_is_logged_and_on_postgresql_prepared() -> None:
    """A subject lookup run again and again: Django's query log sees every run, and
    PostgreSQL holds the statement prepared on the connection (planned once)."""
    company = link_ids(uscc=uscc(7)).subject
    assert company is not None
    with CaptureQueriesContext(connection) as queries:
        for _ in range(6):
            found = find_subject(uscc(7))
            assert found is not None and found.pk == company.pk
    assert len(queries) == 6
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%subjects_subjectidentifier%"],
            )
            assert cursor.fetchone()[0] == 1


def test_the_kept_cursor_is_lent_again_but_never_to_two_users_at_once() -> None:
    """Statements in turn share one cursor; a nested statement gets its own, so the outer
    one's rows are intact; a cursor that met an error is not lent again. On SQLite each
    use is Django's ordinary cursor, and the same holds of what the statements read."""
    with rows.prepared_cursor() as first:
        first.execute("SELECT 1")
        assert first.fetchone() == (1,)
        used = first.cursor
    with rows.prepared_cursor() as outer:
        outer.execute("SELECT 2 UNION ALL SELECT 3")
        with rows.prepared_cursor() as inner:
            inner.execute("SELECT 4")
            assert inner.fetchone() == (4,)
            nested = inner.cursor
        assert outer.fetchall() == [(2,), (3,)]
        again = outer.cursor
    if connection.vendor == "postgresql":
        assert again is used and nested is not used
    with pytest.raises(DatabaseError), transaction.atomic(), rows.prepared_cursor() as failing:
        broken = failing.cursor
        failing.execute("SELECT no_such_column FROM accounts_apitoken")
    with rows.prepared_cursor() as after:
        after.execute("SELECT 5")
        assert after.fetchone() == (5,)
        assert after.cursor is not broken


@pytest.mark.django_db(transaction=True)
def test_the_kept_cursor_follows_a_reconnection() -> None:
    """A kept cursor belongs to one connection: after Django replaces the connection (a
    request's end past CONN_MAX_AGE, a lost server), statements get a cursor on the new one
    that reads times as Django's own cursors do."""
    moment = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    with rows.prepared_cursor() as cursor:
        cursor.execute("SELECT 1")
        before = cursor.cursor
    connection.close()
    with rows.prepared_cursor() as cursor:
        cursor.execute("SELECT %s", [moment])
        value = cursor.fetchone()[0]
        assert cursor.cursor is not before
    if connection.vendor == "postgresql":
        with connection.cursor() as ordinary:
            ordinary.execute("SELECT %s", [moment])
            assert value == moment and value.tzinfo == ordinary.fetchone()[0].tzinfo


def test_select_in_finds_every_value_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each value is found once, whether PostgreSQL takes them as one array or SQLite in
    several IN lists (the chunk made small so that three are needed), with the parameters
    before the list kept in place; no values, no query."""
    monkeypatch.setattr(rows, "IN_CHUNK", 2)
    subjects = [link_ids(uscc=uscc(n)).subject for n in (11, 12, 13, 14, 15)]
    ids = [s.pk for s in subjects if s is not None]
    sql = "SELECT id, kind FROM subjects_subject WHERE kind = %s AND id {in}"
    found = rows.select_in(sql, [*ids, -1], ["legal_person"])
    assert sorted(found) == sorted((pk, "legal_person") for pk in ids)
    assert rows.select_in(sql, ids, ["natural_person"]) == []
    with CaptureQueriesContext(connection) as queries:
        assert rows.select_in(sql, [], ["legal_person"]) == []
    assert len(queries) == 0


def test_a_converter_reads_a_value_as_the_orm_does() -> None:
    """A time read by a written-out query is the aware datetime the ORM gives (SQLite
    returns it naive)."""
    company = link_ids(uscc=uscc(16)).subject
    assert company is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT created_at FROM subjects_subject WHERE id = %s", [company.pk])
        stored = cursor.fetchone()[0]
    read = rows.converter(Subject, "created_at")(stored)
    assert read == Subject.objects.get(pk=company.pk).created_at
    assert read.tzinfo is not None
