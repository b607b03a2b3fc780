"""Instances built from written-out rows equal the ORM's own, value for value, on either
database (dates, JSON and booleans go through the same converters)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Model

from tests.accounts.conftest import org
from tests.subjects.codes import citizen_id, uscc
from tests.subjects.helpers import link_ids
from xinyong.accounts.models import ApiToken
from xinyong.accounts.services import create_token
from xinyong.core import rows
from xinyong.subjects.models import Subject

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
