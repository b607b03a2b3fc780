"""`xinyong report SUBJECT --type CODE --out FILE.pdf [--purpose T] [--print] [--org USCC]`
issues a credit report; `xinyong report verify FILE.pdf [--json]` verifies one.

Issuing acts for the credit office (the first credit-office organisation, or `--org`):
audience `government`, except for type `public`, which is issued as to anyone. SUBJECT is a
USCC (or another registered code) or a subject's public id.

`verify` exits 0 when the report is genuine and current, 1 when it is genuine but
superseded or revoked, 2 when the file is altered or not a report of the platform (or
cannot be read). `issue` exits 1 when the report is refused, 2 when the file cannot be
written.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.accounts.services import AccountError, find_organisation
from xinyong.core.context import in_job
from xinyong.core.errors import ReasonedError
from xinyong.reports.services.batches import process_batch, submit_batch, zip_file
from xinyong.reports.services.issuing import issue_report, open_pdf
from xinyong.reports.services.scope import Requester
from xinyong.reports.services.verification import Verification, verify_file
from xinyong.subjects.models import Subject
from xinyong.subjects.services.lookup import find_subject

ACTIONS = ("issue", "verify", "batch")
"""Subcommands; a first argument that is none of them is the SUBJECT of `issue`."""

PUBLIC_TYPE = "public"


class Command(BaseCommand):
    help = "Credit reports: issue one (SUBJECT --type CODE --out FILE.pdf) or verify a PDF."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """`xinyong report SUBJECT …` is `xinyong report issue SUBJECT …`."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parse = parser.parse_args

        def parse_args(args: Any = None, namespace: Any = None) -> Any:
            words = list(sys.argv[2:] if args is None else args)
            if words and words[0] not in ACTIONS and not words[0].startswith("-"):
                words.insert(0, "issue")
            return parse(words, namespace)

        parser.parse_args = parse_args  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="issue a report (the word `issue` is optional)")
        issue.add_argument("subject", metavar="SUBJECT", help="USCC or public id")
        issue.add_argument("--type", required=True, dest="type_code", help="report type code")
        issue.add_argument("--out", required=True, type=Path, help="where to write the PDF")
        issue.add_argument("--purpose", default="", help="the purpose printed on the report")
        issue.add_argument("--print", action="store_true", help="the print (monochrome) version")
        issue.add_argument("--org", help="USCC of the requesting government organisation")
        batch = actions.add_parser("batch", help="issue the reports of a list of subjects as a ZIP")
        batch.add_argument("file", type=Path, metavar="FILE", help="CSV, XLSX or XLS: one column")
        batch.add_argument("--type", required=True, dest="type_code", help="report type code")
        batch.add_argument("--out", required=True, type=Path, help="where to write the ZIP")
        batch.add_argument("--purpose", default="", help="the purpose printed on the reports")
        batch.add_argument("--print", action="store_true", help="the print (monochrome) version")
        batch.add_argument("--org", help="USCC of the requesting organisation (credit office)")
        verify = actions.add_parser("verify", help="verify a report PDF")
        verify.add_argument("file", type=Path, metavar="FILE.pdf")
        verify.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(options["file"], options["json"])
        elif options["action"] == "issue":
            self._issue(options)
        elif options["action"] == "batch":
            self._batch(options)

    # -- issue -----------------------------------------------------------------------------

    def _issue(self, options: dict[str, Any]) -> None:
        subject = _subject(options["subject"])
        with in_job("reports.issue_cli") as actor:
            requester = _requester(options["type_code"], options["org"], actor.label)
            try:
                report = issue_report(
                    subject,
                    options["type_code"],
                    requester,
                    purpose=options["purpose"],
                    monochrome=options["print"],
                )
            except ReasonedError as exc:
                raise CommandError(str(exc)) from exc
        out: Path = options["out"]
        try:
            out.write_bytes(open_pdf(report))
        except OSError as exc:
            self._fail(_("无法写入 %(path)s：%(error)s") % {"path": out, "error": exc.strerror}, 2)
        self.stdout.write(
            _("已出具报告 %(number)s（验证码 %(code)s），保存为 %(path)s")
            % {"number": report.number, "code": report.code, "path": out}
        )

    # -- batch -----------------------------------------------------------------------------

    def _batch(self, options: dict[str, Any]) -> None:
        """Submit the list and issue its reports here and now (no worker), then copy the ZIP."""
        path: Path = options["file"]
        organisation = _organisation(options["org"])
        with in_job("reports.batch_cli") as actor:
            try:
                with path.open("rb") as upload:
                    batch = submit_batch(
                        organisation, created_by=actor.label, type_code=options["type_code"],
                        purpose=options["purpose"], monochrome=options["print"],
                        upload=upload, file_name=path.name,
                    )  # fmt: skip
            except OSError as exc:
                self._fail(
                    _("无法读取 %(path)s：%(error)s") % {"path": path, "error": exc.strerror}, 2
                )
            except ReasonedError as exc:
                raise CommandError(str(exc)) from exc
            batch = process_batch(batch)
        made = zip_file(batch)
        if made is None:
            raise CommandError(batch.error or batch.status)
        out: Path = options["out"]
        try:
            shutil.copyfile(made, out)
        except OSError as exc:
            self._fail(_("无法写入 %(path)s：%(error)s") % {"path": out, "error": exc.strerror}, 2)
        self.stdout.write(
            _("已出具 %(issued)d 份报告，%(failed)d 行未能出具（原因见清单.csv），保存为 %(path)s")
            % {"issued": batch.done - batch.failed, "failed": batch.failed, "path": out}
        )

    # -- verify ----------------------------------------------------------------------------

    def _verify(self, path: Path, as_json: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail(_("无法读取 %(path)s：%(error)s") % {"path": path, "error": exc.strerror}, 2)
        result = verify_file(data)
        if as_json:
            self.stdout.write(json.dumps(result.as_data(), ensure_ascii=False))
        else:
            self.stdout.write(_describe(result))
        sys.exit(result.exit_code)

    def _fail(self, message: str, status: int) -> NoReturn:
        self.stderr.write(message)
        sys.exit(status)


def _subject(code: str) -> Subject:
    subject = find_subject(code) or Subject.objects.filter(public_id=code.strip()).first()
    if subject is None:
        raise CommandError(_("没有找到该主体：请给出统一社会信用代码或主体编号"))
    return subject


def _requester(type_code: str, org: str | None, label: str) -> Requester:
    """The credit office (or `--org`, a bank reading under consent included) for every type
    but `public`, which anyone may ask."""
    if type_code == PUBLIC_TYPE and not org:
        return replace(Requester.for_public(), username=label)
    return Requester.for_organisation(_organisation(org), label)


def _organisation(org: str | None) -> Organisation:
    """The organisation `--org` names, else the credit office."""
    if org:
        try:
            return find_organisation(org)
        except AccountError as exc:
            raise CommandError(exc.message) from exc
    found = Organisation.objects.filter(kind=OrganisationKind.CREDIT_OFFICE).order_by("pk")
    if (office := found.first()) is None:
        raise CommandError(_("平台尚未登记信用办机构，请用 --org 指定申请机构"))
    return office


def _describe(result: Verification) -> str:
    """The answer as lines for people: facts, state, reason, changes."""
    lines: list[str] = []
    facts = result.facts
    if facts is not None:
        subject = facts["subject_name"] + (
            f"（{facts['subject_uscc']}）" if facts["subject_uscc"] else ""
        )
        lines += [
            _("报告编号：%(v)s") % {"v": facts["number"]},
            _("主体：%(v)s") % {"v": subject},
            _("报告类型：%(v)s") % {"v": facts["type_name"] or facts["type"]},
            _("数据截止：%(v)s")
            % {"v": timezone.localtime(facts["cut_off"]).strftime("%Y-%m-%d %H:%M")},
        ]
    lines.append(_("状态：%(v)s") % {"v": result.label})
    lines.append(result.message)
    lines += [f"- {change}" for change in result.changes]
    return "\n".join(lines)
