"""`xinyong evaluate [--model CODE] [--as-of DATE] [--json]`: run evaluation models in full.

Runs the latest published version of model CODE (every published model without --model)
over every eligible subject, with data cut off at the end of DATE (today by default), and
prints each run's grade counts. `xinyong evaluate publish --model CODE` publishes the
model file as a new version when it changed (nothing is written when it did not). Exits 1,
writing nothing, for an unknown or unpublished model or a bad or future date.
`report`, `export` and `spark` are in `evaluation.management.actions`.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinyong.core.context import in_job
from xinyong.core.errors import ReasonedError
from xinyong.evaluation.management import actions
from xinyong.evaluation.models import Run, RunTrigger
from xinyong.evaluation.services import (
    EvaluationError,
    Published,
    publish,
    published_versions,
    run_full,
    run_model,
)


def _day(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD")) from exc


def _run_dict(run: Run) -> dict[str, Any]:
    return {
        "run": run.public_id,
        "model": run.model_version.code,
        "version": run.model_version.version,
        "as_of": run.as_of.isoformat(),
        "subjects": run.subjects,
        "grades": run.grade_counts,
    }


class Command(BaseCommand):
    help = "Run credit evaluation models over every eligible subject, or publish a model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            nargs="?",
            choices=["publish", *actions.ACTIONS],
            help="publish: store the model file as a new version when it changed; report: "
            "backtest the model file; export: a Parquet snapshot; spark: run it on Spark",
        )
        parser.add_argument("--model", help="model code (default: every published model)")
        parser.add_argument("--as-of", help="data cut-off day (YYYY-MM-DD; default: today)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        actions.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "publish":
                if not options["model"]:
                    raise CommandError(_("请用 --model 指定要发布的评价模型"))
                with in_job("evaluate.publish"):
                    self._published(publish(options["model"]), options["json"])
                return
            if options["action"] in actions.ACTIONS:
                actions.handle(self, options, _day(options["as_of"]))
                return
            as_of = _day(options["as_of"])
            with in_job("evaluate"):
                runs = self._run(options["model"], as_of)
        except ReasonedError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            payload = {"runs": [_run_dict(run) for run in runs]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        for run in runs:
            grades = "，".join(f"{grade} {n}" for grade, n in run.grade_counts.items())
            text = _(
                "%(model)s 第%(version)d版，数据截至 %(day)s：评价主体 %(n)d 个（%(grades)s），"
                "批次 %(run)s"
            )
            self.stdout.write(
                text
                % {
                    "model": run.model_version.code,
                    "version": run.model_version.version,
                    "day": run.as_of.isoformat(),
                    "n": run.subjects,
                    "grades": grades or "-",
                    "run": run.public_id[:8],
                }
            )

    def _run(self, code: str | None, as_of: datetime.date | None) -> list[Run]:
        if code:
            return [run_model(code, as_of=as_of, trigger=RunTrigger.CLI)]
        versions = published_versions()
        if not versions:
            raise EvaluationError(
                "evaluation.none_published",
                _("尚无已发布的评价模型，请先运行 xinyong evaluate publish --model CODE"),
            )
        return [run_full(v, as_of=as_of, trigger=RunTrigger.CLI) for v in versions]

    def _published(self, done: Published, as_json: bool) -> None:
        version = done.version
        if as_json:
            payload = {
                "model": version.code,
                "version": version.version,
                "created": done.created,
                "content_hash": version.content_hash,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        text = (
            _("%(model)s 已发布第%(version)d版")
            if done.created
            else _("%(model)s 未变更，现行第%(version)d版")
        )
        self.stdout.write(text % {"model": version.code, "version": version.version})
