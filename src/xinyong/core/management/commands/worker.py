"""`xinyong worker`: runs background tasks from the database queue (django-tasks-db), with the
daily jobs' runner queued when it starts (see `core.schedules`), and the apps' own recurring
tasks (`XINYONG_WORKER_STARTUP`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Run the background task worker (the same process in the demo and in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Polling interval (s).")
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args: Any, **options: Any) -> None:
        from xinyong.core.tasks import ensure_scheduled

        ensure_scheduled()
        for path in settings.XINYONG_WORKER_STARTUP:
            import_string(path)()
        worker_options: dict[str, Any] = {"interval": options["interval"]}
        if options["batch"]:
            worker_options["batch"] = True
        call_command("db_worker", **worker_options)
