"""Synthetic subjects as the register takes them: every kind has a platform kind, every
identifier reaches the linker under its own name."""

from __future__ import annotations

import json

import pytest

from tests.synth.conftest import Generated
from xinyong.subjects.models import SubjectKind
from xinyong.subjects.services import Classification
from xinyong.synth.register import subject_classification, subject_identifiers, subject_kind
from xinyong.synth.subjects import KINDS

ORGANISATIONS = ("enterprise", "cooperative", "social", "institution", "rural")
CODES = ("uscc", "org_code", "business_reg", "tax_reg", "institution_cert", "social_org_cert")


def test_every_synthetic_kind_has_its_platform_kind() -> None:
    kinds = {kind: subject_kind(kind) for kind, _weight in KINDS}
    assert {kinds[kind] for kind in ORGANISATIONS} == {SubjectKind.LEGAL_PERSON}
    assert kinds["individual"] == SubjectKind.INDIVIDUAL_BUSINESS
    assert kinds["person"] == SubjectKind.NATURAL_PERSON
    assert kinds["other"] == SubjectKind.OTHER_ORG


def test_a_kind_synth_does_not_make_is_refused() -> None:
    with pytest.raises(KeyError):
        subject_kind("government_organ")


def test_every_identifier_of_a_row_reaches_the_linker(generated: Generated) -> None:
    lines = (generated.out / "subjects.jsonl").read_text(encoding="utf-8").splitlines()
    seen = set()
    for line in lines:
        row = json.loads(line)
        identifiers = subject_identifiers(row)
        assert identifiers.citizen_id == row.get("person_id")
        for code in CODES:
            assert getattr(identifiers, code) == row.get(code)
        seen |= {code for code in (*CODES, "person_id") if row.get(code)}
    assert seen == {*CODES, "person_id"}  # the dataset holds every kind of identifier


def test_industry_and_size_reach_the_register(generated: Generated) -> None:
    lines = (generated.out / "subjects.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    found = [subject_classification(row) for row in rows]  # a bad value would raise
    persons = [c for row, c in zip(rows, found, strict=True) if row["kind"] == "person"]
    assert persons and set(persons) == {Classification()}
    assert sum(1 for c in found if c.industry and c.size) > len(rows) // 2
