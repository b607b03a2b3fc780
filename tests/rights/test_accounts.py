"""Subject accounts: sign-in with a one-time code, what the account shows, staff, access log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import (
    company,
    hrss,
    land,
    market,
    penalty,
    person,
    policy,
    var_dir,
    wage_arrears,
)
from tests.rights.helpers import signed_in_client
from xinyong.accounts.models import Organisation
from xinyong.records.models import Record
from xinyong.rights import services
from xinyong.rights.models import Challenge, MemberRole, SubjectMember
from xinyong.rights.services import AccountError
from xinyong.subjects.models import AccessKind, Subject
from xinyong.subjects.services.access import access_entry, record_access

__all__ = ["hrss", "market", "policy", "var_dir"]  # fixtures used by name


@pytest.fixture
def landed(market: Organisation, hrss: Organisation) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕11号", company(1))])
    land(market, "XZCF", [penalty("津市监罚〔2026〕12号", company(2))])
    land(hrss, "TQNMGGZ", [wage_arrears("津人社处〔2026〕9号", company(1), hrss)])
    land(market, "XZCF", [penalty("津市监罚〔2026〕13号", person(3))])


def _code_of(challenge: Challenge) -> str:
    return services.shown_code(Challenge.objects.get(pk=challenge.pk))


def _sign_in(client: Client, kind: str, identifier: str, mobile: str = "") -> str:
    response = client.post(
        "/account/sign-in/", {"kind": kind, "identifier": identifier, "mobile": mobile}
    )
    assert response.status_code == 302, response.content.decode()[:400]
    challenge = Challenge.objects.latest("created_at")
    response = client.post(response["Location"], {"code": _code_of(challenge)})
    return response.content.decode() if response.status_code == 200 else response["Location"]


def test_an_enterprise_signs_in_with_a_code_and_sees_everything_held(
    client: Client, landed: None
) -> None:
    assert _sign_in(client, "organisation", uscc(1)) == "/account/"
    page = client.get("/account/").content.decode()
    assert "天津市公示测试1有限公司" in page
    # Public and non-public (政务共享) records alike; another company's never.
    assert "津市监罚〔2026〕11号" in page and "津人社处〔2026〕9号" in page
    assert "津市监罚〔2026〕12号" not in page
    member = SubjectMember.objects.get(subject__uscc=uscc(1))
    assert member.role == MemberRole.OWNER and member.last_signed_in_at is not None


def test_a_wrong_code_is_refused_and_the_code_is_spent_after_use(
    client: Client, landed: None
) -> None:
    challenge = services.start_sign_in("organisation", uscc(1))
    with pytest.raises(AccountError) as wrong:
        services.verify_sign_in(challenge.public_id, "not-it")
    assert wrong.value.code == "account.code_wrong"
    code = _code_of(challenge)
    assert services.verify_sign_in(challenge.public_id, code).member is not None
    with pytest.raises(AccountError) as spent:
        services.verify_sign_in(challenge.public_id, code)
    assert spent.value.code == "account.code_expired"


def test_codes_expire_and_attempts_are_limited(landed: None) -> None:
    challenge = services.start_sign_in("organisation", uscc(1))
    for _attempt in range(services.MAX_ATTEMPTS):
        with pytest.raises(AccountError):
            services.verify_sign_in(challenge.public_id, "000000x")
    with pytest.raises(AccountError) as blocked:
        services.verify_sign_in(challenge.public_id, _code_of(challenge))
    assert blocked.value.code == "account.code_expired"
    late = services.start_sign_in("organisation", uscc(1))
    Challenge.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(AccountError):
        services.verify_sign_in(late.public_id, _code_of(late))


def test_the_code_is_kept_only_as_a_keyed_hash_and_encrypted(landed: None) -> None:
    challenge = services.start_sign_in("organisation", uscc(1))
    code = _code_of(challenge)
    stored = Challenge.objects.filter(pk=challenge.pk).values()[0]
    assert all(code not in str(value) for value in stored.values())


def test_a_person_signs_in_by_id_number_and_one_with_nothing_held_gets_no_account(
    client: Client, landed: None
) -> None:
    page = client.post(
        "/account/sign-in/", {"kind": "person", "identifier": citizen_id(3, born="19850101")}
    )
    assert page.status_code == 302
    # No ID number in the address the browser is sent to.
    assert citizen_id(3, born="19850101") not in page["Location"]
    assert _sign_in(client, "person", citizen_id(3, born="19850101")) == "/account/"
    mine = client.get("/account/").content.decode()
    assert "津市监罚〔2026〕13号" in mine and citizen_id(3, born="19850101") not in mine
    stranger = Client()
    outcome = _sign_in(stranger, "person", citizen_id(99, born="19900101"))
    assert "平台暂未归集与您相关的信用信息" in outcome
    assert stranger.get("/account/").status_code == 302


def test_invalid_identifiers_are_refused_with_a_reason(client: Client, landed: None) -> None:
    response = client.post("/account/sign-in/", {"kind": "organisation", "identifier": "123"})
    assert response.status_code == 400 and "统一社会信用代码" in response.content.decode()
    assert not Challenge.objects.exists()


def test_too_many_codes_for_one_identity_are_refused(landed: None) -> None:
    for _n in range(services.MAX_CHALLENGES):
        services.start_sign_in("organisation", uscc(2))
    with pytest.raises(AccountError) as refused:
        services.start_sign_in("organisation", uscc(2))
    assert refused.value.code == "account.too_many_codes"


def test_a_subject_cannot_open_another_subjects_record(client: Client, landed: None) -> None:
    signed_in_client(client, Subject.objects.get(uscc=uscc(1)))
    own = Record.objects.get(doc_no="津市监罚〔2026〕11号")
    other = Record.objects.get(doc_no="津市监罚〔2026〕12号")
    page = client.get(f"/account/records/{own.pk}/")
    assert page.status_code == 200 and "版本 1" in page.content.decode()
    assert client.get(f"/account/records/{other.pk}/").status_code == 404


def test_staff_are_added_sign_in_with_their_mobile_and_can_be_stopped(
    client: Client, landed: None
) -> None:
    subject = Subject.objects.get(uscc=uscc(1))
    owner = signed_in_client(client, subject)
    response = client.post("/account/members/", {"name": "王小明", "mobile": "13800138000"})
    assert response.status_code == 302
    staff = SubjectMember.objects.get(subject=subject, role=MemberRole.STAFF)
    assert "13800138000" not in str(SubjectMember.objects.filter(pk=staff.pk).values()[0])
    assert staff.mobile_masked == "138****8000" and staff.shown_name == "王**"
    colleague = Client()
    assert _sign_in(colleague, "organisation", uscc(1), "13800138000") == "/account/"
    assert "经办人" in colleague.get("/account/").content.decode()
    # Staff may not manage staff.
    assert colleague.get("/account/members/").status_code == 403
    services.deactivate_staff(owner, staff.public_id)
    assert colleague.get("/account/").status_code == 302
    # A number the enterprise never registered gets no code that works.
    challenge = services.start_sign_in("organisation", uscc(1), mobile="13900000000")
    assert challenge.shown_code_encrypted == ""


def test_the_access_log_is_shown_and_downloadable(client: Client, landed: None) -> None:
    subject = Subject.objects.get(uscc=uscc(1))
    bank = Organisation.objects.filter(kind="department").first()
    assert bank is not None
    record_access(
        access_entry(
            subject.pk,
            kind=AccessKind.SHARED_READ,
            organisation_id=bank.pk,
            purpose="行政许可审查",
            legal_basis="政务共享",
            reference="REF-1",
        )
    )
    signed_in_client(client, subject)
    page = client.get("/account/access/").content.decode()
    assert "行政许可审查" in page and bank.name in page
    response = client.get("/account/access.csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "时间" and rows[1][2] == bank.name and rows[1][5] == "REF-1"


def test_notifications_reach_the_account(client: Client, landed: None) -> None:
    subject = Subject.objects.get(uscc=uscc(1))
    services.notify(subject, title="异议已受理", body="请留意答复期限。")
    signed_in_client(client, subject)
    assert "异议已受理" in client.get("/account/").content.decode()


def test_the_credit_office_reads_out_demo_codes(client: Client, landed: None) -> None:
    from xinyong.accounts.models import User

    office = Organisation.objects.get(kind="credit_office")
    operator = User.objects.create_user("operator1", password="x", organisation=office)
    clerk = User.objects.create_user(
        "clerk1", password="x", organisation=Organisation.objects.filter(kind="department").first()
    )
    challenge = services.start_sign_in("organisation", uscc(1))
    client.force_login(clerk)
    assert client.get("/office/sign-in-codes/").status_code == 403
    client.force_login(operator)
    page = client.get("/office/sign-in-codes/").content.decode()
    assert _code_of(challenge) in page and "天津市公示测试1有限公司" in page
