"""Demo data of the agency registry: three filed agencies (one since changed, one since
cancelled) and a bank, each grantee with a staff account, so that the consent and financing
parts of the demo have an agency and a bank to grant to.

Idempotent: a filing, organisation or account already there is kept. Passwords are random
and kept with the other demo passwords in `var/demo-accounts.json`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from xinyong.accounts.models import Organisation, OrganisationKind, Role, User
from xinyong.accounts.services import create_organisation, create_staff_user, set_password
from xinyong.agencies.models import AgencyFiling, BusinessScope
from xinyong.agencies.services import AgencyDetails, cancel_agency, change_agency, file_agency
from xinyong.core.permissions import SYSTEM
from xinyong.demo.services import keep_passwords, kept_passwords

_S = BusinessScope
# (USCC, name, scopes, legal representative, address, phone, days since filing)
AGENCIES = (
    (
        "91120101MA06CX016T",
        "天津诚信征信服务有限公司",
        (_S.CREDIT_REPORTING, _S.CREDIT_INVESTIGATION),
        "赵明远",
        "天津市和平区南京路 189 号",
        "022-23301188",
        720,
    ),
    (
        "91120103MA07PJ0287",
        "天津津信信用评级有限公司",
        (_S.CREDIT_RATING, _S.CREDIT_EVALUATION),
        "钱立新",
        "天津市河西区友谊路 35 号",
        "022-28356600",
        540,
    ),
    (
        "91120116MA08GL033E",
        "天津海河信用管理咨询有限公司",
        (_S.CREDIT_CONSULTING, _S.CREDIT_TRAINING),
        "孙静",
        "天津市滨海新区第三大街 51 号",
        "022-66218899",
        400,
    ),
)
CHANGED, CANCELLED = AGENCIES[1][0], AGENCIES[2][0]

BANK_USCC = "91120103MA05BK014Y"
BANK_NAME = "天津示范商业银行股份有限公司"
BANK_SHORT_NAME = "示范银行"
ACCOUNTS = (("demo_bank", BANK_USCC), ("demo_agency", AGENCIES[0][0]))
"""Staff accounts (operators) of the bank and of the first agency."""


def _authority() -> str:
    office = Organisation.objects.filter(kind=OrganisationKind.CREDIT_OFFICE).order_by("pk")
    first = office.first()
    return first.name if first is not None else "信用办"


def _file_agencies() -> None:
    today, authority = timezone.localdate(), _authority()
    for uscc, name, scopes, person, address, phone, age in AGENCIES:
        if AgencyFiling.objects.filter(organisation__uscc=uscc).exists():
            continue
        details = AgencyDetails(name, authority, address, person, scopes, phone)
        filing = file_agency(
            SYSTEM, uscc=uscc, details=details, filed_on=today - timedelta(days=age)
        )
        if uscc == CHANGED:
            moved = AgencyDetails(
                name, authority, "天津市河西区围堤道 146 号", person, scopes, phone
            )
            change_agency(
                SYSTEM,
                filing,
                moved,
                changed_on=today - timedelta(days=200),
                note="注册地址迁移",
            )
        if uscc == CANCELLED:
            cancel_agency(
                SYSTEM,
                filing,
                reason="机构申请注销备案，不再从事信用服务业务",
                cancelled_on=today - timedelta(days=30),
            )


def _bank() -> None:
    if not Organisation.objects.filter(uscc=BANK_USCC).exists():
        create_organisation(
            uscc=BANK_USCC,
            name=BANK_NAME,
            short_name=BANK_SHORT_NAME,
            kind=OrganisationKind.BANK,
        )


def _accounts() -> None:
    passwords = kept_passwords()
    for username, uscc in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is not None and username in passwords:
            continue
        passwords[username] = secrets.token_urlsafe(12)
        if user is None:
            create_staff_user(
                organisation=Organisation.objects.get(uscc=uscc),
                username=username,
                roles=[Role.OPERATOR],
                password=passwords[username],
            )
        else:
            set_password(user, passwords[username])
    keep_passwords(passwords)


def seed() -> None:
    """File the demo agencies, register the demo bank, and give each a staff account."""
    _file_agencies()
    _bank()
    _accounts()


def seeded_accounts() -> list[tuple[str, str]]:
    """(username, organisation name) of the accounts `seed` makes, for the demo's printout."""
    names = dict(
        Organisation.objects.filter(uscc__in=[uscc for _u, uscc in ACCOUNTS]).values_list(
            "uscc", "name"
        )
    )
    return [(username, names.get(uscc, "")) for username, uscc in ACCOUNTS]
