"""Encryption of personal identifiers at rest (AES-GCM) and keyed hashes for exact lookup.

Two keys are derived from XINYONG_DATA_KEY with HKDF, one per purpose, so the lookup hash
reveals nothing about the encryption key and vice versa. The ciphertext carries a version
byte so a future key rotation can tell old from new.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = b"\x01"
_NONCE_BYTES = 12


class DecryptionError(ValueError):
    """The ciphertext is damaged, or was made with another key or context."""


@cache
def _derived(purpose: bytes, master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


def _key(purpose: bytes) -> bytes:
    master: bytes = settings.XINYONG_DATA_KEY
    return _derived(purpose, master)


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt `plaintext`; `context` (e.g. "subject.id_number") is bound as associated data."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(b"xinyong/aes-gcm/v1")).encrypt(
        nonce, plaintext.encode("utf-8"), context.encode("utf-8")
    )
    return base64.b64encode(_VERSION + nonce + sealed).decode("ascii")


def decrypt(token: str, *, context: str) -> str:
    """Decrypt what `encrypt` made with the same context."""
    try:
        raw = base64.b64decode(token, validate=True)
    except ValueError as exc:
        raise DecryptionError("not a ciphertext") from exc
    if raw[:1] != _VERSION or len(raw) < 1 + _NONCE_BYTES + 16:
        raise DecryptionError("unknown ciphertext version")
    nonce, sealed = raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :]
    try:
        plain = AESGCM(_key(b"xinyong/aes-gcm/v1")).decrypt(nonce, sealed, context.encode("utf-8"))
    except Exception as exc:  # cryptography raises InvalidTag; never echo the input
        raise DecryptionError("ciphertext does not verify") from exc
    return plain.decode("utf-8")


def blind_index(value: str, *, context: str) -> str:
    """A keyed hash (HMAC-SHA256, hex) of a normalised identifier, for exact lookup."""
    key = _key(b"xinyong/hmac/v1")
    message = context.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
