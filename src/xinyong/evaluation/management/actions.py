"""`xinyong evaluate report|export|spark`: the actions of the evaluate command that look at a
model before it is published or run it away from the platform's database.

- `report --model CODE [--as-of DATE] [--dir DIR]`: the backtest and fairness report of the
  model file as it is now (`services.backtest`); nothing is stored.
- `export [--as-of DATE] --out DIR`: the evaluation inputs at the cut-off as a Parquet
  snapshot (`evaluation.snapshot`).
- `spark --snapshot DIR --model CODE [--master URL] --out FILE.parquet`: the latest
  published version of the model on Spark over the snapshot, scores written to FILE.parquet
  (a directory of part files); or `--compare-run RUN` instead of `--out`: the stored full
  run's version on Spark, compared subject by subject with the run (exit 1 on a difference).

The evaluate command hands these actions here; pyarrow and pyspark are imported only when
an action needs them.
"""

from __future__ import annotations

import datetime
import json
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinyong.core.context import in_job
from xinyong.evaluation.services import Backtest, EvaluationError, backtest, latest_version

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from xinyong.evaluation.models import ModelVersion
    from xinyong.evaluation.snapshot import Comparison, Snapshot

ACTIONS = ("report", "export", "spark")


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--dir",
        help="report: the directory of model files (default: the packaged policy's evaluation/)",
    )
    parser.add_argument(
        "--out", help="export: the snapshot directory; spark: where to write the scores (Parquet)"
    )
    parser.add_argument("--snapshot", help="spark: a snapshot directory written by export")
    parser.add_argument("--master", default="local[2]", help="spark: the Spark master URL")
    parser.add_argument(
        "--compare-run", help="spark: compare with this stored full run instead of writing"
    )


def handle(command: BaseCommand, options: dict[str, Any], as_of: datetime.date | None) -> None:
    """Run the action `options["action"]` (one of ACTIONS) for `command`."""
    action, as_json = options["action"], options["json"]
    if action == "report":
        if not options["model"]:
            raise CommandError(_("请用 --model 指定要回测的评价模型"))
        directory = Path(options["dir"]) if options["dir"] else None
        done = backtest(options["model"], as_of=as_of, directory=directory)
        text = json.dumps(done.as_dict(), ensure_ascii=False) if as_json else report_text(done)
        command.stdout.write(text)
    elif action == "export":
        _export(command, options, as_of)
    else:
        _spark(command, options)


def _export(command: BaseCommand, options: dict[str, Any], as_of: datetime.date | None) -> None:
    from django.utils import timezone

    from xinyong.evaluation.snapshot import export_snapshot

    if not options["out"]:
        raise CommandError(_("请用 --out 指定快照目录"))
    with in_job("evaluate.export"):
        made = export_snapshot(as_of or timezone.localdate(), Path(options["out"]))
    payload = {
        "snapshot": str(made.directory),
        "as_of": made.as_of.isoformat(),
        "facts": made.facts,
        "subjects": made.subjects,
    }
    text = _("评价数据快照已写入 %(dir)s：数据截至 %(day)s，信息 %(facts)s 条，主体 %(n)s 个")
    command.stdout.write(
        json.dumps(payload, ensure_ascii=False)
        if options["json"]
        else text
        % {
            "dir": made.directory,
            "day": payload["as_of"],
            "facts": f"{made.facts:,}",
            "n": f"{made.subjects:,}",
        }
    )


def _spark(command: BaseCommand, options: dict[str, Any]) -> None:
    from xinyong.evaluation.snapshot import compare_run, open_snapshot, stored_run
    from xinyong.evaluation.spark import spark_session

    if not options["snapshot"]:
        raise CommandError(_("请用 --snapshot 指定快照目录"))
    if bool(options["out"]) == bool(options["compare_run"]):
        raise CommandError(_("请用 --out 或 --compare-run 二者之一"))
    snapshot = open_snapshot(Path(options["snapshot"]))
    code = options["model"]
    run = stored_run(options["compare_run"]) if options["compare_run"] else None
    if run is not None and code and code != run.model_version.code:
        raise CommandError(_("评价批次属于模型 %s") % run.model_version.code)
    version = run.model_version if run else latest_version(code) if code else None
    if version is None:
        raise EvaluationError("evaluation.unpublished", _("请用 --model 指定已发布的评价模型"))
    from pyspark.sql import SparkSession

    started = SparkSession.getActiveSession() is None  # stop only a session started here
    spark = spark_session(options["master"])
    try:
        if run is None:
            _write_scores(command, options, spark, snapshot, version)
            return
        compared = compare_run(spark, snapshot, run)
    finally:
        if started:
            spark.stop()
    command.stdout.write(
        json.dumps(compared.as_dict(), ensure_ascii=False, default=str)
        if options["json"]
        else comparison_text(compared)
    )
    if not compared.identical:
        raise CommandError(_("Spark 的评价结果与评价批次不一致"))


def _write_scores(
    command: BaseCommand,
    options: dict[str, Any],
    spark: SparkSession,
    snapshot: Snapshot,
    version: ModelVersion,
) -> None:
    from xinyong.evaluation.snapshot import spark_scores

    rows = spark_scores(spark, snapshot, version, Path(options["out"]))
    payload = {
        "model": version.code,
        "version": version.version,
        "as_of": snapshot.as_of.isoformat(),
        "subjects": rows,
        "out": options["out"],
    }
    text = _(
        "%(model)s 第%(version)d版在 Spark 上评价主体 %(n)s 个（数据截至 %(day)s），"
        "结果写入 %(out)s"
    ) % {
        "model": version.code,
        "version": version.version,
        "n": f"{rows:,}",
        "day": payload["as_of"],
        "out": options["out"],
    }
    command.stdout.write(json.dumps(payload, ensure_ascii=False) if options["json"] else text)


# -- text ----------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Aligned columns: the first to the left, the numbers to the right."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell + " " * (width - _width(cell)) if i == 0 else " " * (width - _width(cell)) + cell
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _distribution(title: str, groups: list[Any], grades: list[str]) -> list[str]:
    rows = [
        [
            group.label,
            f"{group.total:,}",
            *(f"{group.counts.get(g, 0):,} {group.percent(g):.1f}%" for g in grades),
        ]
        for group in groups
    ]
    return ["", title, *_table([_("分组"), _("合计"), *grades], rows)]


def report_text(report: Backtest) -> str:
    """The report as readable tables."""
    lines = [
        _("%(code)s %(name)s：回测与公平性报告（数据截至 %(day)s，未保存任何评价结果）")
        % {"code": report.code, "name": report.name, "day": report.as_of.isoformat()},
        _("模型文件 %(file)s，内容哈希 %(hash)s")
        % {"file": report.file_name, "hash": report.draft_hash[:12]},
    ]
    if report.published_version is None:
        lines.append(_("尚未发布"))
    else:
        state = _("与模型文件相同") if report.same_as_published else _("模型文件已修改，尚未发布")
        lines.append(
            _("现行发布版本：第%(v)d版，内容哈希 %(hash)s（%(state)s）")
            % {
                "v": report.published_version,
                "hash": (report.published_hash or "")[:12],
                "state": state,
            }
        )
    lines.append(_("评价主体 %s 个") % f"{report.subjects:,}")
    grades = report.grades
    lines += _distribution(_("等级分布"), [report.overall], grades)
    lines += _distribution(_("按行政区"), report.by_district, grades)
    lines += _distribution(_("按行业门类"), report.by_industry, grades)
    lines += _distribution(_("按企业规模"), report.by_size, grades)

    before = [g for g in grades if any(b == g for b, _a in report.changes)]
    before += sorted({b for b, _a in report.changes if b and b not in grades})
    before += [""] if any(b == "" for b, _a in report.changes) else []
    rows = [
        [
            b or _("未评价"),
            *(f"{report.changes.get((b, a), 0):,}" for a in grades),
            f"{sum(n for (x, _a), n in report.changes.items() if x == b):,}",
        ]
        for b in before
    ]
    lines += ["", _("等级变化（行：现行等级，列：模型文件评定的等级）")]
    lines += _table([_("现行＼草稿"), *grades, _("合计")], rows)
    moved = report.movement()
    summary = _("上调 %(up)s 个，下调 %(down)s 个，不变 %(same)s 个，首次评价 %(new)s 个") % {
        "up": f"{moved['up']:,}",
        "down": f"{moved['down']:,}",
        "same": f"{moved['unchanged']:,}",
        "new": f"{moved['new']:,}",
    }
    if moved["other"]:
        summary += _("，现行等级已不在模型中 %s 个") % f"{moved['other']:,}"
    lines.append("  " + summary)

    single = report.single_record
    detail = "，".join(f"{grade} {n:,}" for grade, n in single.items())
    lines += [
        "",
        _("仅依据一条信息评定的非最高等级：共 %(n)s 个%(detail)s")
        % {"n": f"{sum(single.values()):,}", "detail": f"（{detail}）" if detail else ""},
    ]
    return "\n".join(lines)


def comparison_text(compared: Comparison) -> str:
    """A comparison in a few lines, with the differing rows if any."""
    lines = [
        _(
            "%(model)s 第%(version)d版，数据截至 %(day)s：批次 %(run)s 有 %(db)s 行，"
            "Spark 有 %(spark)s 行；一致 %(equal)s，不一致 %(diff)s，仅在数据库 %(only_db)s，"
            "仅在 Spark %(only_spark)s"
        )
        % {
            "model": compared.model,
            "version": compared.version,
            "day": compared.as_of.isoformat(),
            "run": compared.run[:8],
            "db": f"{compared.database:,}",
            "spark": f"{compared.spark:,}",
            "equal": f"{compared.equal:,}",
            "diff": f"{compared.different:,}",
            "only_db": f"{compared.only_in_database:,}",
            "only_spark": f"{compared.only_on_spark:,}",
        },
        _("结果完全一致") if compared.identical else _("结果不一致，示例："),
    ]
    lines += [f"  {json.dumps(row, ensure_ascii=False, default=str)}" for row in compared.examples]
    return "\n".join(lines)
