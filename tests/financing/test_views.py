"""The financing pages: the subject's account (publish, follow, withdraw) and the back office
(a bank's queue, one request, the profile, the decision form, statistics), with who may see
what — another subject's or another bank's request is not found."""

from __future__ import annotations

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import reverse

from tests.financing.conftest import World, landed_company, publish, review
from tests.records.test_public_fixtures import market
from tests.rights.helpers import signed_in_client
from xinyong.accounts.models import Organisation, User
from xinyong.consents.models import Consent
from xinyong.financing import services
from xinyong.financing.models import FinancingRequest, RequestState, ReviewStatus
from xinyong.subjects.models import SubjectAccess

__all__ = ["market"]  # fixtures used by name


def _html(response: HttpResponseBase) -> str:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def _staff(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# -- the subject's account -----------------------------------------------------------------------


def test_a_subject_publishes_from_its_account(client: Client, world: World) -> None:
    signed_in_client(client, world.company)
    page = _html(client.get(reverse("financing:new")))
    assert "天津第一测试银行" in page and "行政处罚" in page
    assert "天津测试征信有限公司" not in page  # an agency is not a bank

    response = client.post(
        reverse("financing:new"),
        {
            "amount": "500",
            "term_months": "24",
            "purpose": "扩大生产",
            "banks": [world.first.organisation.pk, world.third.organisation.pk],
        },
    )

    request = FinancingRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("financing:detail", args=[request.public_id])
    detail = _html(client.get(response["Location"]))
    assert request.number in detail and "天津第三测试银行" in detail and "待受理" in detail
    assert request.number in _html(client.get(reverse("financing:list")))


def test_a_refused_request_is_shown_with_its_reason(client: Client, world: World) -> None:
    signed_in_client(client, world.company)

    page = _html(
        client.post(
            reverse("financing:new"),
            {"amount": "0.5", "term_months": "12", "purpose": "周转", "banks": []},
        )
    )

    assert "errorlist" in page
    page = _html(
        client.post(
            reverse("financing:new"),
            {
                "amount": "0.5",
                "term_months": "12",
                "purpose": "周转",
                "banks": [world.first.organisation.pk],
            },
        )
    )
    assert "融资金额（万元）应在 1 至 100000 之间" in page
    assert not FinancingRequest.objects.exists() and not Consent.objects.exists()


def test_a_subject_withdraws_and_sees_the_banks_decision(client: Client, world: World) -> None:
    request = publish(world.member, [world.first])
    services.decide(world.first.clerk, review(request, world.first), ReviewStatus.ACCEPTED)
    signed_in_client(client, world.company)
    detail = reverse("financing:detail", args=[request.public_id])
    assert "已受理" in _html(client.get(detail))

    response = client.post(reverse("financing:withdraw", args=[request.public_id]))

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN
    assert Consent.objects.get().revoked_at is not None
    assert "已撤回" in _html(client.get(detail))


def test_another_subjects_request_is_not_found(
    client: Client, world: World, market: Organisation
) -> None:
    request = publish(world.member, [world.first])
    signed_in_client(client, landed_company(market, 2, "津市监罚〔2026〕831号"))

    assert client.get(reverse("financing:detail", args=[request.public_id])).status_code == 404
    withdraw = client.post(reverse("financing:withdraw", args=[request.public_id]))
    assert withdraw.status_code == 404
    assert FinancingRequest.objects.get().state == RequestState.OPEN


def test_the_account_pages_need_a_signed_in_subject(client: Client, world: World) -> None:
    response = client.get(reverse("financing:list"))

    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


# -- the back office -----------------------------------------------------------------------------


def test_a_bank_reviews_and_reports_a_loan(world: World) -> None:
    request = publish(world.member, [world.first, world.second])
    bank = _staff("bank901_clerk")
    queue = _html(bank.get(reverse("office_financing:queue")))
    assert request.number in queue and "天津市公示测试1有限公司" in queue
    detail_url = reverse("office_financing:detail", args=[request.public_id])
    assert "查阅授权信用档案" in _html(bank.get(detail_url))

    profile = _html(bank.get(reverse("office_financing:profile", args=[request.public_id])))

    assert "津市监罚〔2026〕801号" in profile and "已记入该主体的查询记录" in profile
    assert SubjectAccess.objects.filter(subject=world.company).count() == 1
    decide = reverse("office_financing:decide", args=[request.public_id])
    assert bank.post(decide, {"status": "accepted"}).status_code == 302
    response = bank.post(
        decide,
        {
            "status": "granted",
            "loan_amount": "200",
            "loan_rate": "3.8",
            "loan_term_months": "12",
            "loan_date": request.published_on.isoformat(),
        },
    )
    assert response.status_code == 302
    assert review(request, world.first).status == ReviewStatus.GRANTED
    assert review(request, world.second).status == ReviewStatus.PENDING
    stats = _html(bank.get(reverse("office_financing:statistics")))
    assert "天津第一测试银行" in stats and "天津第二测试银行" not in stats


def test_a_refused_decision_is_shown_on_the_form(world: World) -> None:
    request = publish(world.member, [world.first])
    bank = _staff("bank901_clerk")
    decide = reverse("office_financing:decide", args=[request.public_id])
    bank.post(decide, {"status": "accepted"})

    page = _html(bank.post(decide, {"status": "declined", "note": ""}))

    assert "未通过原因不能为空" in page
    assert review(request, world.first).status == ReviewStatus.ACCEPTED


def test_another_bank_finds_nothing(world: World) -> None:
    request = publish(world.member, [world.first])
    other = _staff("bank902_clerk")

    assert request.number not in _html(other.get(reverse("office_financing:queue")))
    for name in ("detail", "profile"):
        url = reverse(f"office_financing:{name}", args=[request.public_id])
        assert other.get(url).status_code == 404
    decide = reverse("office_financing:decide", args=[request.public_id])
    assert other.post(decide, {"status": "accepted"}).status_code == 404
    assert not SubjectAccess.objects.exists()
    assert review(request, world.first).status == ReviewStatus.PENDING


def test_who_else_may_use_the_office_pages(world: World) -> None:
    publish(world.member, [world.first])
    credit = _staff("credit_operator")
    department = _staff("market_reviewer")

    queue = credit.get(reverse("office_financing:queue"))
    assert queue.status_code == 302
    assert queue["Location"] == reverse("office_financing:statistics")
    assert "天津第一测试银行" in _html(credit.get(reverse("office_financing:statistics")))
    assert department.get(reverse("office_financing:queue")).status_code == 403
    assert department.get(reverse("office_financing:statistics")).status_code == 403
    assert Client().get(reverse("office_financing:queue")).status_code == 302


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_office_pages_render_in_both_languages(world: World, prefix: str) -> None:
    request = publish(world.member, [world.first])
    bank = _staff("bank901_clerk")
    for path in (
        reverse("office_financing:queue"),
        reverse("office_financing:detail", args=[request.public_id]),
        reverse("office_financing:statistics"),
    ):
        assert bank.get(prefix + path).status_code == 200
