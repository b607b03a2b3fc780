"""PDF documents from Django templates (WeasyPrint), set in a CJK font.

Written replies, repair decisions and notices are ordinary templates that extend
`core/pdf/base.html` (A4, page numbers, Noto CJK from Debian's `fonts-noto-cjk`, installed by
`scripts/ensure-system-packages`, drawn from the compact copies `pdf_fonts` makes). Rendering
needs no network: the base URL is a local folder and templates must not link to remote
resources.
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from xinyong.core.pdf_fonts import document_fonts


@dataclass(frozen=True)
class PdfDocument:
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


class _Collector:
    """Fewer garbage collections while a document is drawn.

    Laying out and painting a document allocates hundreds of thousands of short-lived
    objects (boxes, computed styles, glyph runs). With CPython's default threshold (a young
    collection every 700 allocations) the collections, reaching into the older generations
    and so walking the process's long-lived objects (Django, templates, fonts), took
    0.19-0.35 s of a 300-record report's ~1 s (measured with gc.callbacks: ~150 collections);
    with 20,000, 0.02-0.03 s. The threshold is process-wide, so it is raised while any
    thread draws and restored when the last one finishes; memory between collections grows
    by a few MB at most."""

    YOUNG_THRESHOLD = 20_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._drawing = 0
        self._saved = gc.get_threshold()

    @contextmanager
    def drawing(self) -> Iterator[None]:
        with self._lock:
            if self._drawing == 0:
                self._saved = gc.get_threshold()
                gc.set_threshold(max(self.YOUNG_THRESHOLD, self._saved[0]), *self._saved[1:])
            self._drawing += 1
        try:
            yield
        finally:
            with self._lock:
                self._drawing -= 1
                if self._drawing == 0:
                    gc.set_threshold(*self._saved)


_collector = _Collector()


def render_pdf(
    template_name: str, context: dict[str, Any], *, language: str = "zh-hans"
) -> PdfDocument:
    """Render `template_name` with `context` to a PDF, in `language` (documents handed to a
    subject are in Chinese whatever the reader's browser asks for)."""
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s at start-up

    with _collector.drawing(), translation.override(language):
        html = render_to_string(template_name, context)
        font_config, stylesheets = document_fonts()
        content = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            stylesheets=stylesheets, font_config=font_config
        )
    assert content is not None  # write_pdf() without a target returns the bytes
    return PdfDocument(content, hashlib.sha256(content).hexdigest())
