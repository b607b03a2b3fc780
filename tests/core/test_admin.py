"""Back office for core data: calendar upload and the allowlist go through the services."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xinyong.accounts.models import User
from xinyong.core import audit
from xinyong.core.models import AuditEntry, CalendarDay, CalendarYear, IrregularCode

pytestmark = pytest.mark.django_db

CALENDAR_FILES = Path(__file__).parent.parent / "calendar" / "files"
BAD_CHECK = "91120116724472468X"


@pytest.fixture
def admin_client() -> Client:
    user = User.objects.create_superuser("root", password="pw-not-used-elsewhere-1")
    client = Client()
    client.force_login(user)
    return client


def test_calendar_upload_loads_a_year(admin_client: Client) -> None:
    content = (CALENDAR_FILES / "2027.yaml").read_bytes()
    response = admin_client.post(
        "/admin/core/calendaryear/upload/",
        {"file": SimpleUploadedFile("2027.yaml", content, "application/yaml")},
    )
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    assert AuditEntry.objects.filter(action="calendar.load").exists()


def test_bad_calendar_file_is_refused_with_reasons(admin_client: Client) -> None:
    before = CalendarDay.objects.count()
    content = (CALENDAR_FILES / "bad.yaml").read_bytes()
    response = admin_client.post(
        "/admin/core/calendaryear/upload/",
        {"file": SimpleUploadedFile("bad.yaml", content, "application/yaml")},
    )
    assert response.status_code == 200
    assert "bad.yaml" in response.content.decode()
    assert CalendarDay.objects.count() == before


def test_allowlist_admin_admits_and_refuses(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/core/irregularcode/add/", {"code": BAD_CHECK, "reason": "历史遗留"}
    )
    assert response.status_code == 302
    assert IrregularCode.objects.filter(code=BAD_CHECK).exists()
    assert AuditEntry.objects.filter(action="allowlist.admit").count() == 1
    response = admin_client.post(
        "/admin/core/irregularcode/add/", {"code": "91120116724472468Y", "reason": "x"}
    )
    assert response.status_code == 200 and "无需" in response.content.decode()
    entry = IrregularCode.objects.get()
    response = admin_client.post(f"/admin/core/irregularcode/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not IrregularCode.objects.exists()
    assert AuditEntry.objects.filter(action="allowlist.withdraw").count() == 1


def test_audit_log_is_listed_and_read_only(admin_client: Client) -> None:
    entry = audit.record("thing.change", "thing", "42")
    assert "thing.change" in admin_client.get("/admin/core/auditentry/").content.decode()
    change_url = f"/admin/core/auditentry/{entry.pk}/change/"
    assert admin_client.get(change_url).status_code == 200
    admin_client.post(change_url, {"action": "forged"})
    assert AuditEntry.objects.get(pk=entry.pk).action == "thing.change"
    assert audit.verify() == (1, None)
