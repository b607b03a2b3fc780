"""The back office shows entries, their history and the list policy, as each viewer may see."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.lists.conftest import Staff, company, decision, notice
from xinyong.accounts.models import Organisation, User
from xinyong.accounts.permissions import viewer_for_user
from xinyong.accounts.services import create_staff_user
from xinyong.catalog.models import ListType, Measure
from xinyong.lists.services import decide, entries_visible_to, notify

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_entries_and_their_steps_are_shown_to_the_deciding_department_only(staff: Staff) -> None:
    entry = notify(
        staff.market, subject=company(1), list_type="market_serious_illegal", notice=notice()
    )
    decide(staff.market, entry, decision())
    url = f"/admin/lists/listentry/{entry.pk}/change/"
    market_auditor = create_staff_user(
        organisation=staff.market_org, username="m_audit", roles=["auditor"], is_staff=True
    )
    page = _client(market_auditor).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "津市监列〔2026〕1号" in text and "告知" in text and "列入决定" in text

    tax = Organisation.objects.get(sector="tax")
    outsider = create_staff_user(
        organisation=tax, username="t_op", roles=["operator"], is_staff=True
    )
    listing = _client(outsider).get("/admin/lists/listentry/")
    assert listing.status_code == 200 and entry.public_id[:8] not in listing.content.decode()
    hidden = _client(outsider).get(url)  # not in its rows: "does not exist", back to the index
    assert (hidden.status_code, hidden["Location"]) == (302, "/admin/")
    own = _client(market_auditor).get("/admin/lists/listentry/")
    assert entry.public_id[:8] in own.content.decode()
    assert [e.pk for e in entries_visible_to(viewer_for_user(market_auditor))] == [entry.pk]
    assert not entries_visible_to(viewer_for_user(outsider)).exists()


def test_list_policy_pages_show_definition_and_history(staff: Staff) -> None:
    root = User.objects.create_superuser("root", password=None)
    client = _client(root)
    list_type = ListType.objects.get(code="court_dishonest_debtor")
    page = client.get(f"/admin/catalog/listtype/{list_type.pk}/change/")
    assert page.status_code == 200 and "法释〔2017〕7号" in page.content.decode()
    measure = Measure.objects.get(code="C10")
    page = client.get(f"/admin/catalog/measure/{measure.pk}/change/")
    assert page.status_code == 200 and "第一百七十八条" in page.content.decode()
    assert client.get("/admin/catalog/scenario/").status_code == 200
