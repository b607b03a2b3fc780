"""The consent demo seed: the demo company authorises the demo bank, which gets a token that
reads under the grant; running it again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.test import Client

from tests.consents.conftest import AUTHORISED_ITEM, Grantee
from tests.records.pipeline.helpers import uscc
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.consents import demo
from xinyong.consents.models import Consent
from xinyong.subjects.models import Subject


def test_the_seed_grants_the_bank_and_keeps_a_working_token(
    firm: Subject, bank: Grantee, var_dir: Path
) -> None:
    market = Organisation.objects.get(kind="department", sector="market_regulation")
    create_staff_user(organisation=market, username="demo_reviewer", roles=["reviewer"])
    demo.seed()
    demo.seed()
    consent = Consent.objects.get()
    assert (consent.subject, consent.organisation) == (firm, bank.organisation)
    # Licences, penalties and every 授权查询 item: the packaged two and the fixtures' third.
    assert sorted(consent.item_codes) == sorted(["XZXK", "XZCF", "NSXYPJ", "SBJF", AUTHORISED_ITEM])
    kept = json.loads((var_dir / "demo-accounts.json").read_text(encoding="utf-8"))
    token = kept[demo.TOKEN_ENTRY]
    response = Client().get(
        f"/api/v1/authorised/{uscc(1)}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.content.decode()
    assert bank.organisation.tokens.count() == 2  # the fixture's and the demo's, once
