"""Same seed, same bytes; another seed, other data; the mess never changes the data."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.synth.conftest import read_table
from xinyong.synth import Options, base_date, generate


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_same_seed_gives_identical_bytes_in_every_format(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 60, seed=5)
    second = generate(tmp_path / "b", 60, seed=5)
    assert first == second
    digests = _digests(tmp_path / "a")
    assert digests == _digests(tmp_path / "b")
    assert {name.rsplit(".", 1)[1] for name in digests} == {"csv", "xlsx", "xls", "jsonl", "json"}


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", 60, seed=5)
    generate(tmp_path / "b", 60, seed=6)
    first, second = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert first.keys() == second.keys()
    assert all(first[name] != second[name] for name in first)
    names_a = (tmp_path / "a" / "subjects.jsonl").read_text(encoding="utf-8").splitlines()
    names_b = (tmp_path / "b" / "subjects.jsonl").read_text(encoding="utf-8").splitlines()
    assert not set(names_a) & set(names_b)


def test_the_base_date_comes_from_the_seed_not_the_clock() -> None:
    dates = {base_date(seed) for seed in range(50)}
    assert len(dates) > 10
    assert all(d.year == 2026 and d.month <= 6 for d in dates)
    assert base_date(7) == base_date(7)


def test_choosing_formats_does_not_change_the_files(tmp_path: Path) -> None:
    generate(tmp_path / "all", 40, seed=2)
    manifest = generate(tmp_path / "csv", 40, seed=2, formats=["csv"])
    assert {f["format"] for f in manifest["files"]} == {"csv", "jsonl"}  # subjects.jsonl stays
    for entry in manifest["files"]:
        assert (tmp_path / "csv" / entry["path"]).read_bytes() == (
            tmp_path / "all" / entry["path"]
        ).read_bytes()


def test_the_mess_rate_changes_spelling_not_data(tmp_path: Path) -> None:
    clean = generate(tmp_path / "clean", 80, seed=3, options=Options(mess_rate=0, bad_rate=0))
    messy = generate(tmp_path / "messy", 80, seed=3, options=Options(mess_rate=0.5, bad_rate=0))
    for dataset in ("xzxk_v2", "xzcf_v2"):
        (a,) = [f for f in clean["files"] if f["dataset"] == dataset and f["format"] == "jsonl"]
        (b,) = [f for f in messy["files"] if f["dataset"] == dataset and f["format"] == "jsonl"]
        assert a["sha256"] != b["sha256"]
        rows_a = read_table(tmp_path / "clean", a)[1]
        rows_b = read_table(tmp_path / "messy", b)[1]
        # The subject's name (with trailing spaces trimmed) is the same row by row.
        assert [r[0] for r in rows_a] == [r[0].rstrip(" \u3000") for r in rows_b]
    assert all(f["bad_rows"] == [] for f in clean["files"])


def test_the_mess_is_there(tmp_path: Path) -> None:
    generate(tmp_path, 200, seed=4, options=Options(mess_rate=0.3, bad_rate=0))
    text = (tmp_path / "xzcf_v2.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    decided = {r["处罚决定日期"] for r in rows}
    assert any("年" in d and d.endswith("日") for d in decided)
    assert any("/" in d for d in decided)
    assert any(len(d) == 8 and d.isdigit() for d in decided)
    assert any("-" in d for d in decided)
    codes = [r["统一社会信用代码"] for r in rows if r["统一社会信用代码"]]
    assert any(any("０" <= ch <= "９" for ch in c) for c in codes)  # full-width digits
    assert any(c.endswith(" ") for c in codes)
    assert any(r["行政相对人名称"] != r["行政相对人名称"].rstrip() for r in rows)
    assert "2099-12-31" in text or "2099年12月31日" in text  # long-term validity
    fines = [r["罚款金额（万元）"] for r in rows if r["罚款金额（万元）"]]
    assert any("." in f for f in fines)


def test_identical_bytes_across_processes_with_other_hash_seeds(tmp_path: Path) -> None:
    """Set and dict order of strings changes with PYTHONHASHSEED; the output must not."""
    generate(tmp_path / "here", 40, seed=8)
    script = (
        "import sys, django; django.setup(); from pathlib import Path; "
        "from xinyong.synth import generate; generate(Path(sys.argv[1]), 40, seed=8)"
    )
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        env.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
        there = tmp_path / f"there-{hash_seed}"
        subprocess.run([sys.executable, "-c", script, str(there)], env=env, check=True)
        assert _digests(there) == _digests(tmp_path / "here")
