"""The closing statement (kiosk-closing/1): strict parsing of what a photo of the tape gives,
the signature, and the agreement with the election (privacy floor, turnout, options)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.contract.closing import CLOSING_FORMAT, check_closing, parse_closing, sign_closing
from kiosk.contract.election import parse_election
from kiosk.errors import FormatError, KioskError, SignatureError
from kiosk.contract.keys import SigningKey

HERE = Path(__file__).resolve().parent / "vectors"
spec = importlib.util.spec_from_file_location("make_vectors", HERE / "make_vectors.py")
make_vectors = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_vectors)
ELECTION = parse_election(make_vectors.election_body())   # contest k1 (yes/no, one choice), style s1, k = 10
KEY = SigningKey(bytes(range(100, 132)))


def body(ballots=12, yes=7, no=5, **changes):
    b = {"format": CLOSING_FORMAT, "election_hex": ELECTION.fingerprint_hex, "station": "S01", "mode": "official",
         "kiosk_key_hex": KEY.verify_key.hex, "ballots": ballots, "turnout": {"s1": ballots} if ballots else {},
         "contests": ({"k1": {"ballots": ballots, "options": {"no": no, "yes": yes}}} if ballots >= 10
                      else {"k1": {"ballots": ballots}} if ballots else {}),
         "log_head": {"seq": 40, "hash_hex": "11" * 32}, "batch": {"number": 2, "header_hash_hex": "22" * 32},
         "time": 1495893600}
    b.update(changes)
    return b


def test_round_trip_and_agreement():
    statement = parse_closing(sign_closing(KEY, body()))
    assert statement.body == body() and statement.kiosk_key == KEY.verify_key
    assert check_closing(statement, ELECTION) == []
    assert check_closing(parse_closing(sign_closing(KEY, body(ballots=3))), ELECTION) == []


@pytest.mark.parametrize("changed, problem", [
    ({"contests": {"k1": {"ballots": 3, "options": {"no": 1, "yes": 2}}}, "ballots": 3, "turnout": {"s1": 3}},
     "option counts must be given exactly when every option was on at least 10 ballots"),
    ({"contests": {"k1": {"ballots": 12}}}, "option counts must be given exactly"),
    ({"contests": {"k1": {"ballots": 12, "options": {"no": 6, "yes": 7}}}}, "more selections than the ballots allow"),
    ({"contests": {"k1": {"ballots": 12, "options": {"yes": 7}}}}, "the options are not the contest's"),
    ({"contests": {"k9": {"ballots": 12}}}, "unknown contest"),
    ({"contests": {}}, "k1: missing"),
    ({"turnout": {"s9": 12}}, "unknown ballot style"),
    ({"election_hex": "00" * 32}, "another election"),
])
def test_disagreements_with_the_election_are_named(changed, problem):
    found = check_closing(parse_closing(sign_closing(KEY, body(**changed))), ELECTION)
    assert any(problem in p for p in found), found


@pytest.mark.parametrize("text, says", [
    ("KS2:{}.sig", "version 2 is not known"),
    ("KT1OABCD", "does not begin with KS1:"),
    ("KS1:{\"a\":1}", "no signature"),
    ("KS1:{ \"a\":1}.x", "not canonical"),
    ("KS1:{\"a\":1.5}.x", "floats"),
    ("KS1:\u00e9.x", "ASCII"),
])
def test_malformed_payloads_are_refused_with_a_reason(text, says):
    with pytest.raises(FormatError, match=says):
        parse_closing(text)


def test_turnout_must_add_up_and_counts_stay_within_the_ballots():
    with pytest.raises(FormatError, match="does not add up"):
        sign_closing(KEY, body(turnout={"s1": 11}))
    with pytest.raises(FormatError, match="more than the ballots cast"):
        parse_closing(sign_closing(KEY, body()).replace('"ballots":12,"options"', '"ballots":13,"options"'))


def test_another_kiosk_key_does_not_verify():
    other = SigningKey(bytes(32))
    payload = sign_closing(other, body(kiosk_key_hex=other.verify_key.hex))
    forged = payload.replace(other.verify_key.hex, KEY.verify_key.hex)
    with pytest.raises(SignatureError):
        parse_closing(forged)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(st.text(max_size=400), st.text(max_size=300).map(lambda t: "KS1:" + t),
                 st.binary(max_size=200).map(lambda b: "KS1:" + b.decode("latin-1"))))
def test_any_text_gives_a_statement_or_a_kiosk_error(text):
    try:
        parse_closing(text)
    except KioskError:
        pass


VALID = sign_closing(KEY, body())


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(VALID) - 1), st.characters(min_codepoint=32, max_codepoint=126))
def test_any_one_changed_character_is_refused(index, char):
    changed = VALID[:index] + char + VALID[index + 1:]
    if changed == VALID:
        return
    with pytest.raises(KioskError):
        parse_closing(changed)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 2**40))
def test_valid_statements_round_trip(ballots, yes, time):
    yes = min(yes, ballots)
    b = body(ballots=ballots, yes=yes, no=ballots - yes, time=time)
    statement = parse_closing(sign_closing(KEY, b))
    assert statement.body == b and check_closing(statement, ELECTION) == []
    with pytest.raises(SignatureError):
        parse_closing(sign_closing(KEY, b).replace(f'"time":{time}', f'"time":{time + 1}'))
