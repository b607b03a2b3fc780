"""Documents are drawn from compact copies of the CJK fonts, and still right without them."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from xinyong.core import pdf_fonts
from xinyong.core.pdf import render_pdf

SAMPLE = (
    "{% extends 'core/pdf/base.html' %}{% block body %}"
    "<h1>信用修复决定书</h1>"
    "<p>天津市<b>滨海新区</b>张{{ rare }}建材有限公司：你单位的申请已受理。</p>"
    "<table><tr><th>文书号</th><td>津市监罚〔2025〕0137号 − 12 ①</td></tr></table>"
    "{% endblock %}"
)
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                ("django.template.loaders.locmem.Loader", {"sample.html": SAMPLE}),
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]
RARE = "堃"
"""A character of names that GB 2312 lacks (GBK has it): not in the compact copies."""


@pytest.fixture(autouse=True)
def fresh_fonts(tmp_path: Path) -> Iterator[None]:
    """Each test makes its own copies (in its own var folder) and its own configuration."""

    def forget() -> None:
        pdf_fonts._font_face_rules.cache_clear()
        pdf_fonts._per_thread.__dict__.clear()

    forget()
    with override_settings(XINYONG_VAR_DIR=tmp_path, TEMPLATES=TEMPLATES):
        yield
    forget()


def _fonts(data: bytes, tmp_path: Path) -> list[str]:
    """The embedded fonts' names (pdffonts), without their subset prefix."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout
    return sorted({line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:]})


def _text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_documents_are_set_in_the_compact_copies(tmp_path: Path) -> None:
    document = render_pdf("sample.html", {"rare": "伟"})
    assert _fonts(document.content, tmp_path) == [
        "Xinyong-Sans",
        "Xinyong-Sans-Bold",
        "Xinyong-Serif",
        "Xinyong-Serif-Bold",
    ]
    assert "张伟建材有限公司" in _text(document.content, tmp_path)
    copies = sorted(p.name.split("-")[1:3] for p in (tmp_path / "fonts").glob("*.otf"))
    assert copies == [["Sans", "bold"], ["Sans", "normal"], ["Serif", "bold"], ["Serif", "normal"]]


def test_a_character_outside_the_copies_comes_from_the_full_font(tmp_path: Path) -> None:
    document = render_pdf("sample.html", {"rare": RARE})
    assert f"张{RARE}建材有限公司" in _text(document.content, tmp_path)
    assert "Noto-Serif-CJK-SC" in _fonts(document.content, tmp_path)


def test_copies_are_cut_once(tmp_path: Path) -> None:
    render_pdf("sample.html", {"rare": "伟"})
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "fonts").glob("*.otf")}
    pdf_fonts._font_face_rules.cache_clear()
    pdf_fonts._per_thread.__dict__.clear()
    render_pdf("sample.html", {"rare": "伟"})
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "fonts").glob("*.otf")} == before


def test_without_the_full_fonts_documents_are_still_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_fonts, "_source", lambda face: None)
    document = render_pdf("sample.html", {"rare": RARE})
    assert f"张{RARE}建材有限公司" in _text(document.content, tmp_path)
    assert not any(name.startswith("Xinyong") for name in _fonts(document.content, tmp_path))
    assert not (tmp_path / "fonts").exists()


def test_a_family_missing_a_weight_is_not_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Declared with its bold face only, the family would set all its text in bold."""
    found = pdf_fonts._source
    monkeypatch.setattr(
        pdf_fonts,
        "_source",
        lambda face: (
            None if face.family == "Xinyong Sans" and face.weight == "bold" else found(face)
        ),
    )
    rules = pdf_fonts._font_face_rules()
    assert "Xinyong Sans" not in rules
    assert rules.count('font-family: "Xinyong Serif"') == 2
