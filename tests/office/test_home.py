"""Where each kind of staff lands in the back office, and which links its nav offers."""

from __future__ import annotations

import pytest

from tests.office.conftest import SignIn, department
from tests.records.pipeline.helpers import uscc
from xinyong.accounts.services import create_organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "landing"),
    [("bank", "/office/financing/"), ("agency", "/office/consents/")],
)
def test_banks_and_agencies_land_on_their_own_work(
    sign_in: SignIn, policy: None, kind: str, landing: str
) -> None:
    organisation = create_organisation(uscc=uscc(950), name="天津测试机构", kind=kind)
    client = sign_in(organisation, f"{kind}_clerk", "operator")

    response = client.get("/office/", follow=True)

    assert response.redirect_chain[-1][0] == landing and response.status_code == 200
    page = response.content.decode()
    assert "授权查询" in page
    assert "/office/submissions/new/" not in page and "/office/lists/" not in page


def test_departments_land_on_their_submissions(sign_in: SignIn, policy: None) -> None:
    client = sign_in(department("market_regulation"), "market_clerk", "submitter")

    response = client.get("/office/", follow=True)

    assert response.redirect_chain[-1][0] == "/office/submissions/"
    page = response.content.decode()
    assert "/office/submissions/new/" in page and "/office/tipoffs/" in page
