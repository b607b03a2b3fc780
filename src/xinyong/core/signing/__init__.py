"""Ed25519 signatures over canonical JSON that anyone can verify offline (docs/signing.md).

`sign(payload)` gives an envelope; `verify(envelope, published_keys())` — or, offline, with
the keys of a saved /api/v1/keys answer (`keys_from_document`) — says whether it holds and,
if not, why. Check receipts, credit reports and peer feeds all sign through here.
"""

from xinyong.core.signing.canonical import CanonicalError, canonical, canonical_text, loads
from xinyong.core.signing.envelope import (
    ALGORITHM,
    Envelope,
    EnvelopeEncoder,
    KeysDocumentError,
    PublicKey,
    Verification,
    key_entry,
    keys_from_document,
    verify,
    verify_text,
)
from xinyong.core.signing.keys import (
    Rotation,
    SigningError,
    configured_key_id,
    generate,
    published_keys,
    rotate,
    sign,
)

__all__ = [
    "ALGORITHM",
    "CanonicalError",
    "Envelope",
    "EnvelopeEncoder",
    "KeysDocumentError",
    "PublicKey",
    "Rotation",
    "SigningError",
    "Verification",
    "canonical",
    "canonical_text",
    "configured_key_id",
    "generate",
    "key_entry",
    "keys_from_document",
    "loads",
    "published_keys",
    "rotate",
    "sign",
    "verify",
    "verify_text",
]
