"""Fixtures of the checks tests: the lists tests' policy, staff and subjects, a listed
company, and a checking organisation with a `lists:check` token."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.lists.conftest import Staff, company, decision, notice, policy, staff, var_dir
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_token
from xinyong.lists.models import ListEntry
from xinyong.lists.services import decide, notify, publish, record_statement
from xinyong.subjects.models import Subject

__all__ = ["policy", "staff", "var_dir"]  # fixtures used by name

D = datetime.date.fromisoformat


def list_company(staff: Staff, subject: Subject, *, decided_on: str = "2026-10-14") -> ListEntry:
    """`subject` on the market-regulation serious list: noticed, heard, decided, published."""
    served = D(decided_on) - datetime.timedelta(days=14)
    entry = notify(
        staff.market, subject=subject, list_type="market_serious_illegal",
        notice=notice(served_on=served.isoformat()),
    )  # fmt: skip
    entry = record_statement(
        staff.market, entry, statement="无异议", received_on=served + datetime.timedelta(days=1)
    )
    entry = decide(
        staff.market,
        entry,
        decision(decided_on=decided_on, doc_no=f"津市监列〔2026〕{subject.pk}号"),
    )
    return publish(staff.market, entry, published_on=D(decided_on))


@pytest.fixture
def listed(staff: Staff) -> Subject:
    subject = company(1)
    list_company(staff, subject)
    return subject


@pytest.fixture
def clean(staff: Staff) -> Subject:
    return company(2)


@pytest.fixture
def checker(policy: None) -> Organisation:
    """The city's finance bureau, which runs government procurement."""
    return Organisation.objects.filter(kind="department", sector="finance").order_by("pk")[0]


@pytest.fixture
def check_token(checker: Organisation) -> str:
    return create_token(organisation=checker, scopes=["lists:check"]).secret


def moment(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "scenario": "government_procurement",
        "matter": "津财采〔2026〕8号 供应商资格审查",
    }
    values.update(changes)
    return values
