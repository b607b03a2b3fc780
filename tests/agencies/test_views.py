"""The agency pages: the back office's list, filing form and detail with change and
cancellation (credit office only), and the public registry with its masking and links."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import reverse

from tests.agencies.conftest import AGENCY, OTHER_AGENCY, THIRD_AGENCY, Staff, details
from xinyong.accounts.models import Organisation, User
from xinyong.agencies.models import AgencyFiling, AgencyStatus
from xinyong.agencies.services import cancel_agency, change_agency, file_agency

pytestmark = pytest.mark.django_db

LIST = "/office/agencies/"
NEW = "/office/agencies/new/"


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _html(response: HttpResponseBase, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def _form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "uscc": AGENCY,
        "name": "天津诚信征信服务有限公司",
        "number": "",
        "authority": "天津市社会信用体系建设领导小组办公室",
        "filed_on": "",
        "address": "天津市和平区南京路 189 号",
        "legal_representative": "赵明远",
        "scopes": ["credit_reporting", "credit_rating"],
        "contact_phone": "022-23301188",
    }
    values.update(changes)
    return values


@pytest.fixture
def registry(staff: Staff) -> tuple[AgencyFiling, AgencyFiling, AgencyFiling]:
    """Three agencies: one filed, one since changed, one since cancelled."""
    filed = file_agency(staff.operator, uscc=AGENCY, details=details())
    changed = file_agency(
        staff.operator,
        uscc=OTHER_AGENCY,
        details=details(
            name="天津津信信用评级有限公司", legal_representative="欧阳明", scopes=["credit_rating"]
        ),
    )
    changed = change_agency(
        staff.operator,
        changed,
        details(
            name="天津津信信用评级有限公司",
            legal_representative="欧阳明",
            scopes=["credit_rating"],
            address="天津市河西区友谊路 35 号",
        ),
    )
    gone = file_agency(
        staff.operator,
        uscc=THIRD_AGENCY,
        details=details(name="天津海河信用管理咨询有限公司", scopes=["credit_consulting"]),
    )
    gone = cancel_agency(staff.operator, gone, reason="机构申请注销备案，不再从事信用服务")
    return filed, changed, gone


# -- back office -------------------------------------------------------------------------------


def test_the_back_office_registry_needs_a_signed_in_credit_office(staff: Staff) -> None:
    response = Client().get(LIST)
    assert response.status_code == 302 and "/office/login/" in response["Location"]

    clerk = _client("market_clerk")
    for response in (clerk.get(LIST), clerk.get(NEW), clerk.post(NEW, _form())):
        assert "信用服务机构备案由信用办办理" in _html(response, 403)
    assert not AgencyFiling.objects.exists()


def test_a_credit_office_operator_files_an_agency_through_the_form(staff: Staff) -> None:
    operator = _client("credit_operator")
    page = _html(operator.get(NEW))
    assert 'value="天津市社会信用体系建设领导小组办公室"' in page  # the authority prefilled

    response = operator.post(NEW, _form())

    filing = AgencyFiling.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("office_agencies:detail", args=[filing.public_id])
    detail = _html(operator.get(response["Location"]))
    assert f"已备案，备案编号 {filing.number}" in detail
    assert "天津诚信征信服务有限公司" in detail and "赵明远" in detail  # staff see the name
    assert "征信、信用评级" in detail and "变更备案事项" in detail and "注销备案" in detail
    assert filing.scopes == ["credit_reporting", "credit_rating"]


def test_a_refused_filing_shows_the_reason_and_files_nothing(staff: Staff) -> None:
    operator = _client("credit_operator")
    page = _html(operator.post(NEW, _form(uscc="91120101MA0AG00114")))
    assert "统一社会信用代码无效" in page
    page = _html(operator.post(NEW, _form(contact_phone="打电话")))
    assert "联系电话格式不正确" in page
    assert not AgencyFiling.objects.exists()
    assert not Organisation.objects.filter(uscc=AGENCY).exists()


def test_the_list_filters_by_status(
    staff: Staff, registry: tuple[AgencyFiling, AgencyFiling, AgencyFiling]
) -> None:
    filed, changed, gone = registry
    operator = _client("credit_operator")
    everything = _html(operator.get(LIST))
    assert all(f.number in everything for f in registry)
    assert "新机构备案" in everything
    only_cancelled = _html(operator.get(LIST, {"status": "cancelled"}))
    assert gone.number in only_cancelled
    assert filed.number not in only_cancelled and changed.number not in only_cancelled
    unknown = _html(operator.get(LIST, {"status": "bogus"}))
    assert all(f.number in unknown for f in registry)


def test_an_auditor_reads_but_cannot_act(
    staff: Staff, registry: tuple[AgencyFiling, AgencyFiling, AgencyFiling]
) -> None:
    filed = registry[0]
    auditor = _client("credit_auditor")
    assert "新机构备案" not in _html(auditor.get(LIST))
    detail = _html(auditor.get(reverse("office_agencies:detail", args=[filed.public_id])))
    assert filed.number in detail and "变更备案事项" not in detail
    assert "信用服务机构备案由信用办办理" in _html(auditor.get(NEW), 403)
    cancel = reverse("office_agencies:cancel", args=[filed.public_id])
    assert auditor.post(cancel, {"cancel-reason": "试图注销"}).status_code == 403
    assert AgencyFiling.objects.get(pk=filed.pk).status == AgencyStatus.FILED


def test_changing_and_cancelling_from_the_detail_page(
    staff: Staff, registry: tuple[AgencyFiling, AgencyFiling, AgencyFiling]
) -> None:
    filed = registry[0]
    operator = _client("credit_operator")
    change = reverse("office_agencies:change", args=[filed.public_id])
    fields = {
        f"change-{k}": v
        for k, v in _form(address="天津市南开区鞍山西道 1 号", scopes=["credit_reporting"]).items()
        if k not in ("uscc", "number", "filed_on")
    }
    response = operator.post(change, {**fields, "change-note": "迁址"})
    assert response.status_code == 302
    detail = _html(operator.get(response["Location"]))
    assert "已记录变更" in detail and "天津市南开区鞍山西道 1 号" in detail and "迁址" in detail
    assert "天津市和平区南京路 189 号" in detail  # the history keeps the former address

    unchanged = _html(operator.post(change, {**fields, "change-note": ""}))
    assert "没有变更" in unchanged

    cancel = reverse("office_agencies:cancel", args=[filed.public_id])
    assert 'class="field invalid"' in _html(operator.post(cancel, {"cancel-reason": ""}))
    assert Organisation.objects.get(uscc=AGENCY).is_active
    response = operator.post(cancel, {"cancel-reason": "机构申请注销备案"})
    assert response.status_code == 302
    detail = _html(operator.get(response["Location"]))
    assert "已注销备案，该机构的账号和 API 令牌已停用" in detail and "变更备案事项" not in detail
    assert not Organisation.objects.get(uscc=AGENCY).is_active


def test_an_unknown_filing_is_not_found(staff: Staff) -> None:
    operator = _client("credit_operator")
    assert operator.get(reverse("office_agencies:detail", args=["0" * 32])).status_code == 404


# -- public registry ---------------------------------------------------------------------------


def test_the_public_registry_lists_standing_agencies_masked_and_linked(
    registry: tuple[AgencyFiling, AgencyFiling, AgencyFiling],
    django_assert_max_num_queries: Any,
) -> None:
    filed, changed, gone = registry
    with django_assert_max_num_queries(4):
        page = _html(Client().get("/agencies/"))
    for filing in (filed, changed):
        assert filing.number in page and filing.name in page
        assert f'href="/subjects/{filing.organisation.uscc}/"' in page
        assert filing.filed_on.strftime("%Y-%m-%d") in page
    assert "征信、信用调查" in page and "信用评级" in page
    assert "已备案" in page and "已变更" in page
    assert "赵**" in page and "欧阳*" in page
    assert "赵明远" not in page and "欧阳明" not in page
    assert "022-23301188" in page  # the public business contact
    assert gone.number not in page and gone.name not in page
    assert 'href="/agencies/"' in page  # in the portal's navigation


def test_the_public_registry_shows_cancelled_agencies_apart(
    registry: tuple[AgencyFiling, AgencyFiling, AgencyFiling],
) -> None:
    filed, _changed, gone = registry
    page = _html(Client().get("/agencies/", {"status": "cancelled"}))
    assert gone.number in page and "已注销" in page
    assert "机构申请注销备案，不再从事信用服务" in page
    assert gone.cancelled_on is not None and gone.cancelled_on.strftime("%Y-%m-%d") in page
    assert filed.number not in page


def test_the_public_registry_and_the_credit_file_in_english(
    registry: tuple[AgencyFiling, AgencyFiling, AgencyFiling],
) -> None:
    filed = registry[0]
    page = _html(Client().get("/en/agencies/"))
    assert 'lang="en"' in page and filed.number in page
    credit_file = _html(Client().get(f"/subjects/{filed.organisation.uscc}/"))
    assert filed.name in credit_file


def test_an_empty_registry_says_so(db: None) -> None:
    assert "暂无备案的信用服务机构" in _html(Client().get("/agencies/"))
