"""`GET /api/v1/authorised/{key}`: a bank reads exactly what the subject granted, while the
grant lasts; every read lands in the subject's access log (page and CSV); every refusal has
its own code, writes nothing to that log and is audited."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.test import Client

from tests.api.conftest import problem
from tests.consents.conftest import (
    ARREARS_DOC,
    AUTHORISED_ITEM,
    PENALTY_DOC,
    SCOPE,
    Grantee,
    bearer,
    in_days,
    make_grantee,
    owner,
)
from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import land, penalty, person
from tests.rights.helpers import signed_in_client
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_token, update_organisation
from xinyong.consents.models import Consent
from xinyong.consents.services import grant, revoke
from xinyong.core import audit
from xinyong.core.models import AuditEntry
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess

URL = "/api/v1/authorised"


def _read(grantee: Grantee, key: str, **params: str) -> Any:
    return Client().get(f"{URL}/{key}", params, headers=bearer(grantee.token))


def _text(response: Any) -> str:
    """A JSON answer as text with its Chinese unescaped, to search it."""
    return json.dumps(response.json(), ensure_ascii=False)


def _refusals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="consent.read_refused").order_by("seq"))


def test_a_bank_reads_only_the_granted_items_and_the_read_is_logged(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    response = _read(bank, uscc(1), purpose="贷前审查", reference="DK-1")
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["consent"]["id"] == consent.public_id
    assert body["consent"]["items"] == ["XZCF", AUTHORISED_ITEM]
    assert body["consent"]["valid_until"] == in_days(30).isoformat()
    groups = {g["code"]: g for g in body["items"]}
    assert set(groups) == {"XZCF", AUTHORISED_ITEM}  # the licence (XZXK) was not granted
    assert [r["doc_no"] for r in groups[AUTHORISED_ITEM]["records"]] == [ARREARS_DOC]
    assert groups[AUTHORISED_ITEM]["disclosure"] == "authorised"
    assert [r["doc_no"] for r in groups["XZCF"]["records"]] == [PENALTY_DOC]
    assert body["subject"]["uscc"] == uscc(1) and body["records_total"] == 2
    assert citizen_id(1, born="19700101") not in _text(response)  # legal rep masked
    assert body["access"]["legal_basis"] == f"信用主体授权（授权书 {consent.number}）"
    [access] = SubjectAccess.objects.filter(subject=firm)
    assert (access.kind, access.purpose, access.reference) == ("authorised", "贷前审查", "DK-1")
    [read] = AuditEntry.objects.filter(action="consent.read")
    assert read.actor_label == f"token:{bank.token[:11]}" and read.organisation_id
    assert audit.verify()[1] is None


def test_an_authorised_record_is_visible_through_the_grant_and_not_publicly(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    public = Client().get(f"/api/v1/subjects/{uscc(1)}")
    assert public.status_code == 200
    assert AUTHORISED_ITEM not in {g["code"] for g in public.json()["items"]}
    assert ARREARS_DOC not in _text(public) and PENALTY_DOC in _text(public)
    assert ARREARS_DOC in _text(_read(bank, uscc(1)))


def test_without_a_purpose_the_consents_own_purpose_is_logged(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    assert _read(bank, firm.public_id).status_code == 200  # any subject by its public id
    assert SubjectAccess.objects.get(subject=firm).purpose == "流动资金贷款审查"


def test_revocation_takes_effect_on_the_next_request(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    assert _read(bank, uscc(1), purpose="审查").status_code == 200
    revoke(owner(firm), consent.public_id)
    problem(_read(bank, uscc(1), purpose="审查"), 403, "consent.revoked")
    assert SubjectAccess.objects.filter(subject=firm).count() == 1
    [refusal] = _refusals()
    assert refusal.after == {"code": "consent.revoked"} and refusal.object_id == firm.public_id
    assert refusal.organisation_id == bank.organisation.pk


def test_an_expired_grant_is_refused(firm: Subject, consent: Consent, bank: Grantee) -> None:
    # The grant of 30 days is now in its 31st day.
    Consent.objects.filter(pk=consent.pk).update(valid_from=in_days(-31), valid_until=in_days(-1))
    problem(_read(bank, uscc(1), purpose="审查"), 403, "consent.expired")
    assert not SubjectAccess.objects.exists()


def test_another_organisations_token_is_refused(
    firm: Subject, consent: Consent, other_bank: Grantee
) -> None:
    problem(_read(other_bank, uscc(1), purpose="审查"), 403, "consent.none")
    named = _read(other_bank, uscc(1), purpose="审查", consent=consent.public_id)
    problem(named, 403, "consent.none")
    assert not SubjectAccess.objects.exists() and len(_refusals()) == 2


def test_a_department_with_the_scope_is_refused(firm: Subject, consent: Consent) -> None:
    department = Organisation.objects.get(kind="department", sector="market_regulation")
    token = create_token(organisation=department, scopes=[SCOPE]).secret
    response = Client().get(f"{URL}/{uscc(1)}", headers=bearer(token))
    problem(response, 403, "consent.organisation_kind")
    assert not SubjectAccess.objects.exists()


def test_a_token_without_the_scope_is_refused_and_audited(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    token = create_token(organisation=bank.organisation, scopes=["subjects:read"]).secret
    response = Client().get(f"{URL}/{uscc(1)}", headers=bearer(token))
    problem(response, 403, "auth.missing_scope")
    assert not SubjectAccess.objects.exists()
    assert [e.after for e in _refusals()] == [{"code": "auth.missing_scope"}]
    problem(Client().get(f"{URL}/{uscc(1)}"), 401, "auth.missing_token")


def test_naming_an_item_outside_the_grant_is_refused(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    problem(_read(bank, uscc(1), items="XZCF,XZXK"), 403, "consent.item_not_granted")
    problem(_read(bank, uscc(1), items="XZCF;DROP"), 422, "items.invalid")
    assert not SubjectAccess.objects.exists()
    narrowed = _read(bank, uscc(1), items=AUTHORISED_ITEM)
    assert [g["code"] for g in narrowed.json()["items"]] == [AUTHORISED_ITEM]


def test_no_consent_unknown_subject_and_id_numbers_are_all_just_no_consent(
    firm: Subject, bank: Grantee
) -> None:
    problem(_read(bank, uscc(1)), 403, "consent.none")
    problem(_read(bank, uscc(404)), 403, "consent.none")
    number = citizen_id(5, born="19850101")
    problem(_read(bank, number), 403, "consent.none")
    assert all(number not in str(e.after) + e.object_id for e in AuditEntry.objects.all())


def test_a_deactivated_organisations_token_stops_at_once(
    firm: Subject, consent: Consent, bank: Grantee
) -> None:
    update_organisation(bank.organisation, is_active=False)
    problem(_read(bank, uscc(1)), 401, "auth.invalid_token")
    assert not SubjectAccess.objects.exists()


def test_a_person_is_read_by_public_id_with_values_masked(policy: None) -> None:
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    land(market, "XZCF", [penalty("津市监罚〔2026〕711号", person(7, "王小明"))])
    someone = Subject.objects.get(kind="natural_person")
    agency = make_grantee(905, "agency", "天津个人征信有限公司")
    grant(owner(someone), organisation=agency.organisation, item_codes=["XZCF"],
          purpose="个人信用报告", valid_until=in_days(7))  # fmt: skip
    response = _read(agency, someone.public_id, purpose="个人信用报告")
    assert response.status_code == 200, response.content.decode()
    text = _text(response)
    assert "王小明" not in text and "王**" in text
    assert citizen_id(7, born="19850101") not in text
    problem(_read(agency, citizen_id(7, born="19850101")), 403, "consent.none")


def test_the_subject_sees_every_read_on_its_page_and_in_its_csv(
    firm: Subject, consent: Consent, bank: Grantee, client: Client
) -> None:
    for n in range(2):
        assert _read(bank, uscc(1), purpose=f"贷前审查{n}", reference=f"DK-{n}").status_code == 200
    signed_in_client(client, firm)
    page = client.get("/account/access/").content.decode()
    assert page.count("授权查询") >= 2 and "贷前审查0" in page and "贷前审查1" in page
    assert f"授权书 {consent.number}" in page and bank.organisation.name in page
    response = client.get("/account/access.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    authorised = [row for row in rows[1:] if row[1] == "授权查询"]
    assert len(authorised) == 2
    assert {row[3] for row in authorised} == {"贷前审查0", "贷前审查1"}
    assert {row[5] for row in authorised} == {"DK-0", "DK-1"}
    assert SubjectAccess.objects.filter(kind=AccessKind.AUTHORISED).count() == 2


def test_the_route_is_documented_in_chinese(db: None, client: Client) -> None:
    spec = client.get("/api/openapi.json").json()
    route = spec["paths"]["/api/v1/authorised/{key}"]["get"]
    assert route["summary"] == "授权查询信用记录"
    assert "consent.revoked" in route["description"]
    names = {p["name"] for p in route["parameters"]}
    assert names == {"key", "purpose", "reference", "consent", "items"}
