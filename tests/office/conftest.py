"""Fixtures of the back-office list, check and loop pages: the lists tests' policy, staff
and subjects, signed-in clients for each kind of staff, and a listed company."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.checks.conftest import checker, list_company
from tests.lists.conftest import Staff, company, policy, staff, var_dir
from xinyong.accounts.models import Organisation, User
from xinyong.accounts.services import create_staff_user
from xinyong.subjects.models import Subject

__all__ = ["checker", "policy", "staff", "var_dir"]  # fixtures used by name

PASSWORD = "后台-测试-口令-2026"
MATTER = "津财采〔2026〕8号 供应商资格审查"

SignIn = Callable[..., Client]


def department(sector: str) -> Organisation:
    return Organisation.objects.filter(kind="department", sector=sector).order_by("pk")[0]


def credit_office() -> Organisation:
    return Organisation.objects.filter(kind="credit_office").order_by("pk")[0]


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def sign_in(staff: Staff) -> SignIn:
    """`sign_in(org, "name", "role", ...)`: a new client signed in as a new staff member."""

    def make(organisation: Organisation, username: str, *roles: str) -> Client:
        user = create_staff_user(organisation=organisation, username=username, roles=roles)
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def market(sign_in: SignIn) -> Client:
    """An operator of market regulation, which decides the market serious-illegal list."""
    return sign_in(department("market_regulation"), "office_market", "operator")


@pytest.fixture
def tax(sign_in: SignIn) -> Client:
    """An operator of the tax bureau: decides its own lists, not market regulation's."""
    return sign_in(department("tax"), "office_tax", "operator")


@pytest.fixture
def finance(sign_in: SignIn, checker: Organisation) -> Client:
    """A checker of the finance bureau, which runs government procurement."""
    return sign_in(checker, "office_finance", "checker")


@pytest.fixture
def overseer(sign_in: SignIn) -> Client:
    """An operator of the credit office: oversees every entry and the whole loop."""
    return sign_in(credit_office(), "office_credit", "operator")


@pytest.fixture
def listed(staff: Staff) -> Subject:
    subject = company(1)
    list_company(staff, subject, decided_on=days_ago(20).isoformat())
    return subject


def finance_user() -> User:
    return User.objects.get(username="office_finance")


def form_page(response: Any) -> str:
    """The page of a refused form: shown again (200), never a redirect."""
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())
