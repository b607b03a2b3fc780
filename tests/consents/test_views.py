"""The consent pages: the subject's list, grant form and revocation in its account; the
grants a bank's staff see in the back office (their own only); the credit office's
statistics; everyone else refused."""

from __future__ import annotations

from django.test import Client

from tests.consents.conftest import AUTHORISED_ITEM, Grantee, in_days, owner
from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, penalty
from tests.rights.helpers import signed_in_client
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.consents.models import Consent
from xinyong.consents.services import authorised_view, grant, revoke
from xinyong.core.models import AuditEntry
from xinyong.subjects.models import Subject

LIST = "/account/consents/"
NEW = "/account/consents/new/"
OFFICE = "/office/consents/"


def _staff(client: Client, organisation: Organisation, name: str, role: str) -> Client:
    client.force_login(create_staff_user(organisation=organisation, username=name, roles=[role]))
    return client


def test_the_account_pages_need_a_signed_in_subject(db: None, client: Client) -> None:
    for path in (LIST, NEW):
        response = client.get(path)
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_the_list_shows_each_grant_with_its_state_and_the_key_for_the_api(
    firm: Subject, consent: Consent, bank: Grantee, client: Client
) -> None:
    signed_in_client(client, firm)
    page = client.get(LIST).content.decode()
    assert consent.number in page and bank.organisation.name in page
    assert "拖欠农民工工资" in page and "行政处罚" in page and "有效" in page
    assert uscc(1) in page  # how the bank names the company in the API
    assert f"/account/consents/{consent.public_id}/revoke/" in page


def test_a_subject_grants_from_the_form(firm: Subject, bank: Grantee, client: Client) -> None:
    signed_in_client(client, firm)
    form = client.get(NEW).content.decode()
    assert bank.organisation.name in form and f'value="{AUTHORISED_ITEM}"' in form
    assert 'value="SHBXQJ"' not in form  # 政务共享 items are never offered
    response = client.post(
        NEW,
        {
            "organisation": bank.organisation.uscc,
            "items": ["XZXK", AUTHORISED_ITEM],
            "purpose": "申请流动资金贷款",
            "valid_until": in_days(45).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == LIST
    consent = Consent.objects.get()
    assert consent.item_codes == ["XZXK", AUTHORISED_ITEM] and consent.valid_until == in_days(45)
    assert consent.granted_by == owner(firm)
    assert consent.number in client.get(LIST).content.decode()


def test_a_bad_grant_is_shown_and_changes_nothing(
    firm: Subject, bank: Grantee, client: Client
) -> None:
    signed_in_client(client, firm)
    before = AuditEntry.objects.count()
    too_long = {
        "organisation": bank.organisation.uscc,
        "items": ["XZCF"],
        "purpose": "贷款",
        "valid_until": in_days(800).isoformat(),
    }
    response = client.post(NEW, too_long)
    assert response.status_code == 400 and "授权期限最长一年" in response.content.decode()
    response = client.post(NEW, {**too_long, "valid_until": in_days(9).isoformat(), "items": []})
    assert response.status_code == 400
    response = client.post(NEW, {**too_long, "valid_until": in_days(9).isoformat(),
                                 "organisation": uscc(999)})  # fmt: skip
    assert response.status_code == 400
    assert not Consent.objects.exists() and AuditEntry.objects.count() == before


def test_a_subject_revokes_at_once_and_only_its_own(
    firm: Subject, consent: Consent, client: Client
) -> None:
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    land(market, "XZCF", [penalty("津市监罚〔2026〕798号", company(2))])
    stranger = Client()
    signed_in_client(stranger, Subject.objects.get(uscc=uscc(2)))
    response = stranger.post(f"/account/consents/{consent.public_id}/revoke/", follow=True)
    assert "没有这项授权" in response.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is None

    signed_in_client(client, firm)
    response = client.post(f"/account/consents/{consent.public_id}/revoke/", follow=True)
    assert "即时生效" in response.content.decode() and "已撤回" in response.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert client.get(f"/account/consents/{consent.public_id}/revoke/").status_code == 405


def test_bank_staff_see_the_grants_to_their_bank_only(
    firm: Subject, consent: Consent, bank: Grantee, other_bank: Grantee, client: Client
) -> None:
    theirs = grant(owner(firm), organisation=other_bank.organisation, item_codes=["XZXK"],
                   purpose="另一家银行的授信", valid_until=in_days(3))  # fmt: skip
    page = _staff(client, bank.organisation, "bank_clerk", "operator").get(OFFICE)
    text = page.content.decode()
    assert page.status_code == 200
    assert consent.number in text and "天津市授权测试有限公司" in text and uscc(1) in text
    assert theirs.number not in text and "另一家银行的授信" not in text
    assert "/office/consents/" in client.get("/office/submissions/").content.decode()  # nav
    revoke(owner(firm), consent.public_id)
    active = client.get(OFFICE, {"state": "active"}).content.decode()
    assert consent.number not in active
    assert consent.number in client.get(OFFICE, {"state": "revoked"}).content.decode()


def test_the_credit_office_sees_grants_and_reads_by_organisation(
    firm: Subject, consent: Consent, bank: Grantee, other_bank: Grantee, client: Client
) -> None:
    second = grant(owner(firm), organisation=other_bank.organisation, item_codes=["XZXK"],
                   purpose="授信", valid_until=in_days(3))  # fmt: skip
    revoke(owner(firm), second.public_id)
    authorised_view(consent, purpose="审查")
    authorised_view(consent, purpose="复查")
    credit = Organisation.objects.filter(kind="credit_office").order_by("pk")[0]
    page = _staff(client, credit, "credit_operator", "operator").get(OFFICE)
    assert page.status_code == 200
    rows = {
        row.organisation: (row.granted, row.active, row.revoked, row.reads)
        for row in page.context["rows"]
    }
    assert rows == {
        bank.organisation.name: (1, 1, 0, 2),
        other_bank.organisation.name: (1, 0, 1, 0),
    }
    assert page.context["total"].reads == 2


def test_other_staff_are_refused(firm: Subject, consent: Consent, client: Client) -> None:
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    response = _staff(client, market, "market_clerk", "reviewer").get(OFFICE)
    assert response.status_code == 403 and consent.number not in response.content.decode()
    assert client.get("/office/submissions/").content.decode().count("/office/consents/") == 0
