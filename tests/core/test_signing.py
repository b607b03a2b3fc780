"""Signing: canonical JSON, envelopes, the platform's key (file or environment), rotation, and
offline verification with `xinyong receipts verify`."""

from __future__ import annotations

import base64
import json
import math
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models.signals import post_migrate
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings as SettingsWrapper

from xinyong import config
from xinyong.core import signing
from xinyong.core.models import AuditEntry, SigningKey
from xinyong.core.signing import envelope as envelopes
from xinyong.core.signing import keys as keystore
from xinyong.core.signing.canonical import _explain, check

pytestmark = pytest.mark.django_db

RECEIPT = {
    "type": "check_receipt",
    "subject": "91120101MA05T7K12X",
    "scenario": "government_procurement",
    "matter": "津采〔2026〕18号 投标人核查",
    "hits": [{"list": "严重失信主体名单", "entry": 42, "amount": "12.50"}],
    "policy_version": 7,
    "as_of": None,
}


@pytest.fixture
def signing_home(settings: SettingsWrapper, tmp_path: Path) -> Iterator[Path]:
    """A var dir of the test's own and no key in the environment: the key file is made on
    first use here, and no remembered key check leaks between tests."""
    settings.XINYONG_VAR_DIR = tmp_path
    settings.XINYONG_SIGNING_KEY = None
    keystore.forget()
    yield tmp_path
    keystore.forget()


def _private_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _file_key(home: Path) -> Ed25519PrivateKey:
    raw = base64.b64decode((home / keystore.KEY_FILE).read_text())
    return Ed25519PrivateKey.from_private_bytes(raw)


def _now() -> datetime:
    return timezone.now().replace(microsecond=0)


def _keys_file(home: Path) -> Path:
    """The key list as a verifier saves it from /api/v1/keys (the same document)."""
    path = home / "keys.json"
    document = {"keys": [signing.key_entry(key) for key in signing.published_keys()]}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


# -- canonical form ---------------------------------------------------------------------------


def test_canonical_form_sorts_keys_at_every_level_and_drops_whitespace() -> None:
    one = {"b": 1, "a": {"y": [3, {"d": True, "c": None}], "x": "-"}}
    other = {"a": {"x": "-", "y": [3, {"c": None, "d": True}]}, "b": 1}
    expected = b'{"a":{"x":"-","y":[3,{"c":null,"d":true}]},"b":1}'
    assert signing.canonical(one) == signing.canonical(other) == expected


def test_canonical_form_writes_unicode_as_utf8_and_escapes_only_controls() -> None:
    value = {"名称": "天津市\u00e9𝄞", "q": 'say "hi"\\', "c": "\t\n\x01\x7f"}
    assert signing.canonical(value) == (
        '{"c":"\\t\\n\\u0001\x7f","q":"say \\"hi\\"\\\\","名称":"天津市é𝄞"}'.encode()
    )
    # Keys sort by code point: "Z" (U+005A) < "a" < "é" (U+00E9) < "中" (U+4E2D) < "𝄞".
    assert signing.canonical({"𝄞": 1, "中": 2, "é": 3, "a": 4, "Z": 5}) == (
        '{"Z":5,"a":4,"é":3,"中":2,"𝄞":1}'.encode()
    )


def test_canonical_form_keeps_distinct_code_points_distinct() -> None:
    composed, decomposed = "\u00e9", "e\u0301"  # é, and e + combining acute: not normalised
    assert signing.canonical(composed) != signing.canonical(decomposed)


@pytest.mark.parametrize(
    ("value", "reason", "path"),
    [
        ({"amount": 12.5}, "canonical.float", "$.amount"),
        ({"a": [1, math.nan]}, "canonical.float", "$.a[1]"),
        ({"a": math.inf}, "canonical.float", "$.a"),
        ({"n": 2**53}, "canonical.integer_range", "$.n"),
        ({"n": -(2**53)}, "canonical.integer_range", "$.n"),
        ({1: "x"}, "canonical.key_type", "$"),
        ({"t": (1, 2)}, "canonical.type", "$.t"),
        ({"s": {1}}, "canonical.type", "$.s"),
        ({"s": "\ud800"}, "canonical.surrogate", "$.s"),
    ],
)
def test_values_without_a_canonical_form_are_refused_by_path(
    value: Any, reason: str, path: str
) -> None:
    with pytest.raises(signing.CanonicalError) as refused:
        signing.canonical(value)
    assert refused.value.reason == reason and refused.value.path == path
    assert refused.value.message.startswith(f"{path}: ")


def test_integers_at_the_safe_limit_are_kept() -> None:
    assert (
        signing.canonical([2**53 - 1, -(2**53 - 1), 0]) == b"[9007199254740991,-9007199254740991,0]"
    )


def test_deep_nesting_is_refused() -> None:
    value: Any = []
    for _ in range(100):
        value = [value]
    with pytest.raises(signing.CanonicalError) as refused:
        signing.canonical(value)
    assert refused.value.reason == "canonical.depth"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"a": 1, "a": 2}', "canonical.duplicate_key"),
        ('{"a": 1.0}', "canonical.float"),
        ('{"a": NaN}', "canonical.float"),
        ('{"a": 1e3}', "canonical.float"),
        ('{"a": 9007199254740992}', "canonical.integer_range"),
        ('{"a": ', "canonical.json"),
        (b'{"a": "\xff"}', "canonical.json"),
    ],
)
def test_strict_parser_refuses_what_could_verify_differently(
    text: str | bytes, reason: str
) -> None:
    with pytest.raises(signing.CanonicalError) as refused:
        signing.loads(text)
    assert refused.value.reason == reason


# -- signing and verifying ---------------------------------------------------------------------


def test_round_trip_publishes_the_key_on_first_use(signing_home: Path) -> None:
    sealed = signing.sign(RECEIPT)
    [key] = signing.published_keys()
    assert sealed["payload"] == RECEIPT
    assert set(sealed["signature"]) == {"alg", "key_id", "signed_at", "value"}
    assert sealed["signature"]["alg"] == "Ed25519" and sealed["signature"]["key_id"] == key.key_id
    result = signing.verify(sealed, [key])
    assert result.valid and result.reason == "" and result.key_id == key.key_id
    assert result.signed_at is not None and key.covers(result.signed_at)
    # The key file: made on first use, owner-only, and the key it holds is the published one.
    path = signing_home / keystore.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert envelopes.key_id_for(envelopes.raw_public(_file_key(signing_home))) == key.key_id
    assert [e.action for e in AuditEntry.objects.all()] == ["signing_key.publish"]
    # A second signature reuses the published key.
    signing.sign({"type": "other"})
    assert SigningKey.objects.count() == 1


def test_envelope_survives_json_text_in_any_key_order_and_escaping(signing_home: Path) -> None:
    sealed = signing.sign(RECEIPT)
    keys = signing.published_keys()
    pretty = json.dumps(sealed, indent=4, ensure_ascii=True)  # \uXXXX escapes, other layout
    shuffled = json.dumps(
        {"signature": sealed["signature"], "payload": dict(reversed(RECEIPT.items()))},
        ensure_ascii=False,
    )
    assert signing.verify_text(pretty, keys).valid
    assert signing.verify_text(shuffled.encode(), keys).valid


def test_envelope_holds_a_copy_of_what_was_signed(signing_home: Path) -> None:
    payload: dict[str, Any] = {"hits": [1]}
    sealed = signing.sign(payload)
    payload["hits"].append(2)
    assert sealed["payload"] == {"hits": [1]}
    assert signing.verify(sealed, signing.published_keys()).valid


def test_tampered_payload_fails(signing_home: Path) -> None:
    sealed = signing.sign(RECEIPT)
    sealed["payload"]["hits"] = []
    result = signing.verify(sealed, signing.published_keys())
    assert not result.valid and result.reason == "signature.invalid"
    assert "签名不符" in result.message


def test_tampered_header_fails(signing_home: Path) -> None:
    sealed = signing.sign(RECEIPT)
    later = envelopes.parse_time(sealed["signature"]["signed_at"]) + timedelta(seconds=1)
    sealed["signature"]["signed_at"] = envelopes.format_time(later)  # still in the key's period
    result = signing.verify(sealed, signing.published_keys())
    assert not result.valid and result.reason == "signature.invalid"


def test_tampered_signature_fails(signing_home: Path) -> None:
    sealed = signing.sign(RECEIPT)
    value = bytearray(envelopes.from_b64url(sealed["signature"]["value"]))
    value[10] ^= 0x01
    sealed["signature"]["value"] = envelopes.b64url(bytes(value))
    result = signing.verify(sealed, signing.published_keys())
    assert not result.valid and result.reason == "signature.invalid"


@pytest.mark.parametrize(
    "damage",
    [
        lambda e: e.pop("payload"),
        lambda e: e.update(extra=1),
        lambda e: e["signature"].pop("signed_at"),
        lambda e: e["signature"].update(value="not base64url!"),
        lambda e: e["signature"].update(value=e["signature"]["value"][:-4]),
        lambda e: e["signature"].update(signed_at="2026-05-01 08:00:00"),
        lambda e: e["signature"].update(key_id=7),
        lambda e: e["payload"].update(amount=1.5),
    ],
)
def test_malformed_envelopes_are_named_as_such(signing_home: Path, damage: Any) -> None:
    sealed = signing.sign(RECEIPT)
    damage(sealed)
    result = signing.verify(sealed, signing.published_keys())
    assert not result.valid and result.reason == "envelope.malformed" and result.message


def test_other_algorithm_is_refused(signing_home: Path) -> None:
    sealed = signing.sign(RECEIPT)
    sealed["signature"]["alg"] = "none"
    result = signing.verify(sealed, signing.published_keys())
    assert not result.valid and result.reason == "signature.algorithm"


def test_unknown_key_fails(signing_home: Path) -> None:
    sealed = signing.sign(RECEIPT)
    result = signing.verify(sealed, [])
    assert not result.valid and result.reason == "key.unknown" and "/api/v1/keys" in result.message
    stranger = Ed25519PrivateKey.generate()
    own_id = envelopes.key_id_for(envelopes.raw_public(stranger))
    forged = envelopes.seal(RECEIPT, stranger, own_id, _now())
    assert signing.verify(forged, signing.published_keys()).reason == "key.unknown"
    # Claiming the platform's key id does not make a stranger's signature hold.
    posing = envelopes.seal(RECEIPT, stranger, sealed["signature"]["key_id"], _now())
    assert signing.verify(posing, signing.published_keys()).reason == "signature.invalid"


def test_floats_are_refused_before_anything_is_written(signing_home: Path) -> None:
    with pytest.raises(signing.CanonicalError) as refused:
        signing.sign({"score": 0.5})
    assert refused.value.reason == "canonical.float" and "十进制字符串" in refused.value.message
    assert not SigningKey.objects.exists() and not (signing_home / keystore.KEY_FILE).exists()
    assert not AuditEntry.objects.exists()


# -- rotation ----------------------------------------------------------------------------------


def test_retired_key_still_verifies_what_it_signed(signing_home: Path) -> None:
    before = signing.sign(RECEIPT)
    old_private = _file_key(signing_home)
    rotation = signing.rotate()
    assert rotation.retired is not None and rotation.retired.key_id == before["signature"]["key_id"]
    assert rotation.retired.valid_until == rotation.current.valid_from + keystore.RECHECK
    after = signing.sign(RECEIPT)
    assert after["signature"]["key_id"] == rotation.current.key_id != rotation.retired.key_id
    keys = signing.published_keys()
    assert [k.key_id for k in keys] == [rotation.current.key_id, rotation.retired.key_id]
    assert signing.verify(before, keys).valid and signing.verify(after, keys).valid
    # The old private key is gone from the var dir; the file holds the new one, still 0600.
    assert _private_bytes(_file_key(signing_home)) != _private_bytes(old_private)
    assert stat.S_IMODE((signing_home / keystore.KEY_FILE).stat().st_mode) == 0o600
    assert [p.name for p in signing_home.iterdir() if "signing" in p.name] == [keystore.KEY_FILE]
    # Signed with the old key after its period ended (a leaked key, say): refused.
    assert rotation.retired.valid_until is not None
    late = envelopes.seal(
        RECEIPT, old_private, rotation.retired.key_id, rotation.retired.valid_until
    )
    result = signing.verify(late, keys)
    assert not result.valid and result.reason == "key.not_valid_then"
    rotated = AuditEntry.objects.get(action="signing_key.rotate")
    assert rotated.object_id == rotation.current.key_id
    retired = {
        "key_id": rotation.retired.key_id,
        "valid_from": rotation.retired.valid_from.isoformat(),
        "valid_until": None,
    }
    assert rotated.before == {"current": retired}
    assert rotated.after is not None and rotated.after["retired"] == {
        **retired,
        "valid_until": rotation.retired.valid_until.isoformat(),
    }


def test_a_key_past_its_period_refuses_to_sign(signing_home: Path) -> None:
    signing.sign(RECEIPT)
    key = SigningKey.objects.get()
    key.valid_until = key.valid_from
    key.save()
    with pytest.raises(signing.SigningError) as refused:
        signing.sign(RECEIPT)
    assert refused.value.reason == "signing.key_retired"


def test_a_host_whose_key_is_not_the_published_one_refuses(signing_home: Path) -> None:
    signing.sign(RECEIPT)
    path = signing_home / keystore.KEY_FILE
    path.write_text(signing.generate())
    with pytest.raises(signing.SigningError) as refused:
        signing.sign(RECEIPT)
    assert refused.value.reason == "signing.key_not_published"
    path.unlink()
    with pytest.raises(signing.SigningError) as missing:
        signing.sign(RECEIPT)
    assert missing.value.reason == "signing.key_missing" and not path.exists()
    assert SigningKey.objects.count() == 1


def test_key_from_the_environment(signing_home: Path, settings: SettingsWrapper) -> None:
    first = Ed25519PrivateKey.generate()
    settings.XINYONG_SIGNING_KEY = _private_bytes(first)
    sealed = signing.sign(RECEIPT)
    assert sealed["signature"]["key_id"] == envelopes.key_id_for(envelopes.raw_public(first))
    assert not (signing_home / keystore.KEY_FILE).exists()
    with pytest.raises(signing.SigningError) as refused:
        signing.rotate()  # the environment still holds the published key
    assert refused.value.reason == "signing.already_published"
    second = base64.b64decode(signing.generate())
    settings.XINYONG_SIGNING_KEY = second
    rotation = signing.rotate()
    assert rotation.retired is not None and rotation.retired.key_id == sealed["signature"]["key_id"]
    after = signing.sign(RECEIPT)
    assert after["signature"]["key_id"] == rotation.current.key_id
    assert signing.verify(sealed, signing.published_keys()).valid
    assert not (signing_home / keystore.KEY_FILE).exists()


@pytest.mark.parametrize("raw", ["not base64!", base64.b64encode(b"short").decode()])
def test_environment_key_is_checked_at_start(raw: str) -> None:
    with pytest.raises(RuntimeError, match="XINYONG_SIGNING_KEY"):
        config._signing_key(raw)


def test_a_committed_check_spares_the_query_until_rotation(
    signing_home: Path, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = signing.sign(RECEIPT)
    with django_assert_num_queries(0):
        again = signing.sign(RECEIPT)
    assert again["signature"]["key_id"] == first["signature"]["key_id"]
    rotation = signing.rotate()
    assert signing.sign(RECEIPT)["signature"]["key_id"] == rotation.current.key_id
    with django_capture_on_commit_callbacks(execute=True):
        signing.sign(RECEIPT)
    post_migrate.send(sender=apps.get_app_config("core"), app_config=apps.get_app_config("core"))
    with django_assert_num_queries(1):
        signing.sign(RECEIPT)


def test_an_uncommitted_check_is_not_remembered(
    signing_home: Path, django_assert_num_queries: Any
) -> None:
    signing.sign(RECEIPT)  # inside the test's transaction: never committed
    with django_assert_num_queries(1):
        signing.sign(RECEIPT)


# -- key lists and offline verification --------------------------------------------------------


def _document(signing_home: Path) -> dict[str, Any]:
    signing.sign(RECEIPT)
    return {"keys": [signing.key_entry(key) for key in signing.published_keys()]}


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("keys"),
        lambda d: d["keys"][0].update(algorithm="RSA"),
        lambda d: d["keys"][0].update(key_id="x" + d["keys"][0]["key_id"][1:]),
        lambda d: d["keys"][0].update(public_key=d["keys"][0]["public_key"][:-2]),
        lambda d: d["keys"][0].update(valid_from="yesterday"),
        lambda d: d["keys"][0].update(
            public_key_pem=signing.PublicKey(
                "", envelopes.raw_public(Ed25519PrivateKey.generate()), _now(), None
            ).pem
        ),
    ],
)
def test_key_lists_that_do_not_hold_together_are_refused(signing_home: Path, damage: Any) -> None:
    document = _document(signing_home)
    damage(document)
    with pytest.raises(signing.KeysDocumentError) as refused:
        signing.keys_from_document(document)
    assert refused.value.reason == "keys.malformed"


def test_key_list_round_trips(signing_home: Path) -> None:
    document = _document(signing_home)
    assert signing.keys_from_document(json.loads(json.dumps(document))) == (
        signing.published_keys()
    )


def _cli(home: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    """`xinyong …` as a bank would run it: its own process, and a database that does not
    exist, so a command that needed one would fail."""
    env = {
        **os.environ,
        "XINYONG_VAR_DIR": str(home / "elsewhere"),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/no_such_database",
    }
    return subprocess.run(
        [sys.executable, "-m", "xinyong.cli", *args],
        env=env,
        input=stdin.decode(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_offline_verify_with_a_saved_key_list(signing_home: Path) -> None:
    sealed = signing.sign(RECEIPT)
    signing.rotate()  # the receipt's key is retired by now
    keys = _keys_file(signing_home)
    receipt = signing_home / "receipt.json"
    receipt.write_text(json.dumps(sealed, ensure_ascii=False, indent=2), encoding="utf-8")
    ok = _cli(signing_home, "receipts", "verify", str(receipt), "--keys", str(keys))
    assert ok.returncode == 0, ok.stderr
    assert "签名有效" in ok.stdout and sealed["signature"]["key_id"] in ok.stdout
    sealed["payload"]["matter"] = "另一件事"
    tampered = json.dumps(sealed, ensure_ascii=False).encode()
    bad = _cli(signing_home, "receipts", "verify", "-", "--keys", str(keys), stdin=tampered)
    assert bad.returncode == 1 and "signature.invalid" in bad.stderr and "签名无效" in bad.stderr


def test_verify_command_names_each_failure(
    signing_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed = signing.sign(RECEIPT)
    receipt = signing_home / "receipt.json"
    receipt.write_text(json.dumps(sealed), encoding="utf-8")
    call_command("receipts", "verify", str(receipt))  # the database's keys
    assert "签名有效" in capsys.readouterr().out
    empty = signing_home / "empty.json"
    empty.write_text('{"keys": []}')
    broken = signing_home / "broken.json"
    broken.write_text('{"keys": [{"algorithm": "Ed25519"}]}')
    cases = [
        ((str(receipt), "--keys", str(empty)), "key.unknown"),
        ((str(receipt), "--keys", str(broken)), "keys.malformed"),
        ((str(signing_home / "missing.json"),), "missing.json"),
        ((str(empty),), "envelope.malformed"),
    ]
    for args, expected in cases:
        with pytest.raises(SystemExit) as exited:
            call_command("receipts", "verify", *args)
        assert exited.value.code == 1
        assert expected in capsys.readouterr().err


def test_keys_commands(signing_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("keys", "list")
    listed = capsys.readouterr()
    assert listed.out.splitlines()[1:] == [] and listed.err == ""
    signing.sign(RECEIPT)
    call_command("keys", "rotate")
    rotated = capsys.readouterr().out
    current, retired = signing.published_keys()
    assert current.key_id in rotated and retired.key_id in rotated
    call_command("keys", "list")
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()[1:]]
    assert [(r[0], r[4]) for r in rows] == [(current.key_id, "本机私钥"), (retired.key_id, "-")]
    call_command("keys", "list", "--json")
    assert signing.keys_from_document(json.loads(capsys.readouterr().out)) == [current, retired]
    call_command("keys", "generate")
    generated = capsys.readouterr()
    assert len(base64.b64decode(generated.out.strip(), validate=True)) == 32
    assert "XINYONG_SIGNING_KEY" in generated.err
    assert SigningKey.objects.count() == 2


def test_rotate_command_reports_refusals(signing_home: Path, settings: SettingsWrapper) -> None:
    settings.XINYONG_SIGNING_KEY = base64.b64decode(signing.generate())
    signing.sign(RECEIPT)
    with pytest.raises(CommandError, match=r"signing\.already_published"):
        call_command("keys", "rotate")


def test_the_documented_python_example_verifies(
    signing_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/signing.md shows a bank how to verify with `cryptography` alone: run it."""
    doc = (Path(__file__).parents[2] / "docs" / "signing.md").read_text(encoding="utf-8")
    example = doc.split("```python\n", 1)[1].split("```", 1)[0]
    sealed = signing.sign(RECEIPT)
    signing.rotate()
    _keys_file(signing_home)
    receipt = signing_home / "receipt.json"
    receipt.write_text(json.dumps(sealed, ensure_ascii=False), encoding="utf-8")
    monkeypatch.chdir(signing_home)
    exec(compile(example, "docs/signing.md", "exec"), {})  # noqa: S102
    assert "valid:" in capsys.readouterr().out
    sealed["payload"]["policy_version"] = 8
    receipt.write_text(json.dumps(sealed, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InvalidSignature):
        exec(compile(example, "docs/signing.md", "exec"), {})  # noqa: S102


class _Grade(StrEnum):
    A = "A"


_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**54), max_value=2**54),
    st.floats(allow_nan=True),
    st.text(alphabet=st.characters(codec=None), max_size=5),  # lone surrogates included
    st.sampled_from([_Grade.A, (1,), b"x"]),
)


@given(
    st.recursive(
        _LEAVES,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.one_of(st.text(max_size=3), st.integers()), inner, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_the_quick_walk_accepts_exactly_what_the_explaining_walk_accepts(value: Any) -> None:
    """`check` passes plain JSON without building paths and walks again to explain a
    failure: the two must agree on every value."""
    try:
        _explain(value, "$", 0)
    except signing.CanonicalError as explained:
        with pytest.raises(signing.CanonicalError) as refused:
            check(value)
        assert (refused.value.reason, refused.value.path) == (explained.reason, explained.path)
    else:
        check(value)


_CANONICAL = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1),
        st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=6),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEY = Ed25519PrivateKey.generate()


@given(_CANONICAL)
def test_an_envelope_carries_the_text_it_was_signed_in(payload: Any) -> None:
    """What stores and sends a fresh envelope writes its texts instead of encoding it again:
    they must be the canonical forms of the envelope and its payload, and the signature
    must cover them."""
    key_id = envelopes.key_id_for(envelopes.raw_public(_KEY))
    sealed = envelopes.seal(payload, _KEY, key_id, datetime(2026, 11, 29, 8, tzinfo=UTC))
    assert sealed.payload_text == signing.canonical_text(payload)
    assert sealed.text == signing.canonical_text(dict(sealed))
    assert json.dumps(sealed, cls=signing.EnvelopeEncoder) == sealed.text
    assert json.dumps({"x": sealed}, cls=signing.EnvelopeEncoder) == json.dumps({"x": sealed})
    public = envelopes.PublicKey(
        key_id, envelopes.raw_public(_KEY), datetime(2026, 1, 1, tzinfo=UTC), None
    )
    assert signing.verify_text(sealed.text, [public]).valid
