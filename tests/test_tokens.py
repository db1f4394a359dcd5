"""Ballot tokens: format, strict parsing, the roll check, and the real decoders."""

from __future__ import annotations

import string

import cv2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyzbar import pyzbar

from kiosk.contract.tokens import (PAYLOAD_LENGTH, BallotToken, RefusalReason, Refused, Valid, check_token,
                          parse_token, token_payload)
from scanner.decoders import zxing_texts
from sync.central.sheets import save_png, token_qr

QR_ALPHANUMERIC = string.digits + string.ascii_uppercase + " $%*+-./:"


def check(package, payload, mode="official"):
    roll = package.roll()
    try:
        e = package.election
        return check_token(payload, e.tag, e.fingerprint, mode, roll)
    finally:
        roll.close()


def test_payload_is_short_alphanumeric_version_2(small_election):
    package, official, _ = small_election
    payload = official["C001"][0]
    assert len(payload) == PAYLOAD_LENGTH == 38
    assert set(payload) <= set(QR_ALPHANUMERIC)
    qr = token_qr(payload)
    assert (qr.version, qr.error, qr.mode) == (2, "M", "alphanumeric")


def test_valid_token_names_its_ballot_style(small_election):
    package, official, test = small_election
    result = check(package, official["C007"][3])
    assert isinstance(result, Valid) and result.style == "C007"
    result = check(package, test["C002"][0], mode="test")
    assert isinstance(result, Valid) and result.style == "C002"


@pytest.mark.parametrize("mutate, reason", [
    (lambda p: "XX" + p[2:], RefusalReason.MALFORMED),
    (lambda p: "KT2" + p[3:], RefusalReason.UNKNOWN_VERSION),
    (lambda p: p[:4] + "AAAAAAAA" + p[12:], RefusalReason.OTHER_ELECTION),
    (lambda p: p[:-1], RefusalReason.MALFORMED),
    (lambda p: p.lower(), RefusalReason.MALFORMED),
    (lambda p: p + "A", RefusalReason.MALFORMED),
])
def test_refusal_reasons(small_election, mutate, reason):
    package, official, _ = small_election
    assert check(package, mutate(official["C001"][0])) == Refused(reason)


def test_wrong_mode_both_ways(small_election):
    package, official, test = small_election
    assert check(package, official["C001"][0], mode="test") == Refused(RefusalReason.WRONG_MODE)
    assert check(package, test["C001"][0], mode="official") == Refused(RefusalReason.WRONG_MODE)


def test_forged_serial_is_not_on_roll(small_election):
    package, _, _ = small_election
    forged = token_payload(package.election.tag, "official", bytes(range(16)))
    assert check(package, forged) == Refused(RefusalReason.NOT_ON_ROLL)


def test_unfrozen_roll_refuses(tmp_path):
    from kiosk.contract.minting import mint_tokens
    from ceremonyhelp import format2_package
    from kiosk.contract.ttabok import ttabok_spec

    package = format2_package(tmp_path / "e", ttabok_spec(4))[0]
    [token] = mint_tokens(package, [("C001", 1)], "official")
    assert check(package, token.payload) == Refused(RefusalReason.ROLL_NOT_FROZEN)


def test_token_repr_hides_the_serial(small_election):
    _, official, _ = small_election
    token = parse_token(official["C001"][0])
    assert isinstance(token, BallotToken)
    assert token.serial.hex() not in repr(token) and official["C001"][0][12:] not in repr(token)


def test_minted_png_decodes_with_pyzbar_and_zxing_cpp(small_election, tmp_path):
    package, official, _ = small_election
    for payload in official["C003"][:3]:
        path = tmp_path / "t.png"
        save_png(token_qr(payload), path)
        image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        assert [s.data.decode("ascii") for s in pyzbar.decode(image)] == [payload]
        assert zxing_texts(image) == [payload]
        assert isinstance(check(package, payload), Valid)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | st.text(alphabet=QR_ALPHANUMERIC, min_size=30, max_size=45))
def test_any_text_gives_a_token_or_a_documented_refusal(text):
    result = parse_token(text)
    assert isinstance(result, (BallotToken, Refused))
    if isinstance(result, BallotToken):
        assert result.payload == text


@settings(max_examples=200, deadline=None)
@given(position=st.integers(0, PAYLOAD_LENGTH - 1), replacement=st.sampled_from(QR_ALPHANUMERIC))
def test_every_single_character_change_is_refused(small_election, position, replacement):
    package, official, _ = small_election
    payload = official["C010"][0]
    changed = payload[:position] + replacement + payload[position + 1:]
    if changed != payload:
        assert isinstance(check(package, changed), Refused)


def test_every_single_character_change_exhaustively(small_election):
    """All 38 x 44 one-character changes of one token, through the real roll."""
    package, official, _ = small_election
    payload = official["C011"][0]
    roll = package.roll()
    e = package.election
    try:
        for i in range(len(payload)):
            for ch in QR_ALPHANUMERIC:
                changed = payload[:i] + ch + payload[i + 1:]
                if changed != payload:
                    assert isinstance(check_token(changed, e.tag, e.fingerprint, "official", roll), Refused), (i, ch)
    finally:
        roll.close()
