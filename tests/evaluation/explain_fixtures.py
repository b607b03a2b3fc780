"""Scores to explain, for the explanation, account, office, API and portal tests (imported by
them, not a conftest): the packaged models published and run over companies whose records
were landed through the real pipeline (see runs_fixtures).

With the packaged models, company 1 (one general penalty of 1.5 万元 from market regulation
30 days ago, and a 纳税信用A级 record) is B under TJGGXY (80 − 3 + 5 = 82) and A under
NSXYDJ (100 − 5 = 95, tax activity on record), an A the public may see. Company 2 (a
licence only) is B under TJGGXY (80) and M under NSXYDJ (100, no tax activity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.evaluation.runs_fixtures import company, days_ago, land, penalty, subject_of
from tests.records.test_public_fixtures import licence
from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.evaluation.models import ModelVersion
from xinyong.evaluation.services import publish_all, run_full
from xinyong.subjects.models import Subject

TJ = "TJGGXY"
TAX = "NSXYDJ"
PENALTY_DOC = "津市监罚〔2026〕501号"
LICENCE_DOC = "津市监许〔2026〕502号"


def tax_office() -> Organisation:
    found = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, sector="tax").first()
    assert found is not None
    return found


def tax_grade_a(n: int, tax: Organisation) -> dict[str, Any]:
    """A 纳税信用A级纳税人 row about company `n`, published 20 days ago."""
    block = company(n)
    return {
        "taxpayer_name": block["subject_name"],
        "uscc": block["uscc"],
        "evaluation_year": str(days_ago(0).year - 1),
        "grade": "A",
        "published_on": days_ago(20).isoformat(),
        "source_unit": tax.name,
        "source_unit_uscc": tax.uscc,
    }


@dataclass(frozen=True)
class Graded:
    """The packaged models, run once over companies 1 (penalty, tax A) and 2 (licence)."""

    versions: dict[str, ModelVersion]
    one: Subject
    two: Subject


def grade_everyone(market: Organisation) -> Graded:
    land(market, "XZCF", [penalty(PENALTY_DOC, company(1))])
    land(tax_office(), "NSXY_A", [tax_grade_a(1, tax_office())])
    land(market, "XZXK", [licence(LICENCE_DOC, company(2))])
    versions = {p.version.code: p.version for p in publish_all()}
    for version in versions.values():
        run_full(version)
    return Graded(versions=versions, one=subject_of(1), two=subject_of(2))


@pytest.fixture
def graded(market: Organisation) -> Graded:
    return grade_everyone(market)
