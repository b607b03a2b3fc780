"""`GET /api/v1/keys`: public, cacheable, and enough to verify any envelope offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.test import Client

from tests.core.test_signing import RECEIPT, signing_home
from xinyong.core import signing
from xinyong.core.signing.envelope import from_b64url, key_id_for

__all__ = ["signing_home"]  # fixture used by name

pytestmark = pytest.mark.django_db
URL = "/api/v1/keys"


def test_lists_the_signing_key_without_a_token(signing_home: Path, client: Client) -> None:
    assert client.get(URL).json() == {"keys": []}  # nothing signed yet, nothing published
    signing.sign(RECEIPT)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300" and response["ETag"]
    [key] = response.json()["keys"]
    assert set(key) == {
        "key_id",
        "algorithm",
        "public_key",
        "public_key_pem",
        "valid_from",
        "valid_until",
        "current",
    }
    raw = from_b64url(key["public_key"])
    assert key["algorithm"] == "Ed25519" and key["current"] is True and key["valid_until"] is None
    assert key["key_id"] == key_id_for(raw)
    pem = serialization.load_pem_public_key(key["public_key_pem"].encode())
    assert isinstance(pem, Ed25519PublicKey)
    assert pem.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw) == raw


def test_a_token_is_neither_needed_nor_checked(signing_home: Path, client: Client) -> None:
    signing.sign(RECEIPT)
    response = client.get(URL, headers={"Authorization": "Bearer xy_not_a_token"})
    assert response.status_code == 200 and len(response.json()["keys"]) == 1


def test_etag_revalidates_until_a_rotation(signing_home: Path, client: Client) -> None:
    signing.sign(RECEIPT)
    first = client.get(URL)
    unchanged = client.get(URL, headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged["ETag"] == first["ETag"] and unchanged["Cache-Control"]
    signing.rotate()
    changed = client.get(URL, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    current, retired = changed.json()["keys"]
    assert current["current"] is True and current["valid_until"] is None
    assert retired["current"] is False and retired["valid_until"] is not None


def test_a_saved_answer_verifies_receipts_of_current_and_retired_keys(
    signing_home: Path, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    old = signing.sign(RECEIPT)
    signing.rotate()
    new = signing.sign(RECEIPT)
    saved = signing_home / "keys.json"
    saved.write_bytes(client.get(URL).content)
    keys = signing.keys_from_document(json.loads(saved.read_text()))
    assert signing.verify(old, keys).valid and signing.verify(new, keys).valid
    receipt = signing_home / "receipt.json"
    receipt.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    call_command("receipts", "verify", str(receipt), "--keys", str(saved))
    assert old["signature"]["key_id"] in capsys.readouterr().out


def test_openapi_lists_the_route_without_security(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/keys"]["get"]
    assert operation["security"] == []
    assert {"200", "304"} <= set(operation["responses"])
    key = schema["components"]["schemas"]["KeyOut"]
    assert {"key_id", "public_key", "public_key_pem", "valid_from", "valid_until"} <= set(
        key["properties"]
    )
