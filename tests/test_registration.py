"""The kiosk's registration: made, written with its QR, read back strictly; fuzzed."""

from __future__ import annotations

import json

import cv2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.contract.canonical import canonical_bytes
from kiosk.app.provision import write_registration_png
from kiosk.contract.envelope import seal_envelope, write_envelope
from kiosk.errors import FormatError, ValidationError
from kiosk.contract.keys import SigningKey
from kiosk.contract.registration import (REGISTRATION_CONTEXT, make_registration, parse_registration, read_registration,
                                registration_payload, registration_qr)
from scanner.decode import decode_frame

KEY = SigningKey(bytes(range(32)))
ELECTION = "ab" * 32
SOFTWARE = "cd" * 32
NOW = 1_777_000_000


def envelope(**changes) -> dict:
    """A registration whose body has ``changes``, signed again so only the change is wrong."""
    env = make_registration("suwon-01", KEY, ELECTION, SOFTWARE, NOW)
    if not changes:
        return env
    body = {**env["body"], **changes}
    body = {k: v for k, v in body.items() if v is not ...}
    return seal_envelope(REGISTRATION_CONTEXT, body, KEY)


def test_round_trip_through_file_and_bytes(tmp_path):
    env = envelope()
    write_envelope(tmp_path / "registration.json", env)
    reg = read_registration(tmp_path / "registration.json")
    assert (reg.station, reg.election_hex, reg.kiosk_key_hex, reg.software_hash_hex, reg.time) == \
        ("suwon-01", ELECTION, KEY.verify_key.hex, SOFTWARE, NOW)
    assert reg.kiosk_fingerprint == KEY.verify_key.fingerprint
    assert parse_registration(registration_payload(env)) == reg


def test_the_qr_png_decodes_to_the_registration(tmp_path):
    env = envelope()
    write_registration_png(env, tmp_path / "r.png")
    texts = decode_frame(cv2.imread(str(tmp_path / "r.png")))
    assert texts and parse_registration(texts[0]) == parse_registration(registration_payload(env))
    assert registration_qr(env).version <= 20  # small enough for a phone or a webcam at arm's length


def test_a_changed_byte_breaks_the_signature():
    data = registration_payload(envelope()).replace(b"suwon-01", b"suwon-02")
    with pytest.raises(FormatError, match="signature does not verify"):
        parse_registration(data)


def test_signed_by_another_key_than_named():
    other = SigningKey(bytes(32))
    body = {**envelope()["body"]}
    with pytest.raises(ValidationError, match="signed by another key"):
        parse_registration(canonical_bytes(seal_envelope(REGISTRATION_CONTEXT, body, other)))


@pytest.mark.parametrize("changes, field", [
    ({"station": "수원"}, "station"),
    ({"station": ""}, "station"),
    ({"election_hex": "AB" * 32}, "election_hex"),
    ({"software_hash_hex": "cd" * 31}, "software_hash_hex"),
    ({"kiosk_fingerprint": "0000-0000-0000-0000"}, "kiosk_fingerprint"),
    ({"time": -1}, "time"),
    ({"time": True}, "time"),
    ({"software_hash_hex": ...}, "software_hash_hex"),
    ({"extra": 1}, "extra"),
])
def test_a_field_that_breaks_a_rule_is_named(changes, field):
    with pytest.raises(ValidationError) as e:
        parse_registration(canonical_bytes(envelope(**changes)))
    assert field in [path for path, _ in e.value.problems]


def test_unknown_version_is_named():
    with pytest.raises(FormatError, match="kiosk-registration/2"):
        parse_registration(canonical_bytes(envelope(format="kiosk-registration/2")))


def test_making_a_bad_registration_is_refused_too():
    with pytest.raises(ValidationError):
        make_registration("no spaces allowed", KEY, ELECTION, SOFTWARE, NOW)


def test_a_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="cannot read"):
        read_registration(tmp_path / "none.json")


VALID = registration_payload(envelope())
BASE_BODY = envelope()["body"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20)


def _mutate(data: bytes, index: int, byte: int) -> bytes:
    return data[:index % len(data)] + bytes([byte]) + data[index % len(data) + 1:]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=600),
    st.text(max_size=300),
    json_values.map(lambda v: json.dumps(v)),
    st.dictionaries(st.sampled_from(["body", "context", "signer_hex", "sig_b64", "x"]), json_values)
      .map(lambda v: json.dumps(v)),
    st.builds(_mutate, st.just(VALID), st.integers(0, 10_000), st.integers(0, 255)),
    st.builds(lambda body: json.dumps({**json.loads(VALID), "body": body}),
              st.dictionaries(st.sampled_from(["format", "station", "election_hex", "kiosk_key_hex",
                                               "kiosk_fingerprint", "software_hash_hex", "time"]), json_values)),
    # validly signed, so the body's own rules are what is tested
    st.builds(lambda changes: canonical_bytes(seal_envelope(REGISTRATION_CONTEXT, {**BASE_BODY, **changes}, KEY)),
              st.dictionaries(st.sampled_from(["format", "station", "election_hex", "kiosk_key_hex",
                                               "kiosk_fingerprint", "software_hash_hex", "time", "x"]), json_values)),
))
def test_arbitrary_input_raises_only_the_documented_errors(data):
    try:
        parse_registration(data)
    except (FormatError, ValidationError):
        pass
