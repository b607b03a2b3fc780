"""Demo commitments: a few demo companies' commitments registered by the market regulator
(告知承诺制 licences: one kept, one broken — the breach lands a negative record — one still in
force) and by the tax bureau (a voluntary public commitment), so the office's queue and
performance table, the account pages and the portal's subject pages have something to show.

Idempotent: nothing is made once any commitment exists. Uses the demo's accounts
(`demo_reviewer` of market regulation, `demo_tax_operator` of the tax bureau) and its
synthetic companies; run after `xinyong.demo` has made them.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from xinyong.accounts.models import User
from xinyong.accounts.permissions import viewer_for_user
from xinyong.commitments import services
from xinyong.commitments.models import Commitment
from xinyong.subjects.models import Subject, SubjectKind

FIRST_COMPANY = 20
"""Demo companies from this position on (the first ones carry the demo list entries)."""

LICENCES = (
    ("食品经营许可", "kept"),
    ("食品生产许可", "broken"),
    ("工业产品生产许可", "open"),
)


def seed() -> None:
    """Register the demo commitments (see the module doc) unless there are some already."""
    if Commitment.objects.exists():
        return
    companies = list(
        Subject.objects.filter(kind=SubjectKind.LEGAL_PERSON)
        .exclude(uscc="")
        .order_by("pk")[FIRST_COMPANY : FIRST_COMPANY + len(LICENCES) + 1]
    )
    if len(companies) <= len(LICENCES):
        return
    market = viewer_for_user(User.objects.get(username="demo_reviewer"))
    tax = viewer_for_user(User.objects.get(username="demo_tax_operator"))
    today = timezone.localdate()
    for n, ((licence, outcome), company) in enumerate(zip(LICENCES, companies, strict=False), 1):
        made = services.register(
            market,
            code=company.uscc,
            name=company.name,
            type_code="approval",
            matter=f"{licence}（告知承诺制）",
            reference=f"JSP2026{n:05d}",
            legal_rep="王建国",
            signed_on=today - timedelta(days=40 + n),
            checked=True,
        )
        if outcome == "kept":
            services.fulfil(market, made, note="经现场核查，经营条件与承诺一致，材料已按期补齐。")
        elif outcome == "broken":
            services.breach(
                market,
                made,
                doc_no=f"津市监诺认〔2026〕{n}号",
                facts="经现场核查，生产场所不具备承诺的卫生条件，且未在承诺期限内补交相关材料。",
            )
    services.register(
        tax,
        code=companies[-1].uscc,
        name=companies[-1].name,
        type_code="voluntary",
        matter="依法诚信纳税，按期申报缴纳各项税费",
        legal_rep="李明",
        signed_on=today - timedelta(days=10),
        checked=True,
    )
