"""`xinyong synth` on the command line, its errors, and the policy it reads."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from xinyong.synth import Options, generate
from xinyong.synth.management.commands.synth import Command
from xinyong.synth.policy import PolicyError, load_policy


def test_the_command_writes_the_files_and_the_manifest(tmp_path: Path) -> None:
    stdout = io.StringIO()
    call_command(
        Command(), "--subjects", "30", "--out", str(tmp_path), "--seed", "9",
        "--formats", "csv", "xlsx", "--penalties", "12", "--bad-rate", "0.2",
        stdout=stdout, stderr=io.StringIO(),
    )  # fmt: skip
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 9 and manifest["subjects"] == 30
    paths = {f["path"] for f in manifest["files"]}
    assert paths == {
        "subjects.jsonl", "xzxk_v2.csv", "xzxk_v2.xlsx", "xzcf_v2.csv", "xzcf_v2.xlsx",
        "xzcf_v1.csv", "xzcf_v1.xlsx",
    }  # fmt: skip
    rows = {f["path"]: f["rows"] for f in manifest["files"]}
    assert rows["xzcf_v2.csv"] == 12 and rows["xzxk_v2.csv"] == 30 and rows["xzcf_v1.csv"] == 6
    printed = stdout.getvalue().splitlines()
    assert len(printed) == len(paths)
    assert any("xzcf_v2.csv\tcsv\t12 rows" in line for line in printed)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--subjects", "0"], "at least 1"),
        (["--subjects", "5", "--seed", "-1"], "non-negative"),
        (["--subjects", "5", "--penalties", "-3"], "negative"),
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(Command(), *args, "--out", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_a_broken_policy_is_named(tmp_path: Path) -> None:
    (tmp_path / "districts.yaml").write_text(
        "city: {code: '120000', name: 天津市}\ndistricts:\n  - {code: '120101'}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match=r"districts\.yaml: districts\[0\]\.name is missing"):
        load_policy(tmp_path)
    (tmp_path / "districts.yaml").write_text(
        "city: {code: '120000', name: 天津市}\ndistricts:\n- {code: '120101', name: 和平区}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"departments\.yaml: cannot read"):
        call_command(
            Command(), "--subjects", "5", "--out", str(tmp_path / "out"), "--policy", str(tmp_path)
        )


def test_the_tianjin_policy_is_read() -> None:
    policy = load_policy()
    assert policy.city.code == "120000" and len(policy.districts) == 16
    assert {"120107", "120225"} <= {a.code for a in policy.abolished}
    assert sum(d.kind == "department" for d in policy.departments) >= 30


def test_a_policy_without_deciding_departments_is_refused_before_writing(tmp_path: Path) -> None:
    (tmp_path / "districts.yaml").write_text(
        "city: {code: '120000', name: 天津市}\ndistricts:\n- {code: '120101', name: 和平区}\n",
        encoding="utf-8",
    )
    (tmp_path / "departments.yaml").write_text(
        "organisations:\n- {uscc: '11120000MB0011850H', name: 天津市高级人民法院, "
        "short_name: 市高级法院, kind: court, sector: courts}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    with pytest.raises(CommandError, match="licences and penalties"):
        call_command(Command(), "--subjects", "5", "--out", str(out), "--policy", str(tmp_path))
    assert not out.exists()


def test_impossible_sheet_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="a sheet holds"):
        generate(tmp_path / "out", 5, options=Options(xls_rows_per_sheet=70_000))
    assert not (tmp_path / "out").exists()
