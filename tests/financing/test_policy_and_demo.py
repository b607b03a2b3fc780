"""The financing policy file (every profile item is a catalogue item; a broken file is an
error that says where) and the demo seed (idempotent, with a loan for the figures)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.financing.conftest import World, landed_company
from tests.records.test_public_fixtures import market
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.catalog.services import default_policy_dir
from xinyong.financing import demo
from xinyong.financing.models import BankReview, FinancingRequest, ReviewStatus
from xinyong.financing.policy import FinancingPolicyError, financing_policy, policy_path

__all__ = ["market"]  # fixtures used by name


def test_every_profile_item_is_in_the_catalogue() -> None:
    catalogue = yaml.safe_load((default_policy_dir() / "catalog.yaml").read_text("utf-8"))
    codes = {item["code"] for item in catalogue["items"]}

    assert set(financing_policy().profile) <= codes


def test_a_broken_policy_file_names_the_place(tmp_path: Path) -> None:
    data = yaml.safe_load(policy_path().read_text("utf-8"))
    data["amount_wan"]["min"] = 500
    data["amount_wan"]["max"] = 5
    broken = tmp_path / "financing.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")

    with pytest.raises(FinancingPolicyError) as refused:
        financing_policy(broken)

    assert "amount_wan" in refused.value.message
    with pytest.raises(FinancingPolicyError):
        financing_policy(tmp_path / "missing.yaml")


def test_the_demo_seed_is_idempotent(world: World, market: Organisation) -> None:
    # What the demo has when this runs: its reviewer (account_example's department), a second
    # company, and the bank operator the agencies' seed creates.
    create_staff_user(organisation=market, username="demo_reviewer", roles=["reviewer"])
    landed_company(market, 2, "津市监罚〔2026〕841号")
    create_staff_user(
        organisation=world.first.organisation, username=demo.BANK_USER, roles=["operator"]
    )

    demo.seed()
    demo.seed()

    assert FinancingRequest.objects.count() == 2
    statuses = sorted(BankReview.objects.values_list("status", flat=True))
    assert statuses == [ReviewStatus.ACCEPTED, ReviewStatus.GRANTED]
    assert FinancingRequest.objects.filter(subject=world.company).exists()
