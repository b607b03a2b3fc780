"""Commitments in the Django admin: read-only lists and pages, in both languages."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.commitments.conftest import Staff, sign
from xinyong.accounts.models import User
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db


def test_the_admin_shows_commitments_read_only(client: Client, staff: Staff, firm: Subject) -> None:
    commitment = sign(firm, staff.market_org)
    client.force_login(User.objects.create_superuser("root", password="pw-unused-anywhere-1"))
    for prefix in ("", "/en"):
        page = client.get(f"{prefix}/admin/commitments/commitment/")
        assert page.status_code == 200 and commitment.number in page.content.decode()
    detail = client.get(f"/admin/commitments/commitment/{commitment.pk}/change/")
    assert detail.status_code == 200 and firm.public_id in detail.content.decode()
    assert "在线签署" in detail.content.decode()  # the event inline
    assert client.get("/admin/commitments/commitment/add/").status_code == 403
