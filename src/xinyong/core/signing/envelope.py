"""Signed envelopes and public keys, with no database: what an offline verifier needs.

An envelope is `{"payload": …, "signature": {"alg": "Ed25519", "key_id": …, "signed_at": …,
"value": …}}`. The signature is Ed25519 over the canonical JSON (`canonical.py`) of the
envelope without `signature.value`, so it covers the payload, the key id, the algorithm and
the time of signing: none of them can be changed or moved to another envelope.

A key id is the public key's JWK thumbprint (RFC 7638, SHA-256, base64url), which anyone can
recompute from the key itself; times are UTC to the second, `2026-05-01T08:00:00Z`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _

from xinyong.core.errors import ReasonedError
from xinyong.core.signing.canonical import CanonicalError, canonical, canonical_text, loads

ALGORITHM = "Ed25519"
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_HEADER_FIELDS = frozenset({"alg", "key_id", "signed_at", "value"})


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 4648 §5), as JOSE writes keys and signatures."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    """Decode what `b64url` wrote; ValueError for anything else (padding, other letters)."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:  # stray bits in the last character: not the canonical spelling
        raise ValueError("not base64url")
    return data


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """Read what `format_time` wrote; ValueError for anything else."""
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)


def key_id_for(raw_public_key: bytes) -> str:
    """The JWK thumbprint (RFC 7638) of an Ed25519 public key."""
    jwk = {"crv": "Ed25519", "kty": "OKP", "x": b64url(raw_public_key)}
    return b64url(hashlib.sha256(canonical(jwk)).digest())


def raw_public(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


@dataclass(frozen=True)
class PublicKey:
    """A published key and the period in which it signed (`valid_until` None: still signs)."""

    key_id: str
    raw: bytes
    valid_from: datetime
    valid_until: datetime | None

    @property
    def pem(self) -> str:
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def covers(self, moment: datetime) -> bool:
        """Whether the key was in use at `moment` (the end of its period is not)."""
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)


def signed_message(payload: Any, header: Mapping[str, str]) -> bytes:
    """The bytes a signature covers: the envelope's canonical form without `value`."""
    return _message(canonical_text(payload), canonical_text(dict(header))).encode("utf-8")


def _message(payload_text: str, header_text: str) -> str:
    """The canonical form of `{"payload": …, "signature": …}` from those of its two
    members: "payload" sorts before "signature", and there is no whitespace."""
    return f'{{"payload":{payload_text},"signature":{header_text}}}'


class Envelope(dict[str, Any]):
    """An envelope as `seal` made it, with the canonical text of its payload and of itself,
    so that what stores or sends it need not encode it again (a check's receipt was encoded
    three times: to sign, to store, to answer). `EnvelopeEncoder` writes it from `text`.
    Like the row it goes into, it is never changed after signing: its texts would no longer
    match it."""

    def __init__(self, content: dict[str, Any], payload_text: str, text: str) -> None:
        super().__init__(content)
        self.payload_text = payload_text
        self.text = text


class EnvelopeEncoder(json.JSONEncoder):
    """A JSON encoder (e.g. a JSONField's) that writes an `Envelope` as its own text."""

    def encode(self, o: Any) -> str:
        return o.text if type(o) is Envelope else super().encode(o)


def seal(
    payload: Any, private_key: Ed25519PrivateKey, key_id: str, signed_at: datetime
) -> Envelope:
    """Sign `payload` as of `signed_at`; CanonicalError if it has no canonical form."""
    return seal_text(canonical_text(payload), private_key, key_id, signed_at)


def seal_text(
    payload_text: str, private_key: Ed25519PrivateKey, key_id: str, signed_at: datetime
) -> Envelope:
    """Sign the payload whose canonical text is `payload_text` as of `signed_at`.

    The envelope is rebuilt from the signed bytes, so it holds a copy of exactly what was
    signed: a caller changing its payload afterwards cannot change the envelope."""
    header = {"alg": ALGORITHM, "key_id": key_id, "signed_at": format_time(signed_at)}
    message = _message(payload_text, canonical_text(header))
    value = b64url(private_key.sign(message.encode("utf-8")))
    content: dict[str, Any] = json.loads(message)
    content["signature"]["value"] = value
    # "value" sorts after the header's other keys: it goes last, before the two closing braces.
    return Envelope(content, payload_text, f'{message[:-2]},"value":"{value}"}}}}')


@dataclass(frozen=True)
class Verification:
    """The outcome: `valid`, or a stable `reason` code and a `message` for people."""

    valid: bool
    reason: str = ""
    message: str = ""
    key_id: str = ""
    signed_at: datetime | None = None


class _Refused(Exception):
    def __init__(self, reason: str, message: str, key_id: str = "") -> None:
        super().__init__(reason)
        self.reason, self.message, self.key_id = reason, message, key_id


def verify(envelope: Any, public_keys: Iterable[PublicKey]) -> Verification:
    """Check `envelope` (parsed JSON) against `public_keys`; never raises on bad input.

    Reasons: `envelope.malformed`, `signature.algorithm`, `key.unknown`, `key.not_valid_then`
    (signed outside the key's period), `signature.invalid` (the payload, the header or the
    signature was changed, or another key signed it).
    """
    try:
        header, value, signed_at = _parts(envelope)
        key = _key(header["key_id"], signed_at, public_keys)
        try:
            message = signed_message(envelope["payload"], header)
        except CanonicalError as exc:
            raise _Refused("envelope.malformed", exc.message, key.key_id) from exc
        try:
            Ed25519PublicKey.from_public_bytes(key.raw).verify(value, message)
        except InvalidSignature as exc:
            raise _Refused(
                "signature.invalid",
                _("签名不符：内容被改动过，或不是用该密钥签署的"),
                key.key_id,
            ) from exc
    except _Refused as refused:
        return Verification(False, refused.reason, refused.message, refused.key_id)
    return Verification(True, key_id=key.key_id, signed_at=signed_at)


def verify_text(text: str | bytes, public_keys: Iterable[PublicKey]) -> Verification:
    """`verify` of an envelope still in its JSON text, parsed strictly (`canonical.loads`)."""
    try:
        envelope = loads(text)
    except CanonicalError as exc:
        return Verification(False, "envelope.malformed", exc.message)
    return verify(envelope, public_keys)


def _parts(envelope: Any) -> tuple[dict[str, str], bytes, datetime]:
    """The signed header, the signature bytes and the signing time, or `_Refused`."""
    malformed = _('不是签名信封：应为 {"payload": …, "signature": {alg, key_id, signed_at, value}}')
    if not isinstance(envelope, dict) or set(envelope) != {"payload", "signature"}:
        raise _Refused("envelope.malformed", malformed)
    signature = envelope["signature"]
    if not isinstance(signature, dict) or set(signature) != _HEADER_FIELDS:
        raise _Refused("envelope.malformed", malformed)
    if not all(isinstance(part, str) for part in signature.values()):
        raise _Refused("envelope.malformed", malformed)
    if signature["alg"] != ALGORITHM:
        raise _Refused(
            "signature.algorithm",
            _("不支持的签名算法“%(alg)s”：平台只用 Ed25519") % {"alg": signature["alg"][:20]},
        )
    try:
        value = from_b64url(signature["value"])
        signed_at = parse_time(signature["signed_at"])
    except ValueError as exc:
        raise _Refused(
            "envelope.malformed",
            _("签名值应为 base64url，签署时间应形如 2026-05-01T08:00:00Z"),
        ) from exc
    if len(value) != 64:
        raise _Refused("envelope.malformed", _("Ed25519 签名值应为 64 字节"))
    header = {name: signature[name] for name in ("alg", "key_id", "signed_at")}
    return header, value, signed_at


def _key(key_id: str, signed_at: datetime, public_keys: Iterable[PublicKey]) -> PublicKey:
    key = next((k for k in public_keys if k.key_id == key_id), None)
    if key is None:
        raise _Refused(
            "key.unknown",
            _("未知的密钥编号“%(key)s”：不在平台公布的公钥中（/api/v1/keys）")
            % {"key": key_id[:64]},
            key_id[:64],
        )
    if not key.covers(signed_at):
        raise _Refused(
            "key.not_valid_then",
            _("签署时间 %(at)s 不在该密钥的有效期内") % {"at": format_time(signed_at)},
            key.key_id,
        )
    return key


# -- the public key list (GET /api/v1/keys) ----------------------------------------------------


class KeysDocumentError(ReasonedError):
    """A key list that cannot be trusted as it stands; nothing was verified with it."""


def key_entry(key: PublicKey) -> dict[str, Any]:
    """One key as /api/v1/keys lists it."""
    return {
        "key_id": key.key_id,
        "algorithm": ALGORITHM,
        "public_key": b64url(key.raw),
        "public_key_pem": key.pem,
        "valid_from": format_time(key.valid_from),
        "valid_until": format_time(key.valid_until) if key.valid_until else None,
        "current": key.valid_until is None,
    }


def keys_from_document(document: Any) -> list[PublicKey]:
    """The keys of a saved /api/v1/keys answer, each checked against its own key id and PEM,
    so a key list edited by hand cannot vouch for a key under another key's name."""
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise KeysDocumentError("keys.malformed", _('不是公钥列表：应为 {"keys": [...]}'))
    return [_key_from_entry(index, entry) for index, entry in enumerate(entries)]


def _key_from_entry(index: int, entry: Any) -> PublicKey:
    def refuse(message: str) -> KeysDocumentError:
        return KeysDocumentError(
            "keys.malformed",
            _("第 %(n)d 个公钥：%(problem)s") % {"n": index + 1, "problem": message},
        )

    if not isinstance(entry, dict) or entry.get("algorithm") != ALGORITHM:
        raise refuse(_("不是 Ed25519 公钥"))
    try:
        raw = from_b64url(str(entry.get("public_key", "")))
        Ed25519PublicKey.from_public_bytes(raw)  # 32 bytes, or ValueError
        until = entry.get("valid_until")
        key = PublicKey(
            key_id=str(entry.get("key_id", "")),
            raw=raw,
            valid_from=parse_time(str(entry.get("valid_from", ""))),
            valid_until=None if until is None else parse_time(str(until)),
        )
    except ValueError as exc:
        raise refuse(_("公钥应为 32 字节的 base64url，时间应形如 2026-05-01T08:00:00Z")) from exc
    if key.key_id != key_id_for(raw):
        raise refuse(_("密钥编号与公钥不符"))
    if "public_key_pem" in entry and _pem_raw(entry["public_key_pem"]) != raw:
        raise refuse(_("PEM 与 base64url 公钥不是同一把密钥"))
    return key


def _pem_raw(pem: Any) -> bytes | None:
    """The raw bytes of an Ed25519 public key in PEM, None if it is anything else."""
    try:
        loaded = serialization.load_pem_public_key(str(pem).encode("ascii"))
    except (ValueError, UnsupportedAlgorithm):
        return None
    if not isinstance(loaded, Ed25519PublicKey):
        return None
    return loaded.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
