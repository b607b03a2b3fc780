"""PDF documents from Django templates (WeasyPrint), set in a CJK font.

Written replies, repair decisions and notices are ordinary templates that extend
`core/pdf/base.html` (A4, page numbers, Noto CJK from Debian's `fonts-noto-cjk`, installed by
`scripts/ensure-system-packages`, drawn from the compact copies `pdf_fonts` makes). Rendering
needs no network: the base URL is a local folder and templates must not link to remote
resources.
"""

from __future__ import annotations

import hashlib
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


def render_pdf(
    template_name: str, context: dict[str, Any], *, language: str = "zh-hans"
) -> PdfDocument:
    """Render `template_name` with `context` to a PDF, in `language` (documents handed to a
    subject are in Chinese whatever the reader's browser asks for)."""
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s at start-up

    with translation.override(language):
        html = render_to_string(template_name, context)
    font_config, stylesheets = document_fonts()
    content = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=stylesheets, font_config=font_config
    )
    assert content is not None  # write_pdf() without a target returns the bytes
    return PdfDocument(content, hashlib.sha256(content).hexdigest())
