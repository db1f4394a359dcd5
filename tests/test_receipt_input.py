"""A tracking code typed as a voter types it, and every slip its check character must catch.

Hypothesis fuzzes the parser: a printed code typed loosely (spaces, dashes, case, O for 0, I or L for
1) reads back as printed; one wrong character or two swapped ones never pass as another code; any
text at all either parses to a valid code or raises CodeError (never another exception). The
known-answer vector (tests/vectors/tracking-code.json) pins the construction for other
implementations.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kiosk.contract.tracking import ALPHABET, CodeError, code_prefix, normalise_code, parse_code, tracking_code
from sync.central.receipt_page import render

VECTOR = Path(__file__).resolve().parent / "vectors" / "tracking-code.json"
LOOSE = {"0": "0Oo", "1": "1IiLl"}


@given(st.binary(min_size=32, max_size=32), st.lists(st.sampled_from(["", " ", "-", "  ", "."]), min_size=10,
                                                     max_size=10), st.data())
def test_a_code_typed_loosely_reads_back_as_printed(digest, gaps, data):
    code = tracking_code(digest)
    letters = code.replace("-", "")
    typed = "".join(gaps[i] + data.draw(st.sampled_from(LOOSE.get(c, c + c.lower()))) for i, c in enumerate(letters))
    assert parse_code(typed) == code
    assert code_prefix(typed) == digest[:5]


@given(st.binary(min_size=32, max_size=32), st.integers(0, 9), st.sampled_from(ALPHABET))
def test_one_wrong_character_is_caught(digest, at, symbol):
    letters = tracking_code(digest).replace("-", "")
    typed = letters[:at] + symbol + letters[at + 1:]
    if typed == letters:
        return
    try:
        parse_code(typed)
    except CodeError as e:
        assert e.kind == "check"
    else:
        raise AssertionError(f"{typed} passed for {letters}")


@given(st.binary(min_size=32, max_size=32), st.integers(0, 9), st.integers(0, 9))
def test_two_swapped_characters_are_caught(digest, i, j):
    letters = list(tracking_code(digest).replace("-", ""))
    if letters[i] == letters[j]:
        return
    letters[i], letters[j] = letters[j], letters[i]
    assert normalise_code("".join(letters)) is None


@given(st.text(max_size=40))
def test_any_text_is_a_code_or_says_why_not(text):
    try:
        code = parse_code(text)
    except CodeError as e:
        assert e.kind in ("length", "symbol", "check") and e.say("ko") and e.say("en")
    else:
        assert parse_code(code) == code and len(code) == 11


def test_every_single_slip_of_many_codes_is_caught():
    """Exhaustive for 200 codes: every one-character substitution and every swap of two characters."""
    for n in range(200):
        letters = tracking_code(hashlib.sha256(n.to_bytes(2, "big")).digest()).replace("-", "")
        for at in range(10):
            for symbol in ALPHABET.replace(letters[at], ""):
                assert normalise_code(letters[:at] + symbol + letters[at + 1:]) is None
        for i in range(10):
            for j in range(i + 1, 10):
                if letters[i] != letters[j]:
                    s = list(letters)
                    s[i], s[j] = s[j], s[i]
                    assert normalise_code("".join(s)) is None


def test_known_answers():
    vector = json.loads(VECTOR.read_text())
    for case in vector["codes"]:
        assert tracking_code(bytes.fromhex(case["leaf_hash_hex"])) == case["code"]
        assert code_prefix(case["code"]) == bytes.fromhex(case["leaf_hash_hex"])[:5]
    for case in vector["refused"]:
        try:
            parse_code(case["typed"])
        except CodeError as e:
            assert e.kind == case["kind"]
        else:
            raise AssertionError(case)


def test_the_voter_is_told_what_slip_it_was():
    code = next(c for c in (tracking_code(hashlib.sha256(bytes([n])).digest()) for n in range(9)) if c[0] != c[1])
    for typed, kind, words in ((code[1] + code[0] + code[2:], "check", ("swapped", "바뀌었습니다")),
                               (code + "2", "length", ("10 characters", "10글자")),
                               (code[:-1] + "U", "symbol", ("no tracking code uses: U", "쓰이지 않는 글자"))):
        try:
            parse_code(typed)
        except CodeError as e:
            assert e.kind == kind and words[0] in e.say("en") and words[1] in e.say("ko")
        else:
            raise AssertionError(typed)
    page = render("", None)
    assert '<label for="code">' in page and 'id="code"' in page and 'lang="en"' in page
