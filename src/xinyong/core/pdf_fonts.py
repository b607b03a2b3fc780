"""Compact copies of the CJK fonts documents are set in, so that drawing a PDF is fast.

WeasyPrint embeds in each PDF the part of each face the document uses, cut from the whole
font. Noto Sans CJK is a 20 MB collection of 65,000 glyphs: cutting it costs about 45 ms a
face for every document, and the cut keeps glyph numbers up to 65,000 (most of a short
report's 300 kB). The copies made here hold GB 2312 (the 6,763 common characters), Latin,
punctuation and the usual symbols, renumbered from zero: cutting them costs a few
milliseconds and a three-page report shrinks by half. A character outside them (a rare
character in a name) is still drawn: stylesheets name the full font next, and the text
engine takes that one character from it.

The copies are cut with HarfBuzz from the files fontconfig chooses for the full fonts (the
ones the text engine would otherwise use), on first use (~0.15 s a face), and kept under
XINYONG_VAR_DIR/fonts in files named after their source, so a changed system font makes
new copies. When the full fonts cannot be found, documents are drawn with whatever the
stylesheets name next, as before: slower, never wrong.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import subprocess
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

logger = logging.getLogger(__name__)

CUT_VERSION = "1"
"""Part of each copy's file name: change it when the character set below changes."""


@dataclass(frozen=True)
class Face:
    family: str
    """The name stylesheets use for the copy (templates name it first)."""
    source: str
    """The fontconfig family of the full font the copy is cut from."""
    weight: str


FACES = (
    Face("Xinyong Sans", "Noto Sans CJK SC", "normal"),
    Face("Xinyong Sans", "Noto Sans CJK SC", "bold"),
    Face("Xinyong Serif", "Noto Serif CJK SC", "normal"),
    Face("Xinyong Serif", "Noto Serif CJK SC", "bold"),
)

_FC_STYLE = {"normal": "Regular", "bold": "Bold"}

_SYMBOL_RANGES = (
    (0x0020, 0x007F),  # ASCII
    (0x00A0, 0x0180),  # Latin-1 and Latin Extended-A
    (0x2000, 0x2070),  # general punctuation
    (0x2100, 0x2300),  # letterlike, number forms, arrows, mathematical operators
    (0x2460, 0x2500),  # enclosed numbers ①
    (0x25A0, 0x2600),  # geometric shapes ■ ●
    (0x3000, 0x3040),  # CJK punctuation 〔〕「」
    (0xFF00, 0xFFF0),  # full-width forms
)


@cache
def _characters() -> tuple[int, ...]:
    """GB 2312 (every character the encoding has) and the symbol ranges."""
    found: set[int] = set()
    for low, high in _SYMBOL_RANGES:
        found.update(range(low, high))
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return tuple(sorted(found))


def _source(face: Face) -> tuple[Path, int] | None:
    """The file and index fontconfig gives for the full font, or None when it is missing
    (fontconfig then answers with some other family)."""
    try:
        answer = subprocess.run(
            [
                "fc-match",
                "--format",
                "%{file}|%{index}|%{family}",
                f"{face.source}:style={_FC_STYLE[face.weight]}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, index, families = answer.split("|", 2) if answer.count("|") >= 2 else ("", "0", "")
    if face.source not in families.split(",") or not file:
        return None
    return Path(file), int(index or 0)


def _cut(source: Path, index: int, target: Path) -> None:
    """Write the face at `index` of `source`, cut to `_characters()`, to `target`."""
    import uharfbuzz as hb

    subset_input = hb.SubsetInput()
    for character in _characters():
        subset_input.unicode_set.add(character)
    subset_input.flags = hb.SubsetFlags.NO_HINTING
    cut = hb.subset(hb.Face(hb.Blob.from_file_path(str(source)), index), subset_input)
    if cut is None:
        raise ValueError(f"HarfBuzz could not cut {source}#{index}")
    partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(cut.blob.data)
    partial.replace(target)  # atomic: a process that reads the file sees all of it


def _copy(face: Face) -> Path | None:
    """The compact copy of `face`, cut now unless an earlier process did."""
    found = _source(face)
    if found is None:
        return None
    source, index = found
    stat = source.stat()
    key = f"{CUT_VERSION}|{source}|{index}|{stat.st_size}|{stat.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    name = f"{face.family.replace(' ', '-')}-{face.weight}-{digest}.otf"
    target = Path(settings.XINYONG_VAR_DIR) / "fonts" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _cut(source, index, target)
    return target


@cache
def _font_face_rules() -> str:
    """The @font-face rules of the copies (made once a process). A family is declared only
    when every weight of it could be made: with its regular face missing, the text engine
    would set all text in the bold one rather than fall back."""
    rules: list[str] = []
    for family in dict.fromkeys(face.family for face in FACES):
        faces = [face for face in FACES if face.family == family]
        try:
            paths = [_copy(face) for face in faces]
        except (OSError, ValueError, ImportError) as error:
            logger.warning("no compact copy of %s: %s", family, error)
            continue
        if None in paths:
            logger.warning("the fonts of %s were not found; documents use the fallback", family)
            continue
        rules.extend(
            f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
            f"src: url({path.as_uri()}); }}"
            for face, path in zip(faces, paths, strict=True)
            if path is not None
        )
    return "\n".join(rules)


_per_thread = threading.local()


@atexit.register
def _drop_main_thread_fonts() -> None:
    """Drop the main thread's configuration before the interpreter tears modules down:
    WeasyPrint's clean-up of it needs them (exit handlers run in the main thread)."""
    _per_thread.__dict__.clear()


def document_fonts() -> tuple[FontConfiguration, list[CSS]]:
    """The font configuration and stylesheet to draw a document with.

    One per thread and kept: loading the copies into the text engine is done once, and a
    font configuration must not be shared between threads (gunicorn's gthread workers
    draw reports in several)."""
    fonts = getattr(_per_thread, "fonts", None)
    if fonts is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        config = FontConfiguration()
        rules = _font_face_rules()
        fonts = (config, [CSS(string=rules, font_config=config)] if rules else [])
        _per_thread.fonts = fonts
    return fonts
