"""A synthetic population landed through the real pipeline, for the snapshot and Spark
tests: a few hundred companies, each with a licence (read by no model), with penalties of
every severity and size of fine, serious listings (list entries), tax A grades and wage
arrears, plus natural persons with penalties (never scored, never exported). Imported by
the tests, not a conftest.
"""

from __future__ import annotations

import random
from typing import Any

from tests.evaluation.runs_fixtures import company, days_ago, land, listing, penalty
from tests.records.test_public_fixtures import licence, person, wage_arrears
from xinyong.accounts.models import Organisation
from xinyong.subjects.models import Industry, Subject, SubjectKind, SubjectSize
from xinyong.subjects.services import Classification, classify

TAX_USCC = "11120000MB001148XP"
FIRST = 5000
"""Company numbers start here (clear of the other evaluation tests' companies)."""

_KINDS = (  # penalty types, declared severity, with a fine
    ("警告", "", False),
    ("罚款", "", True),
    ("罚款", "严重", True),
    ("吊销许可证件", "", False),
)


def _penalty(rng: random.Random, n: int, k: int) -> dict[str, Any]:
    types, declared, fined = rng.choices(_KINDS, weights=(20, 65, 5, 10))[0]
    decided = days_ago(rng.randrange(1, 1500))
    row = penalty(f"津市监罚〔{decided.year}〕{n}-{k}号", company(n), decided=decided, types=types)
    row["fine_amount"] = f"{rng.choice((0.05, 0.5, 2, 8, 12.5, 30, 55, 120))}" if fined else ""
    if declared:
        row["severity_declared"] = declared
    return row


def _tax_a(n: int, tax: Organisation, year: int) -> dict[str, Any]:
    subject = company(n)
    return {
        "taxpayer_name": subject["subject_name"],
        "uscc": subject["uscc"],
        "evaluation_year": year,
        "grade": "A",
        "published_on": days_ago(30 + 365 * (days_ago(0).year - 1 - year)).isoformat(),
        "source_unit": tax.name,
        "source_unit_uscc": tax.uscc,
    }


def land_population(
    market: Organisation, hrss: Organisation, *, companies: int = 300, seed: int = 8
) -> list[Subject]:
    """Land the population; returns the companies (their industries and sizes drawn at
    random, as registration data would give them)."""
    rng = random.Random(seed)
    tax = Organisation.objects.get(uscc=TAX_USCC)
    numbers = range(FIRST, FIRST + companies)
    licences = [licence(f"津市监许〔2026〕{n}号", company(n)) for n in numbers]
    penalties, listings, taxed, arrears = [], [], [], []
    for n in numbers:
        count = rng.choices((0, 1, 2, 3, 5), weights=(45, 25, 14, 10, 6))[0]
        penalties += [_penalty(rng, n, k) for k in range(count)]
        if rng.random() < 0.06:
            listings.append(listing(market, n, days_ago(rng.randrange(1, 400))))
        if rng.random() < 0.3:
            taxed.append(_tax_a(n, tax, days_ago(0).year - 1))
        if rng.random() < 0.06:
            row = wage_arrears(f"津人社处〔2026〕{n}号", company(n), hrss)
            row["arrears_amount"] = f"{rng.choice((1, 4.5, 6, 25))}"
            row["decision_date"] = days_ago(rng.randrange(1, 1200)).isoformat()
            arrears.append(row)
    penalties += [penalty(f"津市监罚〔2026〕P{k}号", person(k), types="罚款") for k in range(1, 6)]
    land(market, "XZXK", licences)
    land(market, "XZCF", penalties)
    land(market, "YZSX_SCJG", listings)
    land(tax, "NSXY_A", taxed)
    land(hrss, "TQNMGGZ", arrears)
    subjects = list(Subject.objects.exclude(kind=SubjectKind.NATURAL_PERSON).order_by("pk"))
    drawn = {
        subject.pk: Classification(
            rng.choice(["", *Industry.values[:5]]), rng.choice(["", *SubjectSize.values])
        )
        for subject in subjects
    }
    classify(drawn, source="test")
    return subjects
