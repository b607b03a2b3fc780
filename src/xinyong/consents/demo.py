"""Demo data of authorised access: the demo company (the one with a public penalty that the
demo uses for objections and repairs) authorises the demo bank to read its licences and
penalties — and any 授权查询 item that applies — for 90 days, and the bank gets an API token
for authorised reads, kept with the demo passwords so that it survives a restart.

The company's 授权查询 records (its tax credit grade and social insurance payments) are landed
first, through the pipeline in the tax bureau's and the social security bureau's names, so
that the grant has something only a grant shows.

Run after the agencies' demo seed (which creates the bank). Idempotent: a grant from the
company to the bank, or a working kept token, is reused.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.accounts.services import authenticate_token, create_token
from xinyong.catalog.models import Disclosure
from xinyong.consents.models import Consent
from xinyong.consents.services import grant, grantable_items
from xinyong.demo.services import account_example, keep_passwords, kept_passwords
from xinyong.records import services as records
from xinyong.records.models import Record
from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.subjects.models import Subject

TOKEN_ENTRY = "api_token:demo_bank_authorised"  # noqa: S105 (a key in the kept file, not a secret)
DEMO_ITEMS = ("XZXK", "XZCF")
DEMO_DAYS = 90


def _bank() -> Organisation | None:
    banks = Organisation.objects.filter(kind=OrganisationKind.BANK, is_active=True)
    return banks.order_by("pk").first()


def _token(bank: Organisation) -> None:
    kept = kept_passwords()
    secret = kept.get(TOKEN_ENTRY, "")
    if secret and authenticate_token(secret) is not None:
        return
    issued = create_token(organisation=bank, scopes=["records:read_authorised"], name="demo")
    kept[TOKEN_ENTRY] = issued.secret
    keep_passwords(kept)


def _authorised_rows(
    company: Subject, tax: Organisation, hrss: Organisation
) -> dict[str, dict[str, object]]:
    """One 纳税信用评价结果 and one 社会保险参保缴费情况 row about `company`, by item code."""
    today = timezone.localdate()
    latest = Record.objects.filter(subject=company, current_version__isnull=False).first()
    version = latest.current_version if latest else None
    legal_rep = str(version.data.get("legal_rep", "")) if version else ""
    return {
        "NSXYPJ": {
            "taxpayer_name": company.name,
            "uscc": company.uscc,
            "evaluation_year": str(today.year - 1),
            "grade": "B",
            "evaluated_on": (today - timedelta(days=30)).isoformat(),
            "source_unit": tax.name,
            "source_unit_uscc": tax.uscc,
        },
        "SBJF": {
            "subject_name": company.name,
            "subject_category": "法人及非法人组织",
            "uscc": company.uscc,
            "legal_rep": legal_rep or "王演示",
            "statement_no": f"津社保缴〔{today.year}〕{company.pk:05d}号",
            "insurance_type": "基本养老保险;基本医疗保险;失业保险;工伤保险",
            "insured_count": "36",
            "paid_through": (today.replace(day=1) - timedelta(days=1)).isoformat(),
            "in_arrears": "否",
            "issued_on": (today - timedelta(days=5)).isoformat(),
            "source_unit": hrss.name,
            "source_unit_uscc": hrss.uscc,
        },
    }


def _land_authorised(company: Subject) -> None:
    """The company's 授权查询 records, each from its department (once: the pipeline is
    idempotent on the natural key, and a second run finds them)."""
    tax = Organisation.objects.filter(sector="tax", kind=OrganisationKind.DEPARTMENT).first()
    hrss = Organisation.objects.filter(
        sector="human_resources_social_security", kind=OrganisationKind.DEPARTMENT
    ).first()
    if tax is None or hrss is None:
        return
    rows = _authorised_rows(company, tax, hrss)
    for organisation, code in ((tax, "NSXYPJ"), (hrss, "SBJF")):
        if Record.objects.filter(subject=company, item__code=code).exists():
            continue
        submission = records.submit_records(
            organisation=organisation, item_code=code, records=[rows[code]]
        )
        records.process(submission)


def seed() -> None:
    """The demo grant and the bank's token (nothing when the demo has no bank or company)."""
    bank, company = _bank(), account_example()
    if bank is None or company is None:
        return
    _token(bank)
    _land_authorised(company)
    if Consent.objects.filter(subject=company, organisation=bank).exists():
        return
    # The company's own account member, as its first sign-in would create it.
    owner, _created = SubjectMember.objects.get_or_create(subject=company, role=MemberRole.OWNER)
    items = [
        item.code
        for item in grantable_items(company)
        if item.code in DEMO_ITEMS or item.disclosure == Disclosure.AUTHORISED
    ]
    grant(
        owner,
        organisation=bank,
        item_codes=items,
        purpose="申请流动资金贷款（演示）",
        valid_until=timezone.localdate() + timedelta(days=DEMO_DAYS),
    )
