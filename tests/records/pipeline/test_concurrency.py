"""Two processes landing versions of the same records at once lose no version."""

from __future__ import annotations

import json
import time
from itertools import pairwise
from pathlib import Path

from .instance import new_instance

ROUNDS, RECORDS = 4, 120


def test_concurrent_submissions_lose_no_version(db: None, tmp_path: Path) -> None:
    instance = new_instance(tmp_path, "contend")
    try:
        argv = ["-m", "tests.records.pipeline.contend"]
        # Fines 1.1, 1.2 … and 2.1, 2.2 …: every landing differs from whatever is current.
        start = str(time.time() + 8)
        workers = [
            instance.popen([instance.command()[0], *argv, tag, str(ROUNDS), str(RECORDS), start])
            for tag in ("1.", "2.")
        ]
        outputs = [worker.communicate(timeout=600) for worker in workers]
        for worker, (out, err) in zip(workers, outputs, strict=True):
            assert worker.returncode == 0 and out.strip() == "ok", err[-3000:]
        rows = instance.query(
            "SELECT r.id, r.version_count, v.version, r.current_version_id, v.id "
            "FROM records_record r JOIN records_recordversion v ON v.record_id = r.id"
        )
        by_record: dict[int, list[tuple[int, int, int, int]]] = {}
        for record, count, version, current, version_id in rows:
            by_record.setdefault(record, []).append((count, version, current, version_id))
        assert len(by_record) == RECORDS
        for versions in by_record.values():
            numbers = sorted(v[1] for v in versions)
            assert numbers == list(range(1, 2 * ROUNDS + 1))
            count, current = versions[0][0], versions[0][2]
            latest = max(versions, key=lambda v: v[1])
            assert count == 2 * ROUNDS and current == latest[3]
        fines = instance.query("SELECT COUNT(DISTINCT content_hash) FROM records_recordversion")
        assert fines[0][0] == 2 * ROUNDS * RECORDS
        # The two writers did meet: some record has their versions interleaved.
        tags: dict[int, list[str]] = {}
        for record, _version, data in instance.query(
            "SELECT record_id, version, data FROM records_recordversion ORDER BY record_id, version"
        ):
            content = data if isinstance(data, dict) else json.loads(data)
            tags.setdefault(record, []).append(content["fine_amount"][0])
        switches = [sum(a != b for a, b in pairwise(seq)) for seq in tags.values()]
        assert max(switches) > 1, "the writers ran one after the other: nothing was tested"
    finally:
        instance.drop()
