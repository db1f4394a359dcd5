"""Board checkpoints: signed, cosigned, and every altered or malformed note refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.contract.board_checkpoint import (BoardCheckpoint, board_origin, cosign, parse_checkpoint, sign_checkpoint,
                                    witness_name)
from kiosk.errors import FormatError, SignatureError
from kiosk.contract.keys import SigningKey

NODE, WITNESS, OTHER = SigningKey(bytes(32)), SigningKey(bytes([1]) * 32), SigningKey(bytes([2]) * 32)
ORIGIN = board_origin("ab" * 32, "official", "n1")
ROOT = bytes(range(32))
NOTE = sign_checkpoint(NODE, ORIGIN, 12, ROOT)


def test_a_signed_checkpoint_parses_back():
    cp = parse_checkpoint(NOTE, ORIGIN, NODE.verify_key)
    assert (cp.origin, cp.tree_size, cp.root, len(cp.signatures)) == (ORIGIN, 12, ROOT, 1)
    assert cp.note() == NOTE and cp.signed_by(ORIGIN, NODE.verify_key)


def test_a_cosignature_is_one_more_line_and_replaces_its_own_older_one():
    name = witness_name("ab" * 32, "n2")
    once = cosign(parse_checkpoint(NOTE, ORIGIN, NODE.verify_key), WITNESS, name)
    twice = cosign(once, WITNESS, name)
    assert twice.note() == once.note()  # Ed25519 is deterministic
    parsed = parse_checkpoint(once.note(), ORIGIN, NODE.verify_key)
    assert parsed.signed_by(name, WITNESS.verify_key) and not parsed.signed_by(name, OTHER.verify_key)


@pytest.mark.parametrize("note, error", [
    (sign_checkpoint(OTHER, ORIGIN, 12, ROOT), SignatureError),
    (sign_checkpoint(NODE, board_origin("ab" * 32, "test", "n1"), 12, ROOT), FormatError),
    (NOTE.replace(b"\n12\n", b"\n13\n"), SignatureError),
    (NOTE.replace(b"\n12\n", b"\n012\n"), FormatError),
    (NOTE.replace(b"\n12\n", b"\n12\nextension\n"), FormatError),
    (NOTE.replace(b"\n\n", b"\n"), FormatError),
    (NOTE[:-1], FormatError),
    (NOTE.replace("\u2014".encode(), b"-"), FormatError),
    (NOTE.replace(b"=\n\n", b"\n\n"), FormatError),
    (NOTE.replace(b"\n", b"\r\n"), FormatError),
    (NOTE.split(b"\n\n")[0] + b"\n\n", FormatError),
    (b"\xff" + NOTE, FormatError),
    (NOTE + b"x" * 9000, FormatError),
])
def test_malformed_or_forged_notes_are_refused(note, error):
    with pytest.raises(error):
        parse_checkpoint(note, ORIGIN, NODE.verify_key)


def test_signatures_of_unknown_keys_are_kept_but_not_trusted():
    foreign = cosign(parse_checkpoint(NOTE, ORIGIN, NODE.verify_key), OTHER, "someone.example/else")
    parsed = parse_checkpoint(foreign.note(), ORIGIN, NODE.verify_key)
    assert [s.name for s in parsed.signatures] == [ORIGIN, "someone.example/else"]
    assert not parsed.signed_by("someone.example/else", WITNESS.verify_key)


@settings(max_examples=400, deadline=None)
@given(st.integers(0, len(NOTE) - 1), st.integers(1, 255))
def test_any_changed_byte_is_refused(position, xor):
    changed = bytearray(NOTE)
    changed[position] ^= xor
    with pytest.raises((FormatError, SignatureError)):
        parse_checkpoint(bytes(changed), ORIGIN, NODE.verify_key)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_raise_only_format_errors(data):
    try:
        cp = parse_checkpoint(data, None, None)
    except (FormatError, SignatureError):
        return
    assert isinstance(cp, BoardCheckpoint) and cp.note() == data
