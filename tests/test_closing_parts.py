"""The closing statement in parts: split, joined in any order, refused by name (kiosk/contract/closing_parts.py).

The parts are outside input (photographed off a tape, typed into a file), so the joiner is
property-tested: it never raises, and no change to any part gives another statement than the one
printed.
"""

from __future__ import annotations

import random

import pytest
import segno
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.contract.closing import CLOSING_FORMAT, MAX_PAYLOAD, parse_closing, sign_closing
from kiosk.contract.closing_parts import (MAX_VERSION, PART_MAX, SINGLE_MAX, assemble, parse_part,
                                          statement_id, tape_codes)
from kiosk.contract.keys import SigningKey

KEY = SigningKey(bytes(range(100, 132)))


def statement(contests: int, options: int = 12, seed: int = 1) -> str:
    """A signed statement of ``contests`` contests of ``options`` options, counts seeded."""
    rng = random.Random(seed)
    body = {"format": CLOSING_FORMAT, "election_hex": "ab" * 32, "station": "S01", "mode": "official",
            "kiosk_key_hex": KEY.verify_key.hex, "ballots": 90, "turnout": {"C001": 90},
            "contests": {f"G{c:02d}": {"ballots": 90, "options": {f"P{c:02d}{o:02d}": rng.randrange(91)
                                                                  for o in range(options)}}
                         for c in range(contests)},
            "log_head": {"seq": 4000, "hash_hex": "cd" * 32}, "batch": {"number": 40, "header_hash_hex": "ef" * 32},
            "time": 1495893600}
    return sign_closing(KEY, body)


BIG = statement(60)
PARTS = tape_codes(BIG)


def test_a_small_statement_is_one_code_as_it_is():
    small = statement(2)
    assert len(small) <= SINGLE_MAX and tape_codes(small) == [small]
    assert assemble([("tape", small)]).statements == [("tape", small)]


def test_a_large_statement_is_parts_of_version_25_at_most_in_alphanumeric_mode():
    assert len(BIG) > 3 * SINGLE_MAX and len(PARTS) >= 2
    sid = statement_id(BIG)
    for i, part in enumerate(PARTS, 1):
        assert part.startswith(f"KSP1:{sid}:{i}/{len(PARTS)}:") and len(part) <= PART_MAX
        code = segno.make(part, error="m", boost_error=False, micro=False)
        assert code.mode == "alphanumeric" and code.version <= MAX_VERSION
    assert max(map(len, PARTS)) - min(map(len, PARTS)) <= len(PARTS)  # equal pieces: no stub of a code


def test_the_capacities_are_segnos():
    """SINGLE_MAX and PART_MAX are the largest texts of a version-25 code at level M in each mode."""
    for mode, most in (("byte", SINGLE_MAX), ("alphanumeric", PART_MAX)):
        assert segno.make("A" * most, error="m", mode=mode, version=MAX_VERSION, boost_error=False)
        with pytest.raises(segno.DataOverflowError):
            segno.make("A" * (most + 1), error="m", mode=mode, version=MAX_VERSION, boost_error=False)


def test_parts_join_in_any_order_twice_over_and_verify():
    shuffled = PARTS + PARTS[:1]
    random.Random(3).shuffle(shuffled)
    got = assemble([(f"photo {n}", p) for n, p in enumerate(shuffled)])
    assert got.refused == [] and [p for _, p in got.statements] == [BIG]
    assert parse_closing(got.statements[0][1]).body["contests"]["G59"]["ballots"] == 90


def test_two_statements_join_side_by_side():
    other = statement(50, seed=2)
    mixed = [p for pair in zip(tape_codes(other), PARTS) for p in pair] + tape_codes(other)[len(PARTS):]
    got = assemble([("", p) for p in mixed])
    assert got.refused == [] and sorted(p for _, p in got.statements) == sorted([BIG, other])


def refusal(texts: list[str]):
    got = assemble([(f"line {n}", t) for n, t in enumerate(texts, 1)])
    assert got.statements == [] and len(got.refused) == 1
    refused = got.refused[0]
    assert refused.words["ko"] and refused.words["en"] and refused.words["en"] in str(refused)
    return refused


def test_a_missing_part_is_named():
    refused = refusal(PARTS[:1] + PARTS[2:])
    assert f"part 2/{len(PARTS)} not read" in refused.words["en"] and f"2/{len(PARTS)} 조각" in refused.words["ko"]
    assert refused.statement_id == statement_id(BIG)


def test_a_part_read_twice_with_two_contents_is_named():
    changed = PARTS[1][:-1] + ("A" if PARTS[1][-1] != "A" else "B")
    refused = refusal(PARTS + [changed])
    assert f"part 2/{len(PARTS)} was read twice with different contents" in refused.words["en"]


def test_a_part_of_another_statement_under_this_ones_name_does_not_join():
    other = tape_codes(statement(60, seed=9))
    assert len(other) == len(PARTS)
    swapped = PARTS[:1] + [PARTS[1].rsplit(":", 1)[0] + ":" + other[1].rsplit(":", 1)[1]] + PARTS[2:]
    assert "do not join into the statement they name" in refusal(swapped).words["en"]


def test_a_part_of_another_statement_is_missing_its_own_parts():
    other = tape_codes(statement(60, seed=9))
    got = assemble([("", p) for p in PARTS[:1] + other[1:2] + PARTS[2:]])
    assert got.statements == [] and len(got.refused) == 2
    assert {r.statement_id for r in got.refused} == {statement_id(BIG), other[1].split(":")[1]}


def test_parts_that_say_different_counts_are_named():
    head, _, data = PARTS[0].rpartition(":")
    recounted = head.rsplit("/", 1)[0] + f"/{len(PARTS) + 1}:" + data
    assert "different printings" in refusal(PARTS[1:] + [recounted]).words["en"]


@pytest.mark.parametrize("text", ["KSP1:", "KSP1:0123:1/2:AB", "KSP1:0123456789ABCDEF:3/2:AB",
                                  "KSP1:0123456789ABCDEF:01/2:AB", "KSP1:0123456789abcdef:1/2:AB",
                                  "KSP1:0123456789ABCDEF:1/2:AB=", "KSP1:0123456789ABCDEF:1/100:AB"])
def test_a_malformed_part_is_refused(text):
    assert parse_part(text) is None
    assert "not a readable part" in refusal([text]).words["en"]


def test_a_statement_longer_than_a_reader_takes_gets_no_codes():
    noise = random.Random(5)
    huge = {"format": CLOSING_FORMAT, "election_hex": "ab" * 32, "station": "S01", "mode": "official",
            "kiosk_key_hex": KEY.verify_key.hex, "ballots": 1, "turnout": {"s": 1},
            "contests": {f"c{noise.getrandbits(64):016x}": {"ballots": 1} for _ in range(4000)},
            "log_head": {"seq": 1, "hash_hex": "cd" * 32}, "batch": {"number": 1, "header_hash_hex": "ef" * 32},
            "time": 1}
    payload = sign_closing(KEY, huge)
    assert len(payload) > MAX_PAYLOAD and tape_codes(payload) == []


# ---------------------------------------------------------------- properties (outside input)

def _texts():
    part = st.sampled_from(PARTS)
    mangled = st.tuples(part, st.integers(0, PART_MAX), st.characters(codec="ascii")).map(
        lambda t: t[0][:t[1]] + t[2] + t[0][t[1] + 1:])
    free = st.text(max_size=60).map(lambda t: "KSP1:" + t)
    return st.lists(st.one_of(part, mangled, free, st.text(max_size=40)), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts())
def test_any_texts_are_joined_or_refused_never_raise(texts):
    got = assemble([(str(n), t) for n, t in enumerate(texts)])
    for _, payload in got.statements:
        assert payload in texts or payload == BIG  # passed through, or the one statement printed
    for refused in got.refused:
        assert refused.words["en"] and refused.words["ko"]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(PARTS) - 1), st.data())
def test_one_changed_character_never_gives_another_statement(which, data):
    part = PARTS[which]
    at = data.draw(st.integers(0, len(part) - 1))
    char = data.draw(st.characters(codec="ascii").filter(lambda c: c != part[at]))
    changed = PARTS[:which] + [part[:at] + char + part[at + 1:]] + PARTS[which + 1:]
    got = assemble([("", t) for t in changed])
    assert all(payload != BIG for _, payload in got.statements) and got.refused
