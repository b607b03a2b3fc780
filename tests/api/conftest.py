"""Fixtures of the read API tests: records landed through the real pipeline (the public
surfaces' builders), tokens of chosen organisations and scopes, and problem checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import (
    company,
    days_ago,
    hrss,
    land,
    licence,
    market,
    penalty,
    policy,
    var_dir,
    wage_arrears,
)
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_token
from xinyong.records.models import Record
from xinyong.subjects.models import Subject

__all__ = ["hrss", "market", "policy", "var_dir"]  # fixtures used by name

TokenFactory = Callable[..., str]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The body of a problem+json answer, checked for its status, code and Chinese message."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    return body


@pytest.fixture
def token_for(policy: None) -> TokenFactory:
    """`token_for(org, "subjects:read", ...)` → the secret of a new token."""

    def make(organisation: Organisation, *scopes: str) -> str:
        return create_token(organisation=organisation, scopes=scopes).secret

    return make


@pytest.fixture
def bank(policy: None) -> Organisation:
    return Organisation.objects.create(uscc=uscc(9000, "91"), name="天津测试银行", kind="bank")


@pytest.fixture
def mixed(market: Organisation, hrss: Organisation) -> Subject:
    """One company with a current public penalty and licence, an ended penalty, an
    unpublished warning, a withdrawn penalty, and a current 政务共享 record."""
    land(
        market,
        "XZCF",
        [
            penalty("津市监罚〔2026〕1号", company(1)),
            penalty("津市监罚〔2024〕2号", company(1), decided=days_ago(2 * 365)),
            penalty("津市监罚〔2026〕3号", company(1), types="警告"),
            penalty("津市监罚〔2026〕4号", company(1)),
        ],
    )
    land(market, "XZXK", [licence("津市监许〔2026〕1号", company(1))])
    land(hrss, "TQNMGGZ", [wage_arrears("津人社处〔2026〕1号", company(1), hrss)])
    # No service withdraws records yet (the rights issue brings it): set the state it leaves.
    assert Record.objects.filter(doc_no="津市监罚〔2026〕4号").update(state="withdrawn") == 1
    return Subject.objects.get(uscc=uscc(1))
