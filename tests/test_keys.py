"""Keys: domain separation, key files with mode 0600, canonical JSON, trustee shares."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, parse_json
from kiosk.errors import FormatError, KeyFileError, SignatureError
from kiosk.contract.keys import (EncryptionKey, SigningKey, load_encryption_key, load_signing_key, save_encryption_key,
                        save_signing_key)


def test_signature_is_bound_to_its_context():
    key = SigningKey.generate()
    sig = key.sign("kiosk-card/1", b"hello")
    key.verify_key.verify("kiosk-card/1", b"hello", sig)
    with pytest.raises(SignatureError):
        key.verify_key.verify("kiosk-election/1", b"hello", sig)
    with pytest.raises(SignatureError):
        key.verify_key.verify("kiosk-card/1", b"hellO", sig)


def test_key_file_mode_and_refusal(tmp_path):
    key = SigningKey.generate()
    path = tmp_path / "k.key"
    save_signing_key(path, key)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert load_signing_key(path).verify_key == key.verify_key
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_signing_key(path)


def test_key_file_kind_is_checked(tmp_path):
    save_encryption_key(tmp_path / "e.key", EncryptionKey.generate())
    with pytest.raises(KeyFileError, match="x25519"):
        load_signing_key(tmp_path / "e.key")
    assert load_encryption_key(tmp_path / "e.key")


def test_repr_never_shows_secrets():
    key = SigningKey.generate()
    assert key.seed.hex() not in repr(key)
    enc = EncryptionKey.generate()
    assert enc.secret.hex() not in repr(enc)


def test_canonical_json():
    assert canonical_bytes({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()
    with pytest.raises(FormatError, match="floats"):
        canonical_bytes({"a": 1.5})
    with pytest.raises(FormatError, match="duplicate"):
        parse_json('{"a":1,"a":2}', "x")
    with pytest.raises(FormatError, match="floats"):
        parse_json('{"a":1.0}', "x")
    with pytest.raises(FormatError, match="canonical"):
        from_b64url(b64url(b"\xff") + "=", "x")


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda c: st.lists(c) | st.dictionaries(st.text(), c), max_leaves=20))
def test_canonical_round_trip(value):
    assert canonical_bytes(parse_json(canonical_bytes(value), "x")) == canonical_bytes(value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_parse_json_raises_only_format_error(data):
    try:
        parse_json(data, "x")
    except FormatError:
        pass
