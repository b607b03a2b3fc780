"""The demo's tip-offs: made once, at three steps of their handling, by the demo accounts."""

from __future__ import annotations

import pytest

from tests.records.test_public_fixtures import company, land, penalty
from tests.tipoffs.conftest import Staff
from xinyong.accounts.models import Organisation, User
from xinyong.tipoffs import demo
from xinyong.tipoffs.models import TipOff

pytestmark = pytest.mark.django_db


def test_seed_files_and_handles_once(staff: Staff, market: Organisation) -> None:
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕9{n}号", company(n)) for n in (1, 2, 3)])
    User.objects.filter(username="credit_operator").update(username="demo_operator")
    User.objects.filter(username="market_reviewer").update(username="demo_reviewer")

    demo.seed()
    demo.seed()

    states = sorted(TipOff.objects.values_list("state", flat=True))
    assert states == ["closed", "received", "routed"]
    closed = TipOff.objects.get(state="closed")
    assert closed.outcome == "substantiated" and closed.reward_amount is not None
    routed = TipOff.objects.select_related("department").get(state="routed")
    assert routed.department is not None
    assert routed.department.sector == "human_resources_social_security"
