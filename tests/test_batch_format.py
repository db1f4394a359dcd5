"""Batch format 2 (kiosk/contract/sealed_batch.py): round trip, strict parsing (property tests), check_sealed_batch."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceremonyhelp import format2_election
from kiosk.contract.ballot import SealedBallot, check_sealed_ballot, seal_ballot
from kiosk.contract.sealed_batch import (SealedBatchHeader, SpoiledBallot, build_batch, sealed_header_from_json,
                                         check_sealed_batch, encode_batch, parse_any_batch, parse_batch)
from kiosk.contract.canonical import parse_json
from kiosk.contract.crypto import group
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot
from kiosk.contract.keys import SigningKey
from kiosk.contract.ttabok import ttabok_spec
from kiosk.errors import FormatError

ELECTION = format2_election(ttabok_spec(24), "11" * 32)
Y = group.mul_base(group.SeededScalars(b"batch v2")())
KEY = SigningKey(bytes(range(32)))
E = ELECTION.fingerprint_hex


def ballot(i: int, chosen=("P002",), key: SigningKey = KEY) -> tuple[SealedBallot, bytes]:
    ballot_id, seed = bytes([i]) * 16, bytes([i]) * 32
    encrypted = ballot_bytes(encrypt_ballot(Y, ELECTION, "C001", ballot_id.hex(), {"G01": list(chosen)}, seed))
    return seal_ballot(key, ELECTION, bytes([255 - i]) * 16, ballot_id, "C001", encrypted), seed


def two_batches():
    b1 = build_batch(KEY, E, "official", 1, None, [ballot(i)[0] for i in (5, 3, 9)],
                     [SpoiledBallot(*ballot(i, ("P003",))) for i in (8, 4)], False)
    b2 = build_batch(KEY, E, "official", 2, b1.header, [ballot(7)[0]], [], True)
    return b1, b2


B1, B2 = two_batches()
DATA = encode_batch(B1)


def test_round_trip_order_and_chain():
    assert parse_batch(DATA) == B1 == parse_any_batch(DATA)
    assert [b.ballot_id[0] for b in B1.ballots] == [3, 5, 9]
    assert [s.ballot.ballot_id[0] for s in B1.spoiled] == [4, 8]
    assert (B2.header.cumulative, B2.header.prev_header_hex, B2.header.spoiled) == (3 + 1, B1.header.hash().hex(), 0)
    assert check_sealed_batch(B1, E, KEY.verify_key, None) == [] == check_sealed_batch(B2, E, KEY.verify_key, B1.header)
    assert isinstance(sealed_header_from_json(B1.header.to_json()), SealedBatchHeader)
    assert sealed_header_from_json(B1.header.to_json()) == B1.header
    for b in B1.ballots + tuple(s.ballot for s in B1.spoiled):      # the ballots inside still check
        check_sealed_ballot(b, ELECTION, KEY.verify_key, Y)
    assert b"serial" not in DATA


def test_a_format_1_batch_is_read_only_as_far_as_its_refusal():
    """The dispatcher gives a format-1 batch's signed header and no ballots (a node refuses it: wrong_format)."""
    from format1help import format_1_batch
    from kiosk.contract.batch import SignedHeader
    old = parse_any_batch(format_1_batch(KEY, E, ballots=3))
    assert isinstance(old, SignedHeader) and old.ballots == () and old.header.count == 3
    assert old.header.context == "kiosk-batch-header/1" and \
        KEY.verify_key.is_valid(old.header.context, old.header.encoded(), old.signature)


def test_the_header_signature_uses_its_own_context():
    """A format-2 header signed as a format-1 header (or the other way) does not verify."""
    h = B1.header
    wrong = KEY.sign("kiosk-batch-header/1", h.encoded())
    assert [p.code for p in check_sealed_batch(type(B1)(h, wrong, B1.ballots, B1.spoiled), E, KEY.verify_key, None)] \
        == ["bad_header_signature"]


def test_check_sealed_batch_catches_a_changed_ballot_a_dropped_spoiled_ballot_and_a_broken_link():
    changed = B1.ballots[1]
    swapped = SealedBallot(changed.ballot_id, changed.style, changed.encrypted, changed.token_key,
                           changed.token_sig, bytes(64))
    forged = type(B1)(B1.header, B1.signature, (B1.ballots[0], swapped, B1.ballots[2]), B1.spoiled)
    assert [p.code for p in check_sealed_batch(forged, E, KEY.verify_key, None)] == ["merkle_root_mismatch"]
    dropped = type(B1)(B1.header, B1.signature, B1.ballots, B1.spoiled[:1])
    assert [p.code for p in check_sealed_batch(dropped, E, KEY.verify_key, None)] == ["spoiled_root_mismatch"]
    assert [p.code for p in check_sealed_batch(B2, E, KEY.verify_key, None)] == ["not_linked"]
    assert [p.code for p in check_sealed_batch(B1, "cd" * 32, SigningKey(bytes(32)).verify_key, None)] == \
        ["wrong_election", "wrong_kiosk"]


def edited(edit) -> bytes:
    data = json.loads(DATA)
    edit(data)
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(format="kiosk-batch/3"), "kiosk-batch/3"),
    (lambda d: d.update(extra=1), "unknown fields"),
    (lambda d: d.pop("spoiled"), r"missing fields \['spoiled'\]"),
    (lambda d: d["header"].update(format="kiosk-batch-header/1"), "kiosk-batch-header/1"),
    (lambda d: d["header"].update(count=4, cumulative=4), "counts 4 ballots"),
    (lambda d: d["header"].update(spoiled=1), "counts 1 spoiled"),
    (lambda d: d["header"].update(spoiled=-1), r"header\.spoiled must be a whole number"),
    (lambda d: d["header"].update(spoiled_root_hex="ab"), r"header\.spoiled_root_hex must be 32 bytes"),
    (lambda d: d["ballots"].reverse(), "ballots are not in strictly increasing"),
    (lambda d: d["spoiled"].reverse(), "spoiled ballots are not in strictly increasing"),
    (lambda d: d["ballots"][0].update(style="C 01"), r"ballots\[0\]\.style"),
    (lambda d: d["ballots"][1].update(encrypted_b64=""), r"ballots\[1\]\.encrypted_b64 must hold 1 to"),
    (lambda d: d["ballots"][2].update(token_sig_b64="A" * 84), r"ballots\[2\]\.token_sig_b64 must be a 64"),
    (lambda d: d["ballots"][2].update(sig_b64="AAAA"), r"ballots\[2\]\.sig_b64 must be a 64"),
    (lambda d: d["ballots"][0].update(token_key_hex="00" * 16), r"ballots\[0\]\.token_key_hex must be 32 bytes"),
    (lambda d: d["ballots"][0].update(serial_hex="00" * 16), r"ballots\[0\] has missing fields \[\] or unknown "
                                                             r"fields \['serial_hex'\]"),
    (lambda d: d["spoiled"][0].update(nonce_seed_b64="AAAA"), r"spoiled\[0\]\.nonce_seed_b64 must be a 32-byte"),
    (lambda d: d["spoiled"][1]["ballot"].pop("style"), r"spoiled\[1\]\.ballot has missing fields \['style'\]"),
    (lambda d: d["spoiled"].append(d["spoiled"][1]) or d["header"].update(spoiled=3), "strictly increasing"),
    (lambda d: d["spoiled"][0]["ballot"].update(ballot_id_hex=d["ballots"][0]["ballot_id_hex"]),
     "both cast and spoiled"),
    (lambda d: d["header"].update(prev_header_hex="11" * 32), "zero bytes"),
])
def test_strict_parsing_names_the_problem(edit, message):
    with pytest.raises(FormatError, match=message):
        parse_batch(edited(edit))


def test_only_the_canonical_bytes_parse():
    text = DATA.decode()
    sig = json.loads(DATA)["header_sig_b64"]
    variants = [DATA + b"\n", json.dumps(json.loads(DATA), indent=1).encode(), b" " + DATA,
                text.replace(E, E.upper(), 1), text.replace('"count":3', '"count":3.0'),
                text.replace('"format":', '"format":"x","format":', 1), text.replace(sig, sig + "=="),
                text.replace(sig, sig[:-1] + chr(ord(sig[-1]) + 1)),
                text.replace('"format":"kiosk-batch/2"', '"format":"kiosk-b\\u0061tch/2"')]
    for variant in variants:
        variant = variant if isinstance(variant, bytes) else variant.encode()
        assert variant != DATA
        with pytest.raises(FormatError):
            parse_any_batch(variant)


def parse_or_refuse(data: bytes):
    """parse_batch raises only FormatError; what it accepts is strict JSON and re-encodes to the input."""
    try:
        batch = parse_batch(data)
    except FormatError:
        return None
    parse_json(data, "the batch")
    assert encode_batch(batch) == data
    return batch


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzz_mutated_batches_are_refused_or_exactly_canonical(data):
    body = bytearray(DATA)
    for _ in range(data.draw(st.integers(1, 4))):
        kind = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = data.draw(st.integers(0, len(body) - 1))
        if kind == "flip":
            body[at] ^= 1 << data.draw(st.integers(0, 7))
        elif kind == "cut":
            del body[at:]
            if not body:
                break
        elif kind == "insert":
            body[at:at] = data.draw(st.binary(min_size=1, max_size=4))
        else:
            del body[at:at + data.draw(st.integers(1, 40))]
            if not body:
                break
    parse_or_refuse(bytes(body))


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(
                               ["ballots", "format", "header", "header_sig_b64", "spoiled", "ballot",
                                "nonce_seed_b64", "count", "x"]), c, max_size=6), max_leaves=16)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_fuzz_any_json_is_refused_with_a_format_error(value):
    assert parse_or_refuse(json.dumps(value).encode()) is None


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(json.loads(DATA)["header"])), json_values, max_size=4))
def test_fuzz_edited_headers_are_refused_or_exact(changes):
    parse_or_refuse(edited(lambda d: d["header"].update(changes)))


def test_an_empty_closing_batch_and_a_batch_of_only_spoiled_ballots_round_trip():
    empty = build_batch(KEY, E, "test", 1, None, [], [], True)
    only = build_batch(KEY, E, "test", 1, None, [], [SpoiledBallot(*ballot(2))], False)
    for b in (empty, only):
        assert parse_batch(encode_batch(b)) == b and check_sealed_batch(b, E, KEY.verify_key, None) == []


def test_a_random_batch_of_many_ballots_round_trips():
    ballots = [seal_ballot(KEY, ELECTION, os.urandom(16), os.urandom(16), "C002", b"x" * 50) for _ in range(40)]
    b = build_batch(KEY, E, "official", 1, None, ballots, [], False)
    assert parse_batch(encode_batch(b)) == b and b.header.count == 40
