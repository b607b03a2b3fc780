"""The `xinyong` console script: Django's management entry point under the platform's name.

`xinyong migrate`, `xinyong id check …`, `xinyong serve` are what `manage.py …` would be.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command with the platform's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xinyong", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
