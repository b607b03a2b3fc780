"""One of two processes landing versions of the same records at the same time.

    python -m tests.records.pipeline.contend TAG ROUNDS RECORDS START

Each round lands every record with content of its own (tag and round in the fine), in
batches of ten, as a submission of the market regulation department, starting at the
wall-clock time START (both processes are set up by then). Run against an instance's
environment (DATABASE_URL, XINYONG_VAR_DIR).
"""

from __future__ import annotations

import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    import django

    django.setup()
    from xinyong.accounts.models import Organisation
    from xinyong.records.ingest.storage import Run, store_batch

    from .helpers import penalty, submission

    tag, rounds, records = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    start_at = float(sys.argv[4])
    department = Organisation.objects.filter(sector="market_regulation", kind="department")
    organisation = department.order_by("pk")[0]
    time.sleep(max(0.0, start_at - time.time()))
    for round_no in range(1, rounds + 1):
        made = submission(organisation)
        run = Run.start(made, rerun=False)
        fine = f"{tag}{round_no}"
        rows = [penalty(n, subject=n, fine=fine) for n in range(1, records + 1)]
        for start in range(0, len(rows), 10):
            store_batch(run, rows[start : start + 10])
            # The pause a real load spends reading and cleaning the next batch: SQLite's
            # busy handler sleeps, so without it one writer would take every turn.
            time.sleep(0.15)
    print("ok")


if __name__ == "__main__":
    main()
