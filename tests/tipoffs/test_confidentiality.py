"""The informant's contact details are readable by the handling department only: not by the
credit office, not by another department, not by an admin — in the database (ciphertext
only), on every page, in the audit log and in the logs. The handling department reads them
through an explicit, audited reveal."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection
from django.test import Client

from tests.tipoffs.conftest import CONTACT, Staff, file_with_contact, report, staff_client
from xinyong.accounts.models import User
from xinyong.core.models import AuditEntry
from xinyong.tipoffs.models import TipOff
from xinyong.tipoffs.services import file_tipoff, route

pytestmark = pytest.mark.django_db

SECRETS = tuple(CONTACT.values())


def _shows_contact(text: str) -> bool:
    return any(value in text for value in SECRETS)


def _pages(client: Client, tipoff: TipOff) -> str:
    """What `client` gets from every page that shows the tip-off, and from trying to reveal."""
    base = f"/office/tipoffs/{tipoff.public_id}/"
    responses = [
        client.get("/office/tipoffs/"),
        client.get(base),
        client.get("/office/tipoffs/statistics/"),
        client.post(base + "reveal/", follow=True),
    ]
    return "\n".join(r.content.decode() for r in responses)


def _table_dump() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tipoffs_tipoff")
        return json.dumps(cursor.fetchall(), ensure_ascii=False, default=str)


def test_only_the_handling_department_reads_the_contact_details(
    staff: Staff, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tipoff = route(staff.credit, file_with_contact().tipoff, staff.market_org, "请核查")
    person = file_tipoff(report(reported_kind="person", reported_name="钱多多", reported_code=""))
    route(staff.credit, person.tipoff, staff.market_org, "请核查")

    # The database holds ciphertext only.
    stored = _table_dump()
    assert not _shows_contact(stored) and "钱多多" not in stored
    assert tipoff.contact_encrypted and not _shows_contact(tipoff.contact_encrypted)

    # The credit office, another department and the department's auditor see no contact.
    for viewer in (staff.credit, staff.credit_auditor, staff.tax, staff.market_auditor):
        pages = _pages(staff_client(viewer), tipoff) + _pages(staff_client(viewer), person.tipoff)
        assert not _shows_contact(pages) and "钱多多" not in pages, viewer.label
    assert (
        "实名：联系方式加密保存，仅承办部门可以查看"
        in staff_client(staff.credit).get(f"/office/tipoffs/{tipoff.public_id}/").content.decode()
    )
    assert staff_client(staff.tax).get(f"/office/tipoffs/{tipoff.public_id}/").status_code == 404
    assert not AuditEntry.objects.filter(action="tipoff.reveal").exists()

    # Nor does a superuser in the admin, in the list or on the object's page.
    root = Client()
    root.force_login(User.objects.create_superuser("root", password="pw-unused-anywhere-1"))
    admin_pages = "".join(
        root.get(path).content.decode()
        for path in (
            "/admin/tipoffs/tipoff/",
            f"/admin/tipoffs/tipoff/{tipoff.pk}/change/",
            f"/admin/tipoffs/tipoff/{person.tipoff.pk}/change/",
        )
    )
    assert "JB" in admin_pages and not _shows_contact(admin_pages) and "钱多多" not in admin_pages

    # The handling department does, by an explicit reveal, which is audited.
    handler = staff_client(staff.market)
    detail = handler.get(f"/office/tipoffs/{tipoff.public_id}/").content.decode()
    assert not _shows_contact(detail) and "查看举报人联系方式" in detail
    revealed = handler.post(f"/office/tipoffs/{tipoff.public_id}/reveal/")
    shown = revealed.content.decode()
    assert all(value in shown for value in SECRETS)
    assert "no-store" in revealed["Cache-Control"]
    named = handler.post(f"/office/tipoffs/{person.tipoff.public_id}/reveal/").content.decode()
    assert "钱多多" in named
    reads = AuditEntry.objects.filter(action="tipoff.reveal")
    assert {e.object_id for e in reads} == {tipoff.public_id, person.tipoff.public_id}
    assert {e.actor_label for e in reads} == {"market_reviewer"}

    # Neither the audit log nor any log line holds the details.
    log = json.dumps(
        list(AuditEntry.objects.values_list("before", "after", "purpose", "object_id")),
        ensure_ascii=False,
    )
    assert not _shows_contact(log) and "钱多多" not in log
    assert not _shows_contact(caplog.text) and "钱多多" not in caplog.text


def test_an_anonymous_tipoff_has_nothing_to_reveal(staff: Staff) -> None:
    tipoff = route(staff.credit, file_tipoff(report()).tipoff, staff.market_org, "请核查")
    page = staff_client(staff.market).post(f"/office/tipoffs/{tipoff.public_id}/reveal/")
    assert "匿名举报，没有联系方式" in page.content.decode()
