"""`xinyong demo`: prepare the demo data, then run the web server and the worker.

It starts the same `xinyong serve` and `xinyong worker` an operator runs in production, as
child processes, and stops both on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.agencies import demo as agencies_demo
from xinyong.commitments import demo as commitments_demo
from xinyong.consents import demo as consents_demo
from xinyong.core.context import in_job
from xinyong.demo import services
from xinyong.demo.lists import ensure_list_entries
from xinyong.demo.records import land_records
from xinyong.evaluation import demo as evaluation_demo
from xinyong.financing import demo as financing_demo
from xinyong.reports import demo as reports_demo
from xinyong.tipoffs import demo as tipoffs_demo

READY_TIMEOUT_SECONDS = 60


class Command(BaseCommand):
    help = "Prepare the demo (policy, synthetic subjects, accounts) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--prepare-only", action="store_true", help="Prepare the data, do not serve."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("正在准备演示数据 / preparing the demo …")
        call_command("migrate", interactive=False, verbosity=0)
        with in_job("demo"):
            report = services.load_tianjin_policy()
            created = services.ensure_subjects()
            landed = land_records()
            accounts = services.ensure_accounts()
            listed = ensure_list_entries("demo_reviewer", "demo_tax_operator")
            token = services.ensure_check_token()
            # The market side, in dependency order: agencies file and the bank opens (with
            # their staff accounts), the example company grants the bank, then asks it for
            # a loan; tip-offs and commitments use the accounts above.
            agencies_demo.seed()
            consents_demo.seed()
            financing_demo.seed()
            tipoffs_demo.seed()
            commitments_demo.seed()
            evaluation_demo.seed()  # grades rest on the records and lists above
            credit_report = reports_demo.seed()  # last: the report shows all of the above
        kept = services.kept_passwords()
        counts = ", ".join(f"{s} {report.count(s)}" for s in ("new", "changed", "unchanged"))
        self.stdout.write(f"policy: {counts}")
        self.stdout.write(f"subjects: {created} created")
        self.stdout.write(
            f"records: {landed.accepted} accepted, {landed.rejected} rejected "
            f"in {landed.submissions} submissions; {landed.public} public"
        )
        self.stdout.write(f"list entries: {listed} created")
        self.stdout.write("demo accounts (username / password / organisation / roles):")
        for account in accounts:
            self.stdout.write(
                f"  {account.username:<16} {account.password:<18} "
                f"{account.organisation}  {','.join(account.roles)}"
            )
        for username, organisation in agencies_demo.seeded_accounts():
            self.stdout.write(
                f"  {username:<16} {kept.get(username, ''):<18} {organisation}  operator"
            )
        self.stdout.write(
            f"API token of demo_checker's organisation (lists:check, subjects:read): {token}"
        )
        self.stdout.write(
            "API token of the demo bank (records:read_authorised, GET /api/v1/authorised/…): "
            f"{kept.get(consents_demo.TOKEN_ENTRY, '')}"
        )
        if credit_report is not None:
            self.stdout.write(
                f"credit report {credit_report.number} of the example company: verify it at "
                f"/verify/{credit_report.code}/"
            )
        example = services.account_example()
        if example is not None:
            self.stdout.write(
                f"subject account: sign in at /account/sign-in/ as {example.name} "
                f"({example.uscc}); demo_operator reads the one-time code out at "
                "/office/sign-in-codes/"
            )
        if not options["prepare_only"]:
            self._serve(options["port"])

    def _serve(self, port: int) -> None:
        env = {**os.environ, "XINYONG_HTTPS": os.environ.get("XINYONG_HTTPS", "0")}
        xinyong = [sys.executable, "-m", "xinyong.cli"]
        children = [
            subprocess.Popen([*xinyong, "serve", "--port", str(port)], env=env),
            subprocess.Popen([*xinyong, "worker"], env=env),
        ]

        def stop(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                child.wait(timeout=30)
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        url = f"http://127.0.0.1:{port}/"
        try:
            self._wait_until_ready(url, children)
            self.stdout.write(self.style.SUCCESS(f"xinyong is serving at {url}  (Ctrl-C stops)"))
            while all(child.poll() is None for child in children):
                time.sleep(1)
            raise CommandError("a demo process stopped; see its output above")
        except KeyboardInterrupt:
            stop()
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()

    @staticmethod
    def _wait_until_ready(url: str, children: list[subprocess.Popen[bytes]]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                raise CommandError("the server or the worker failed to start")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise CommandError(f"the server did not answer at {url} within {READY_TIMEOUT_SECONDS}s")
