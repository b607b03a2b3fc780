"""Evidence files that subjects attach to objections and repair applications.

Files come from the public internet, so they are checked before they are kept: by size, and
by what their first bytes say they are (PDF, PNG or JPEG), never by the name or the type the
browser claims. They are stored under the var directory by a random name; the original name
is kept only as text, cleaned, to show back to the people handling the case.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
_CHUNK = 64 * 1024


class EvidenceRefused(Exception):
    """A file that may not be kept; `code` is stable, the message says why in Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    content_type: str
    sha256: str
    stored_path: str
    """Relative to the evidence root; what `open_evidence` takes."""


def _root() -> Path:
    return Path(settings.XINYONG_VAR_DIR) / "evidence"


def _clean_name(name: str) -> str:
    base = unicodedata.normalize("NFKC", Path(name or "").name)
    base = re.sub(r"[\x00-\x1f\x7f/\\]", "", base).strip()
    return base[:100] or _("附件")


def _kind(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, suffix in _SIGNATURES:
        if head.startswith(signature):
            return content_type, suffix
    return None


def store_evidence(upload: IO[bytes], folder: str, *, name: str = "") -> StoredFile:
    """Check and keep one uploaded file under `folder` (e.g. "objections/<public id>").
    Raises EvidenceRefused for an empty, oversized or unsupported file, keeping nothing."""
    if not re.fullmatch(r"[a-z_]+/[0-9a-f]{8,64}", folder):
        raise ValueError(f"unexpected evidence folder {folder!r}")
    shown_name = _clean_name(name or str(getattr(upload, "name", "")))
    head = upload.read(_CHUNK)
    if not head:
        raise EvidenceRefused("evidence.empty", _("附件“%s”是空文件") % shown_name)
    kind = _kind(head)
    if kind is None:
        raise EvidenceRefused("evidence.type", _("附件“%s”不是 PDF、PNG 或 JPEG 文件") % shown_name)
    content_type, suffix = kind
    target_dir = _root() / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    relative = f"{folder}/{secrets.token_hex(16)}{suffix}"
    target = _root() / relative
    digest, size = hashlib.sha256(), 0
    try:
        with target.open("xb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > MAX_BYTES:
                    raise EvidenceRefused(
                        "evidence.too_large",
                        _("附件“%(name)s”超过 %(mb)d MB")
                        % {"name": shown_name, "mb": MAX_BYTES // (1024 * 1024)},
                    )
                digest.update(chunk)
                out.write(chunk)
                chunk = upload.read(_CHUNK)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredFile(shown_name, size, content_type, digest.hexdigest(), relative)


def discard_evidence(stored: StoredFile) -> None:
    """Remove a kept file whose case was not saved after all (a later file was refused)."""
    (_root() / stored.stored_path).unlink(missing_ok=True)


def open_evidence(stored_path: str) -> IO[bytes]:
    """Open a kept file for reading (for the people handling the case)."""
    path = (_root() / stored_path).resolve()
    if _root().resolve() not in path.parents:
        raise ValueError("evidence path outside the evidence root")
    return path.open("rb")
