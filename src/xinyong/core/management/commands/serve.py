"""`xinyong serve [--port N]`: the production web server (gunicorn), as an operator runs it."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """Gunicorn configured from code, so `xinyong serve` needs no config file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # e.g. control_socket exists from gunicorn 27 on
                self.cfg.set(key, value)

    def load(self) -> Any:
        from xinyong.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (collects static files first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(4, 2 * (os.cpu_count() or 1) + 1))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        _Gunicorn(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "threads": options["threads"],
                "worker_class": "gthread",
                "accesslog": "-",
                "timeout": 120,
                "graceful_timeout": 20,
                "proc_name": "xinyong",
                # Keep the control socket with the instance's data, not in $HOME.
                "control_socket": str(settings.XINYONG_VAR_DIR / "gunicorn.ctl"),
            }
        ).run()
