"""The repair pages with the Django test client: the subject applies in its account and
downloads its documents; the credit office forwards; the department accepts and decides;
nobody reaches another subject's or another department's application."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.records.test_public_fixtures import days_ago
from tests.repairs.conftest import Office, land_penalty, member_of, proof
from tests.rights.helpers import signed_in_client
from xinyong.accounts.models import Organisation, User
from xinyong.accounts.services import create_staff_user
from xinyong.records.models import Record
from xinyong.records.public import public_records
from xinyong.repairs import services
from xinyong.repairs.models import RepairApplication, RepairState

pytestmark = pytest.mark.django_db


def staff_client(organisation: Organisation, username: str, role: str = "operator") -> Client:
    user: User = create_staff_user(organisation=organisation, username=username, roles=[role])
    client = Client()
    client.force_login(user)
    return client


def credit_office() -> Organisation:
    return Organisation.objects.filter(kind="credit_office").order_by("pk")[0]


def apply_in_browser(client: Client, record: Record, **changes: object) -> object:
    data: dict[str, object] = {
        "performance": "已缴清罚款并完成整改",
        "signer_name": "张三",
        "signed": "on",
        "proof": [proof()],
    }
    data.update(changes)
    return client.post(f"/account/repairs/apply/{record.pk}/", data)


def test_the_repair_pages_ask_a_subject_to_sign_in(client: Client, fined: Record) -> None:
    response = client.get("/account/repairs/")
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_a_subject_applies_and_follows_its_application(client: Client, fined: Record) -> None:
    signed_in_client(client, fined.subject)
    page = client.get("/account/repairs/")
    assert page.status_code == 200
    body = page.content.decode()
    assert fined.doc_no in body and f"/account/repairs/apply/{fined.pk}/" in body
    assert f"/account/repairs/notices/{fined.pk}.pdf" in body

    form = client.get(f"/account/repairs/apply/{fined.pk}/")
    assert "信用修复承诺书" in form.content.decode() and fined.subject.name in form.content.decode()
    unsigned = apply_in_browser(client, fined, signed="")
    assert unsigned.status_code == 400  # type: ignore[attr-defined]
    assert "请阅读信用修复承诺书并勾选签署" in unsigned.content.decode()  # type: ignore[attr-defined]
    assert not RepairApplication.objects.exists()

    done = apply_in_browser(client, fined)
    application = RepairApplication.objects.get()
    assert done.status_code == 302  # type: ignore[attr-defined]
    assert done["Location"] == f"/account/repairs/{application.public_id}/"  # type: ignore[index]
    detail = client.get(done["Location"]).content.decode()  # type: ignore[index]
    assert "已提交，待信用办核对" in detail and application.commitment_sha256 in detail
    attachment = application.attachments.get()
    file = client.get(f"/account/repairs/{application.public_id}/attachments/{attachment.pk}/")
    assert file.status_code == 200 and file.content.startswith(b"%PDF")
    assert "attachment" in file["Content-Disposition"]


def test_a_subject_reaches_only_its_own_records_and_applications(
    client: Client, office: Office, fined: Record
) -> None:
    signed_in_client(client, fined.subject)
    apply_in_browser(client, fined)
    application = RepairApplication.objects.get()
    other = land_penalty(office.market_org, 51, decided=days_ago(120))
    stranger = Client()
    signed_in_client(stranger, other.subject)
    for url in (
        f"/account/repairs/apply/{fined.pk}/",
        f"/account/repairs/notices/{fined.pk}.pdf",
        f"/account/repairs/{application.public_id}/",
        f"/account/repairs/{application.public_id}/decision.pdf",
    ):
        assert stranger.get(url).status_code == 404, url
    assert apply_in_browser(stranger, fined).status_code == 404  # type: ignore[attr-defined]


def test_the_notice_downloads_as_a_pdf_naming_the_subject(client: Client, fined: Record) -> None:
    signed_in_client(client, fined.subject)
    response = client.get(f"/account/repairs/notices/{fined.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert fined.subject.name in text and fined.doc_no in text


def test_the_office_forwards_accepts_and_approves(
    client: Client, office: Office, listed: Record
) -> None:
    signed_in_client(client, listed.subject)
    apply_in_browser(client, listed)
    application = RepairApplication.objects.get()
    credit = staff_client(credit_office(), "credit_page")
    market = staff_client(office.market_org, "market_page")
    tax = staff_client(Organisation.objects.filter(sector="tax")[0], "tax_page")

    queue = credit.get("/office/repairs/").content.decode()
    assert listed.subject.name in queue and "信用修复" in queue
    assert "forward" in credit.get(f"/office/repairs/{application.public_id}/").content.decode()
    assert market.get("/office/repairs/").status_code == 200
    # Another department finds nothing, and cannot take a step.
    assert tax.get(f"/office/repairs/{application.public_id}/").status_code == 404
    assert tax.post(f"/office/repairs/{application.public_id}/forward/", {}).status_code == 404

    # The department may not forward: shown the reason, nothing changes.
    refused = market.post(f"/office/repairs/{application.public_id}/forward/", {})
    assert refused.status_code == 400 and "只有信用办" in refused.content.decode()
    assert credit.post(f"/office/repairs/{application.public_id}/forward/", {}).status_code == 302
    assert market.post(f"/office/repairs/{application.public_id}/accept/", {}).status_code == 302
    decided = market.post(
        f"/office/repairs/{application.public_id}/approve/",
        {"approve-decision_no": "津市监信修〔2026〕5号", "approve-opinion": "已履行义务，整改到位"},
    )
    assert decided.status_code == 302
    application.refresh_from_db()
    assert application.state == RepairState.APPROVED
    assert not public_records().filter(pk=listed.pk).exists()

    # The subject downloads the decision; so does the department; the subject page of the
    # public no longer shows the record.
    pdf = client.get(f"/account/repairs/{application.public_id}/decision.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert listed.subject.name in text and "津市监信修〔2026〕5号" in text
    assert market.get(f"/office/repairs/{application.public_id}/decision.pdf").status_code == 200
    assert "下载" in client.get("/account/repairs/").content.decode()


def test_overdue_applications_are_highlighted_and_counted(
    client: Client, office: Office, fined: Record
) -> None:
    services.apply(
        member_of(fined.subject), fined.pk, performance="已缴清罚款", signer_name="张三",
        signed=True, files=[proof()], on=days_ago(25),
    )  # fmt: skip
    credit = staff_client(credit_office(), "credit_stats")
    queue = credit.get("/office/repairs/").content.decode()
    assert 'class="attention"' in queue and "已超期" in queue
    stats = credit.get("/office/repairs/statistics/")
    assert stats.status_code == 200
    body = stats.content.decode()
    assert office.market_org.name in body and 'class="attention"' in body


def test_the_admin_shows_applications_with_their_steps(client: Client, fined: Record) -> None:
    application = services.apply(
        member_of(fined.subject), fined.pk, performance="已缴清罚款", signer_name="张三",
        signed=True, files=[proof()],
    )  # fmt: skip
    client.force_login(User.objects.create_superuser("root", password="pw-unused-anywhere-1"))
    for prefix in ("", "/en"):
        assert client.get(f"{prefix}/admin/repairs/repairapplication/").status_code == 200
    page = client.get(f"/admin/repairs/repairapplication/{application.pk}/change/")
    assert page.status_code == 200 and "张*" in page.content.decode()
