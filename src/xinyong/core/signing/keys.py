"""The platform's signing key: where the private half lives, publication, rotation, signing.

The private key never enters the database. It comes from `XINYONG_SIGNING_KEY` (production:
base64 of the 32-byte Ed25519 private key, from `xinyong keys generate`) or else from
`var/signing_key` (same text, mode 0600), which is created on first use so the demo and the
tests need no setup. The database holds the public halves (`SigningKey`) with the period
each signed in; /api/v1/keys lists them.

A key signs only while it is published and in its period. The first key is published on
first use; after that a new key is published only by `rotate`, so a host whose private key
does not match the published one refuses to sign instead of signing with a key no one can
verify. A process remembers a committed check of its key for `RECHECK` (signing then needs
no query) and never past the key's end, which a rotation sets `RECHECK` ahead: envelopes
signed by a process that has not yet seen the rotation still fall inside the old key's
period.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.core.errors import ReasonedError
from xinyong.core.models import SigningKey
from xinyong.core.signing.canonical import canonical_text
from xinyong.core.signing.envelope import (
    ALGORITHM,
    Envelope,
    PublicKey,
    b64url,
    from_b64url,
    key_id_for,
    raw_public,
    seal_text,
)

KEY_FILE = "signing_key"
RECHECK = timedelta(seconds=60)
"""How long a process signs on a committed check of its key; also how long a rotated-out key
keeps signing, so no process signs outside its key's period."""


class SigningError(ReasonedError):
    """The platform cannot sign now; the message says what the operator must do."""


@dataclass(frozen=True)
class _Signer:
    private_key: Ed25519PrivateKey
    key_id: str
    good_until: datetime


_remembered: _Signer | None = None


def forget(**_signal: Any) -> None:
    """Drop the remembered key check (after a rotation, a migration or a test's flush)."""
    global _remembered
    _remembered = None


def _remember(signer: _Signer) -> None:
    global _remembered
    _remembered = signer


def _whole_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def sign(payload: Any) -> Envelope:
    """The envelope of `payload` signed now with the platform's key (`envelope.py`).

    CanonicalError when the payload has no canonical form (before anything is written, a
    first key's publication included); SigningError when the configured key may not sign.
    """
    payload_text = canonical_text(payload)
    moment = timezone.now()
    signer = _signer(moment)
    return seal_text(payload_text, signer.private_key, signer.key_id, _whole_second(moment))


def _signer(moment: datetime) -> _Signer:
    remembered = _remembered
    if remembered is not None and moment < remembered.good_until:
        return remembered
    private_key = _configured_key()
    key_id = key_id_for(raw_public(private_key))
    row = SigningKey.objects.filter(key_id=key_id).first() or _publish_first(private_key, moment)
    if not row.usable_at(moment):
        raise SigningError(
            "signing.key_retired",
            _("本机的签名私钥 %(key)s 已停用：请换用当前密钥，或运行 xinyong keys rotate")
            % {"key": key_id},
        )
    ends = moment + RECHECK
    signer = _Signer(private_key, key_id, min(ends, row.valid_until or ends))
    # Remembered only once committed: a check inside a transaction that rolls back (a
    # publication undone, a test's database) must not outlive it.
    transaction.on_commit(partial(_remember, signer))
    return signer


def _publish_first(private_key: Ed25519PrivateKey, moment: datetime) -> SigningKey:
    """Publish the configured key if no key is current yet (first use); refuse otherwise."""
    raw = raw_public(private_key)
    key_id = key_id_for(raw)
    try:
        with transaction.atomic():
            row = SigningKey.objects.filter(key_id=key_id).first()
            if row is not None:  # published by another process meanwhile
                return row
            if SigningKey.objects.filter(valid_until__isnull=True).exists():
                raise _not_published(key_id)
            row = SigningKey.objects.create(
                key_id=key_id,
                algorithm=ALGORITHM,
                public_key=b64url(raw),
                valid_from=_whole_second(moment),
            )
            audit.record("signing_key.publish", "signing_key", key_id, after=_shown(row))
    except IntegrityError:
        row = SigningKey.objects.filter(key_id=key_id).first()
        if row is None:
            raise _not_published(key_id) from None
    return row


def _not_published(key_id: str) -> SigningError:
    return SigningError(
        "signing.key_not_published",
        _(
            "本机的签名私钥 %(key)s 不是平台公布的当前密钥：恢复当前密钥的私钥，"
            "或运行 xinyong keys rotate 发布新密钥"
        )
        % {"key": key_id},
    )


def _shown(row: SigningKey) -> dict[str, Any]:
    """A key as the audit log records it (public facts only)."""
    return {
        "key_id": row.key_id,
        "valid_from": row.valid_from.isoformat(),
        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
    }


# -- the private key ---------------------------------------------------------------------------


def key_file() -> Path:
    return Path(settings.XINYONG_VAR_DIR) / KEY_FILE


def _configured_key() -> Ed25519PrivateKey:
    """The environment's key, else the key file's, creating the file on first use."""
    if settings.XINYONG_SIGNING_KEY is not None:
        return Ed25519PrivateKey.from_private_bytes(settings.XINYONG_SIGNING_KEY)
    path = key_file()
    if not path.exists():
        if SigningKey.objects.filter(valid_until__isnull=True).exists():
            raise SigningError(
                "signing.key_missing",
                _(
                    "签名私钥文件 %(path)s 不存在，而平台已有正在使用的密钥：恢复该文件，"
                    "或运行 xinyong keys rotate 换用新密钥"
                )
                % {"path": path},
            )
        _private_key, made = _write_new_key(path)
        try:
            os.link(made, path)  # fails if another process created it first: use theirs
        except FileExistsError:
            pass
        finally:
            made.unlink()
    return _read_key(path)


def configured_key_id() -> str | None:
    """The key id of this host's private key, None when there is none yet (nothing created)."""
    if settings.XINYONG_SIGNING_KEY is None and not key_file().exists():
        return None
    return key_id_for(raw_public(_configured_key()))


def _read_key(path: Path) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise SigningError(
            "signing.key_file", _("无法读取签名私钥文件 %(path)s") % {"path": path}
        ) from exc
    if len(raw) != 32:
        raise SigningError(
            "signing.key_file",
            _("签名私钥文件 %(path)s 应为 32 字节的 base64 文本") % {"path": path},
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


def _write_new_key(path: Path) -> tuple[Ed25519PrivateKey, Path]:
    """A new key written to a temporary 0600 file beside `path` (the caller moves it)."""
    private_key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    made = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(_private_text(private_key) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return private_key, made


def _private_text(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode("ascii")


def generate() -> str:
    """A new private key as `XINYONG_SIGNING_KEY` takes it; stored nowhere."""
    return _private_text(Ed25519PrivateKey.generate())


# -- published keys and rotation ---------------------------------------------------------------


def _public(row: SigningKey) -> PublicKey:
    return PublicKey(row.key_id, from_b64url(row.public_key), row.valid_from, row.valid_until)


def published_keys() -> list[PublicKey]:
    """Every key the platform has signed with, newest first (what /api/v1/keys lists)."""
    return [_public(row) for row in SigningKey.objects.order_by("-valid_from", "-id")]


@dataclass(frozen=True)
class Rotation:
    """The key that signs from now on, and the one it replaced (None at the first)."""

    current: PublicKey
    retired: PublicKey | None


def rotate() -> Rotation:
    """Publish a new signing key and end the current one's period `RECHECK` from now.

    With `XINYONG_SIGNING_KEY` set, the new key is the one it holds (put a fresh one there
    first); otherwise a new key replaces var/signing_key once the database has committed, and
    the old private key is gone. Call it outside any transaction.
    """
    moment = _whole_second(timezone.now())
    made: Path | None = None
    if settings.XINYONG_SIGNING_KEY is not None:
        private_key = Ed25519PrivateKey.from_private_bytes(settings.XINYONG_SIGNING_KEY)
    else:
        private_key, made = _write_new_key(key_file())
    raw = raw_public(private_key)
    key_id = key_id_for(raw)
    try:
        with transaction.atomic():
            if SigningKey.objects.filter(key_id=key_id).exists():
                raise SigningError(
                    "signing.already_published",
                    _(
                        "XINYONG_SIGNING_KEY 中的密钥已经发布过：先用 xinyong keys generate "
                        "生成新私钥放入该变量，再运行 rotate"
                    ),
                )
            old = SigningKey.objects.select_for_update().filter(valid_until__isnull=True).first()
            before = {"current": _shown(old)} if old else None
            if old is not None:
                old.valid_until = moment + RECHECK
                old.save(update_fields=["valid_until"])
            new = SigningKey.objects.create(
                key_id=key_id, algorithm=ALGORITHM, public_key=b64url(raw), valid_from=moment
            )
            after = {"current": _shown(new), "retired": _shown(old) if old else None}
            audit.record("signing_key.rotate", "signing_key", key_id, before=before, after=after)
        if made is not None:
            os.replace(made, key_file())
            made = None
    finally:
        if made is not None:
            made.unlink()
    forget()
    return Rotation(_public(new), _public(old) if old else None)
