"""The English catalogue is complete and its compiled file matches the source."""

from __future__ import annotations

import subprocess
from pathlib import Path

import xinyong

LOCALE = Path(xinyong.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def test_every_message_is_translated() -> None:
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--only-fuzzy", str(LOCALE / "django.po")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    missing = subprocess.run(
        ["msgattrib", "--untranslated", str(LOCALE / "django.po")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert untranslated == "" and missing == ""


def test_compiled_catalogue_is_current(tmp_path: Path) -> None:
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(LOCALE / "django.po")], check=True
    )
    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes()
