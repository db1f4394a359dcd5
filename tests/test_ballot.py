"""Ballot format 2: encrypted, signed by the token's own key and by the kiosk (kiosk/contract/ballot.py)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings, strategies as st

from ceremonyhelp import format2_election
from kiosk.contract.ballot import (SealedBallot, check_sealed_ballot, parse_sealed_ballot, seal_ballot,
                                   token_signing_key)
from kiosk.contract.crypto import group
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot
from kiosk.contract.keys import SigningKey
from kiosk.contract.ttabok import ttabok_spec
from kiosk.errors import FormatError, ProofError, SignatureError

ELECTION = format2_election(ttabok_spec(24), "11" * 32)
Y = group.mul_base(group.SeededScalars(b"v2")())
KIOSK = SigningKey(bytes(range(32)))
SERIAL = bytes(range(16))


def make(serial=SERIAL, style="C001", chosen=("P002",), ballot_id=None, kiosk=KIOSK):
    ballot_id = ballot_id or os.urandom(16)
    encrypted = ballot_bytes(encrypt_ballot(Y, ELECTION, style, ballot_id.hex(), {"G01": list(chosen)}, os.urandom(32)))
    return seal_ballot(kiosk, ELECTION, serial, ballot_id, style, encrypted)


def test_a_format_2_ballot_round_trips_and_checks():
    ballot = make()
    parsed = parse_sealed_ballot(ballot.leaf(), ELECTION)
    assert parsed == ballot
    check_sealed_ballot(parsed, ELECTION, KIOSK.verify_key, Y)
    assert parsed.token_key == token_signing_key(ELECTION.fingerprint, SERIAL).verify_key.raw
    assert SERIAL.hex() not in ballot.leaf().decode()           # the serial never leaves the kiosk


def test_a_stolen_kiosk_key_cannot_replace_a_voters_ballot():
    """The board shows token keys, not serials: a ballot under the victim's token key needs the victim's serial."""
    victim = make()
    forged = make(serial=os.urandom(16), chosen=("P003",))              # the attacker's own ballot
    stolen = SealedBallot(forged.ballot_id, forged.style, forged.encrypted, victim.token_key, forged.token_sig, b"")
    resigned = SealedBallot(stolen.ballot_id, stolen.style, stolen.encrypted, stolen.token_key, stolen.token_sig,
                            KIOSK.sign("kiosk-sealed-ballot/2", stolen.kiosk_message()))
    with pytest.raises(SignatureError, match="the token's signature does not verify"):
        check_sealed_ballot(resigned, ELECTION, KIOSK.verify_key, Y)


def test_another_kiosks_signature_is_refused():
    ballot = make(kiosk=SigningKey(bytes(32)))
    with pytest.raises(SignatureError, match="the kiosk's signature"):
        check_sealed_ballot(ballot, ELECTION, KIOSK.verify_key, Y)


def test_an_encrypted_ballot_moved_to_another_ballot_id_is_refused_by_its_proofs():
    a = make()
    moved = seal_ballot(KIOSK, ELECTION, SERIAL, os.urandom(16), a.style, a.encrypted)   # signed anew, same bytes
    with pytest.raises(ProofError, match="option"):
        check_sealed_ballot(moved, ELECTION, KIOSK.verify_key, Y)


def test_wrong_length_and_non_canonical_leaves_are_refused():
    ballot = make()
    body = ballot.to_json()
    with pytest.raises(FormatError, match="not canonical"):
        parse_sealed_ballot(json.dumps(body, indent=1, sort_keys=True).encode(), ELECTION)
    short = SealedBallot(ballot.ballot_id, ballot.style, ballot.encrypted[:-1], ballot.token_key, ballot.token_sig, ballot.sig)
    with pytest.raises(FormatError, match="wrong length"):
        parse_sealed_ballot(short.leaf(), ELECTION)
    other_style = dict(body, style="C002")           # same length, another style: parses, proofs refuse
    parsed = parse_sealed_ballot(json.dumps(other_style, separators=(",", ":"), sort_keys=True).encode(), ELECTION)
    with pytest.raises(SignatureError):
        check_sealed_ballot(parsed, ELECTION, KIOSK.verify_key, Y)


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(sorted(
                        {"ballot_id_hex", "encrypted_b64", "sig_b64", "style", "token_key_hex", "token_sig_b64", "x"})),
                        c, max_size=6), max_leaves=14))
def test_the_parser_refuses_junk_with_a_format_error(value):
    with pytest.raises(FormatError):
        parse_sealed_ballot(json.dumps(value).encode(), ELECTION)


def test_the_format_2_vector_checks_and_opens_with_its_seed():
    from pathlib import Path
    from kiosk.contract.canonical import from_b64url
    from kiosk.contract.crypto.encrypted_ballot import open_with_seed, parse_ballot_bytes
    from kiosk.contract.keys import VerifyKey
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent / "vectors"))
    from vector_election import vector_election
    vectors = json.loads((Path(__file__).resolve().parent / "vectors" / "crypto.json").read_text())
    v = vectors["ballot_v2"]
    ELECTION = vector_election()   # the election the vector was made under (its fingerprint)
    assert ELECTION.fingerprint_hex == v["election_fingerprint_hex"]
    y = from_b64url(vectors["key"]["public"], "y")
    ballot = parse_sealed_ballot(v["leaf"].encode(), ELECTION)
    check_sealed_ballot(ballot, ELECTION, VerifyKey.from_hex(v["kiosk_key_hex"]), y)
    assert ballot.token_key == token_signing_key(ELECTION.fingerprint, bytes.fromhex(v["serial_hex"])).verify_key.raw
    encrypted = parse_ballot_bytes(ballot.encrypted, ELECTION, ballot.style, ballot.ballot_id.hex())
    assert open_with_seed(y, ELECTION, encrypted, bytes.fromhex(v["nonce_seed_hex"])) == v["selections"]
