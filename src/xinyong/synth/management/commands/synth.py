"""`xinyong synth --subjects N --out DIR [--seed S] [--formats …]`: synthetic data files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.synth.generate import FORMATS, Options, generate
from xinyong.synth.policy import DEFAULT_POLICY_DIR, PolicyError, load_policy


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Generate deterministic synthetic subjects and 双公示 files (same seed, same bytes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--subjects", type=int, required=True, help="number of subjects")
        parser.add_argument("--out", type=Path, required=True, help="output directory")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--formats", nargs="+", choices=FORMATS, default=list(FORMATS), metavar="FORMAT",
            help=f"any of {', '.join(FORMATS)} (default: all)",
        )  # fmt: skip
        parser.add_argument("--licences", type=int, help="licence rows (default: = subjects)")
        parser.add_argument("--penalties", type=int, help="v2 penalty rows (default: subjects/2)")
        parser.add_argument(
            "--v1-penalties", type=int, help="v1 penalty rows (default: subjects/5)"
        )
        parser.add_argument(
            "--mess-rate", type=_fraction, default=0.05,
            help="chance that a cell is spelled messily: full-width, trailing space, odd date",
        )  # fmt: skip
        parser.add_argument(
            "--bad-rate", type=_fraction, default=0.01,
            help="chance that a row is deliberately invalid (listed in manifest.json)",
        )  # fmt: skip
        parser.add_argument(
            "--policy", type=Path, default=DEFAULT_POLICY_DIR,
            help="directory with districts.yaml and departments.yaml",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        verbose = options["verbosity"] > 0

        def progress(dataset: str, done: int, total: int) -> None:
            if verbose:
                self.stderr.write(f"{dataset}: {done}/{total}")

        try:
            manifest = generate(
                out,
                options["subjects"],
                seed=options["seed"],
                formats=options["formats"],
                options=Options(
                    licences=options["licences"],
                    penalties=options["penalties"],
                    v1_penalties=options["v1_penalties"],
                    mess_rate=options["mess_rate"],
                    bad_rate=options["bad_rate"],
                ),
                policy=load_policy(options["policy"]),
                progress=progress,
            )
        except (ValueError, PolicyError) as exc:
            raise CommandError(str(exc)) from exc
        for entry in manifest["files"]:
            self.stdout.write(
                f"{out / entry['path']}\t{entry['format']}\t{entry['rows']} rows\t"
                f"{len(entry['bad_rows'])} bad"
            )
