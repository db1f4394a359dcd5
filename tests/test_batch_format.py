"""The sealed batch format: round trip, strict parsing (property tests), and what check_batch catches."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.contract.batch import (SealedBallot, _read_canonical, _read_general, build_batch, check_batch, encode_batch,
                         parse_batch, sign_sealed_ballot)
from kiosk.contract.canonical import parse_json
from kiosk.errors import FormatError
from kiosk.contract.keys import SigningKey

KEY = SigningKey(bytes(range(32)))
ELECTION_HEX = "ab" * 32


def sealed_ballot(i: int, key: SigningKey = KEY) -> SealedBallot:
    unsigned = SealedBallot(bytes([i]) * 16, bytes([255 - i]) * 16, f"C{i:03d}", bytes([i]) * 80, b"")
    return SealedBallot(unsigned.ballot_id, unsigned.serial, unsigned.style, unsigned.sealed,
                        sign_sealed_ballot(key, unsigned))


def two_batches():
    b1 = build_batch(KEY, ELECTION_HEX, "official", 1, None, [sealed_ballot(i) for i in (5, 3, 9)], False)
    b2 = build_batch(KEY, ELECTION_HEX, "official", 2, b1.header, [sealed_ballot(7)], True)
    return b1, b2


def test_round_trip_and_order():
    b1, b2 = two_batches()
    assert parse_batch(encode_batch(b1)) == b1
    assert [b.ballot_id[0] for b in b1.ballots] == [3, 5, 9]
    assert (b2.header.cumulative, b2.header.prev_header_hex) == (4, b1.header.hash().hex())
    assert check_batch(b2, ELECTION_HEX, KEY.verify_key, b1.header) == []


def test_an_unknown_version_is_refused_naming_it():
    data = json.loads(encode_batch(two_batches()[0]))
    data["format"] = "kiosk-batch/2"
    with pytest.raises(FormatError, match="kiosk-batch/2"):
        parse_batch(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(extra=1), "unknown fields"),
    (lambda d: d["header"].update(count=4, cumulative=4), "counts 4"),
    (lambda d: d["ballots"].reverse(), "increasing"),
    (lambda d: d["header"].update(number=True), "whole number"),
    (lambda d: d["ballots"][0].update(style="C 01"), "style"),
    (lambda d: d["header"].update(prev_header_hex="11" * 32), "zero bytes"),
    (lambda d: d["ballots"][1].update(sealed_b64=""), r"ballots\[1\]\.sealed_b64 must hold 1 to"),
    (lambda d: d["ballots"][2].update(sig_b64="A" * 84), r"ballots\[2\]\.sig_b64 must be a 64"),
    (lambda d: d["ballots"][0].update(serial_hex="0" * 30), r"ballots\[0\]\.serial_hex must be 16 bytes"),
    (lambda d: d["ballots"][0].update(ballot_id_hex="0" * 31 + "g"), r"ballots\[0\]\.ballot_id_hex is not valid hex"),
    (lambda d: d["ballots"][0].update(ballot_id_hex=7), r"ballots\[0\]\.ballot_id_hex must be lowercase hex"),
    (lambda d: d["ballots"][1].pop("style"), r"ballots\[1\] has missing fields \['style'\]"),
])
def test_strict_parsing_names_the_problem(edit, message):
    data = json.loads(encode_batch(two_batches()[0]))
    edit(data)
    with pytest.raises(FormatError, match=message):
        parse_batch(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())


def parse_or_refuse(data: bytes):
    """parse_batch, and when it accepts, what the former parser required: strict JSON (no
    duplicate key, no float) and a full re-encoding of the parsed batch equal to the input.
    The canonical reader takes only what the general one accepts, with the same result."""
    fast = _read_canonical(data)
    try:
        batch = _read_general(data)
    except FormatError:
        assert fast is None
        with pytest.raises(FormatError):
            parse_batch(data)
        return None
    assert fast is None or fast == batch
    assert parse_batch(data) == batch
    parse_json(data, "the batch")
    assert encode_batch(batch) == data
    return batch


@pytest.mark.parametrize("sealed_length", [1, 2, 3, 78, 79, 80, 81, 101])
def test_the_canonical_reader_takes_every_length_and_only_canonical_base64(sealed_length):
    ballots = [SealedBallot(bytes([i]) * 16, bytes([9 - i]) * 16, "C-1_x.y", bytes([i]) * sealed_length, b"")
               for i in range(3)]
    ballots = [SealedBallot(b.ballot_id, b.serial, b.style, b.sealed, sign_sealed_ballot(KEY, b)) for b in ballots]
    batch = build_batch(KEY, ELECTION_HEX, "test", 1, None, ballots, True)
    data = encode_batch(batch)
    assert _read_canonical(data) == batch == parse_or_refuse(data)
    text = json.loads(data)["ballots"][1]["sealed_b64"]
    for last in "ABCDEFGHIJQRSTghijwxyz0123456789-_":  # stray low bits, or a length that cannot be
        if last != text[-1]:
            parse_or_refuse(data.replace(text.encode(), (text[:-1] + last).encode()))
    for extra in ("A", "AA", "AAA", "AAAA", "="):
        parse_or_refuse(data.replace(text.encode(), (text + extra).encode()))
    assert _read_canonical(encode_batch(build_batch(KEY, ELECTION_HEX, "test", 1, None, [], True))) is not None


def test_only_the_canonical_bytes_parse():
    data = encode_batch(two_batches()[0])
    text = data.decode()
    ballot_id = two_batches()[0].ballots[0].ballot_id.hex()
    sig = json.loads(data)["header_sig_b64"]
    variants = [data + b"\n", json.dumps(json.loads(data), indent=1).encode(), b" " + data,
                text.replace(ELECTION_HEX, ELECTION_HEX.upper(), 1),              # upper-case hex
                text.replace(ballot_id, ballot_id[:2] + " " + ballot_id[2:], 1),  # hex with a space
                text.replace('"format":"kiosk-batch/1"', '"format":"kiosk-b\\u0061tch/1"'),  # an escape
                text.replace('"format":', '"format":"x","format":', 1),         # a duplicate key
                text.replace('"count":3', '"count":3.0'), text.replace('"count":3', '"count":03'),
                text.replace('"count":3', '"count":3e0'), text.replace(sig, sig + "=="),
                text.replace(sig, sig[:-1] + chr(ord(sig[-1]) + 1)),             # stray low bits
                text.replace(sig, sig[:10] + "\\n" + sig[10:])]
    for variant in variants:
        variant = variant if isinstance(variant, bytes) else variant.encode()
        assert variant != data
        with pytest.raises(FormatError):
            parse_batch(variant)
    with pytest.raises(FormatError, match="duplicate key"):
        parse_batch(variants[6].encode())


def test_check_batch_catches_a_changed_ballot_a_wrong_key_and_a_broken_link():
    b1, b2 = two_batches()
    other = SigningKey(bytes(32))
    changed = b1.ballots[1]
    forged = type(b1)(b1.header, b1.signature, (b1.ballots[0], SealedBallot(
        changed.ballot_id, changed.serial, changed.style, b"\x00" + changed.sealed[1:], changed.signature),
        b1.ballots[2]))
    assert {p.code for p in check_batch(forged, ELECTION_HEX, KEY.verify_key, None)} == \
        {"merkle_root_mismatch", "bad_ballot_signature"}
    assert [p.code for p in check_batch(b1, ELECTION_HEX, other.verify_key, None)] == \
        ["wrong_kiosk", "bad_ballot_signature"]
    assert [p.code for p in check_batch(b1, "cd" * 32, KEY.verify_key, None)] == ["wrong_election"]
    resigned = build_batch(KEY, ELECTION_HEX, "official", 2, b2.header, [sealed_ballot(8)], False)
    assert [p.code for p in check_batch(resigned, ELECTION_HEX, KEY.verify_key, b1.header)] == ["not_linked"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_raise_only_format_error(data):
    parse_or_refuse(data)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["format", "header", "header_sig_b64", "ballots", "ballots.0", "ballots.0.style",
                        "ballots.0.sealed_b64", "ballots.1.sig_b64", "ballots.2.serial_hex", "ballots.1.ballot_id_hex",
                        "header.count", "header.mode", "header.election_hex",
                        "header.polls_closed", "header.number", "header.format"]), JSON)
def test_any_json_in_any_field_raises_only_format_error(path, value):
    document = json.loads(encode_batch(two_batches()[0]))
    *parents, last = path.split(".")
    target = document
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    parse_or_refuse(json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=255))
def test_any_flipped_byte_is_refused_or_fails_the_check(position, flip):
    b1 = two_batches()[0]
    data = bytearray(encode_batch(b1))
    position %= len(data)
    if flip == 0 or flip == data[position]:
        return
    data[position] ^= flip
    parsed = parse_or_refuse(bytes(data))
    if parsed is None:
        return
    assert check_batch(parsed, ELECTION_HEX, KEY.verify_key, None) != []  # one byte is enough to notice



@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), st.sampled_from(["replace", "insert", "delete"]),
                          st.sampled_from(list(b'{}[],:"\\ 0aAfgz-_=Qw\n\xc3'))), min_size=1, max_size=3))
def test_edited_batches_read_alike_by_both_readers(edits):
    data = bytearray(encode_batch(two_batches()[0]))
    for position, kind, byte in edits:
        position %= len(data)
        if kind == "replace":
            data[position] = byte
        elif kind == "insert":
            data.insert(position, byte)
        else:
            del data[position]
    parse_or_refuse(bytes(data))
