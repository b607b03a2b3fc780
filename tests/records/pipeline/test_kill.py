"""`kill -9` in the middle of a load, then the same file again: the state of a clean load."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from xinyong.synth import Options, generate

from .instance import Instance, new_instance

ROWS = 8_000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kill")
    generate(out, 3_000, seed=11, options=Options(penalties=ROWS, licences=0, v1_penalties=0),
             formats=["csv"])  # fmt: skip
    return out / "xzcf_v2.csv"


def _org(instance: Instance) -> str:
    rows = instance.query(
        "SELECT uscc FROM accounts_organisation WHERE kind = 'department' "
        "AND sector = 'market_regulation' ORDER BY id"
    )
    return str(rows[0][0])


def _ingest(instance: Instance, path: Path) -> dict[str, Any]:
    done = instance.run("ingest", str(path), "--org", _org(instance), "--item", "XZCF", "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary


def _killed_mid_way(instance: Instance, path: Path) -> str:
    """Start `xinyong ingest`, kill -9 it once a batch has landed; the submission's id."""
    process = instance.popen(
        instance.command("ingest", str(path), "--org", _org(instance), "--item", "XZCF")
    )
    deadline = time.monotonic() + 300
    state: list[tuple[Any, ...]] = []
    while time.monotonic() < deadline and process.poll() is None:
        state = instance.query("SELECT public_id, rows_done, status FROM records_submission")
        if state and state[0][1] > 0:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the load ended before it could be killed"
    public_id, rows_done, status = instance.query(
        "SELECT public_id, rows_done, status FROM records_submission"
    )[0]
    assert status == "running" and 0 < rows_done < ROWS
    return str(public_id)


def _state(instance: Instance) -> dict[str, Any]:
    """Records and versions, with subjects named by their identifiers (ids differ)."""
    identifiers: dict[int, list[tuple[str, str]]] = {}
    for subject, scheme, value in instance.query(
        "SELECT subject_id, scheme, value FROM subjects_subjectidentifier"
    ):
        identifiers.setdefault(subject, []).append((scheme, value))
    records = instance.query(
        "SELECT r.id, r.subject_id, r.doc_no, r.version_count, r.severity, r.published, "
        "r.publication_ends, r.repair_from, r.timeliness_days, r.late, v.content_hash, "
        "v.row_no FROM records_record r "
        "JOIN records_recordversion v ON v.id = r.current_version_id"
    )
    shown = sorted((tuple(sorted(identifiers[r[1]])), *map(str, r[2:])) for r in records)
    versions = instance.query(
        "SELECT COUNT(*), COUNT(DISTINCT record_id), MAX(version) FROM records_recordversion"
    )[0]
    rejected = sorted(
        row[0] for row in instance.query("SELECT DISTINCT row_no FROM records_rejectedrow")
    )
    return {"records": shown, "versions": tuple(versions), "rejected": rejected}


def _counters(instance: Instance, public_id: str) -> tuple[Any, ...]:
    return instance.query(
        "SELECT status, rows_total, rows_done, accepted, rejected, unchanged, new_records, "
        f"new_versions, late FROM records_submission WHERE public_id = '{public_id}'"
    )[0]


def test_killed_load_then_the_same_file_equals_a_clean_load(
    db: None, tmp_path: Path, big_file: Path
) -> None:
    clean, killed, retried = (new_instance(tmp_path, n) for n in ("clean", "killed", "retried"))
    try:
        summary = _ingest(clean, big_file)
        assert summary["rows"] == ROWS and summary["accepted"] > ROWS * 0.95
        expected = _state(clean)
        assert expected["versions"][0] == expected["versions"][1] == summary["accepted"]

        # The operator runs the same file again: a new submission finds what landed.
        _killed_mid_way(killed, big_file)
        again = _ingest(killed, big_file)
        assert again["accepted"] == summary["accepted"]
        assert again["unchanged"] + again["new_records"] == summary["accepted"]
        assert again["unchanged"] > 0 and again["new_versions"] == 0
        assert _state(killed)["records"] == expected["records"]
        assert _state(killed)["versions"] == expected["versions"]

        # The worker runs the same submission again: it ends as if it had never stopped.
        public_id = _killed_mid_way(retried, big_file)
        code = (
            "from xinyong.records import services;"
            "from xinyong.records.models import Submission;"
            f"services.process(Submission.objects.get(public_id='{public_id}'))"
        )
        done = retried.run("shell", "-c", code)
        assert done.returncode == 0, done.stderr[-3000:]
        assert _state(retried) == expected
        assert _counters(retried, public_id) == _counters(clean, summary["submission"])
    finally:
        for instance in (clean, killed, retried):
            instance.drop()
