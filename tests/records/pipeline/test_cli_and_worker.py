"""`xinyong ingest` (exit codes, JSON summary, progress bar) and `xinyong worker --batch`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from xinyong.accounts.models import Organisation
from xinyong.records.management.commands.ingest import ProgressBar
from xinyong.records.models import Record, Submission

from .instance import new_instance
from .synthdata import entry, make_dataset

SUMMARY_KEYS = {"submission", "rows", "accepted", "rejected", "unchanged", "new_versions", "late",
                "errors_file"}  # fmt: skip


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    out = tmp_path_factory.mktemp("synth")
    return out, make_dataset(out)


def ingest(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_ingest_prints_one_json_summary_and_exits_0_with_rejected_rows(
    department: Organisation,
    dataset: tuple[Path, dict],  # type: ignore[type-arg]
) -> None:
    out, manifest = dataset
    code, stdout, _ = ingest(
        str(out / "xzxk_v2.csv"), "--org", department.uscc, "--item", "XZXK", "--json"
    )
    summary = json.loads(stdout)
    assert code == 0 and set(summary) >= SUMMARY_KEYS
    described = entry(manifest, "xzxk_v2.csv")
    assert summary["rows"] == described["rows"] and summary["rejected"] == len(
        described["bad_rows"]
    )
    assert summary["errors_file"] and Path(summary["errors_file"]).is_file()
    code, stdout, _ = ingest(str(out / "xzxk_v2.csv"), "--org", department.uscc, "--item", "XZXK")
    assert code == 0 and "未变" in stdout


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("行政相对人名称,行政处罚决定书文号\n".encode("gb18030"), "file.no_rows"),
        (b"\x00\x01\x02garbage\xff\xfe" * 50, None),
        ("完全无关,的表头\n甲,乙\n".encode(), None),
    ],
)
def test_a_file_that_cannot_be_read_or_mapped_exits_2_and_loads_nothing(
    department: Organisation, tmp_path: Path, content: bytes, reason: str | None
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, stdout, _stderr = ingest(str(path), "--org", department.uscc, "--item", "XZCF", "--json")
    summary = json.loads(stdout)
    assert code == 2 and summary["status"] == "failed" and summary["error_code"]
    if reason:
        assert summary["error_code"] == reason
    assert not Record.objects.exists()
    assert Submission.objects.get().error_message


def test_a_refused_submission_exits_1(other_department: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"item\.not_source"):
        call_command("ingest", str(path), "--org", other_department.uscc, "--item", "JYYC")
    with pytest.raises(CommandError):
        call_command("ingest", str(path), "--org", "91120000000000000X", "--item", "XZCF")
    assert not Submission.objects.exists()


def test_the_progress_bar_redraws_one_line() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(0, 1000)
    bar(1000, 1000)
    text = stream.getvalue()
    assert text.startswith("\r[") and "100% 1,000/1,000 rows" in text and text.endswith("\n")


def test_the_worker_processes_an_enqueued_submission_and_its_events(
    db: None,
    tmp_path: Path,
    dataset: tuple[Path, dict],  # type: ignore[type-arg]
) -> None:
    out, manifest = dataset
    instance = new_instance(tmp_path, "worker")
    try:
        code = (
            "from xinyong.records import services;"
            "from xinyong.accounts.models import Organisation;"
            "org = Organisation.objects.filter(kind='department', "
            "sector='market_regulation').order_by('pk')[0];"
            f"upload = open({str(out / 'xzcf_v2.csv')!r}, 'rb');"
            "made = services.submit_file(organisation=org, item_code='XZCF', upload=upload, "
            "file_name='xzcf.csv');"
            "services.enqueue(made)"
        )
        done = instance.run("shell", "-c", code)
        assert done.returncode == 0, done.stderr[-3000:]
        assert instance.query("SELECT status FROM records_submission") == [("received",)]
        done = instance.run("worker", "--batch", "--interval", "0.1")
        assert done.returncode == 0, done.stderr[-3000:]
        status, accepted = instance.query("SELECT status, accepted FROM records_submission")[0]
        rows = entry(manifest, "xzcf_v2.csv")
        assert status == "done" and accepted == rows["rows"] - len(rows["bad_rows"])
        pending = instance.query(
            "SELECT COUNT(*) FROM records_recordevent WHERE processed_at IS NULL"
        )
        handled = instance.query(
            "SELECT COUNT(*) FROM records_recordevent WHERE processed_at IS NOT NULL"
        )
        assert pending[0][0] == 0 and handled[0][0] == accepted
        tasks = instance.query("SELECT task_path, status FROM django_tasks_database_dbtaskresult")
        # The worker also ran the day's jobs (nothing had run today) and queued tomorrow's,
        # and queued the first minute pass of re-evaluation.
        assert sorted(tasks) == [
            ("xinyong.core.tasks.run_daily_jobs", "READY"),
            ("xinyong.core.tasks.run_daily_jobs", "SUCCESSFUL"),
            ("xinyong.evaluation.tasks.reevaluate_stale", "READY"),
            ("xinyong.records.tasks.process_events", "SUCCESSFUL"),
            ("xinyong.records.tasks.process_submission", "SUCCESSFUL"),
        ]
        runs = instance.query("SELECT job, error FROM core_dailyrun ORDER BY job")
        assert runs == sorted((job, "") for job in settings.XINYONG_DAILY_JOBS)
    finally:
        instance.drop()
