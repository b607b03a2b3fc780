"""Synthetic department files for the end-to-end tests, and the subject register behind them.

A platform knows its subjects before departments send records about them (the market
register is loaded first), so the tests link the generator's subjects first, with all their
identifiers, as `make demo` does. Files then load with the counts their manifest implies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xinyong.subjects.services import LinkRequest, link_many
from xinyong.synth import Options, generate
from xinyong.synth.register import subject_identifiers, subject_kind

SUBJECTS = 300
SEED = 7
OPTIONS = Options(licences=200, penalties=240, v1_penalties=60, bad_rate=0.05)

EXPECTED_CODES = {
    "invalid_check_char": lambda code: code.endswith(".check"),
    "future_decision_date": lambda code: code == "date.future",
    "missing_required_field": lambda code: code == "field.required",
    "validity_end_before_start": lambda code: code == "date.order",
}
"""The synthetic reason for a bad row → what the pipeline's reason code must satisfy."""


def make_dataset(out: Path) -> dict[str, Any]:
    return generate(out, SUBJECTS, seed=SEED, options=OPTIONS)


def entry(manifest: dict[str, Any], path: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in manifest["files"] if f["path"] == path)
    return found


def preload_subjects(out: Path) -> None:
    """Link every synthetic subject with all its identifiers."""
    requests = []
    for line in (out / "subjects.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        requests.append(
            LinkRequest(
                subject_identifiers(row), row["name"], "test:register", subject_kind(row["kind"])
            )
        )
    for start in range(0, len(requests), 500):
        link_many(requests[start : start + 500])


def person_ids(out: Path) -> list[str]:
    """Every citizen ID number the dataset holds (subjects and legal representatives)."""
    found = []
    for line in (out / "subjects.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found += [row[k] for k in ("person_id", "legal_rep_id") if row.get(k)]
    return found
