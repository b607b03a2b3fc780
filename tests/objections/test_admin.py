"""Objections in the Django admin: read-only lists and pages, in both languages."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.objections.conftest import owner, pdf_upload
from xinyong.accounts.models import User
from xinyong.objections.services import file_objection
from xinyong.records.models import Record

pytestmark = pytest.mark.django_db


def test_the_admin_shows_objections_read_only(client: Client, penalty_record: Record) -> None:
    objection = file_objection(
        owner(penalty_record.subject), penalty_record, "content", "理由", [pdf_upload()]
    )
    client.force_login(User.objects.create_superuser("root", password="pw-unused-anywhere-1"))
    for prefix in ("", "/en"):
        for model in ("objection", "objectionattachment"):
            page = client.get(f"{prefix}/admin/objections/{model}/")
            assert page.status_code == 200 and objection.number in page.content.decode()
    detail = client.get(f"/admin/objections/objection/{objection.pk}/change/")
    assert detail.status_code == 200 and objection.subject.public_id in detail.content.decode()
    assert client.get("/admin/objections/objection/add/").status_code == 403
