"""Poll-worker and technician cards (format KC2): signature, station, election, validity, PIN record."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.contract.cards import (Card, CardRefusal, CardRefused, check_card, mint_card, parse_card, pin_matches)
from kiosk.contract.canonical import b64url
from kiosk.errors import ValidationError
from kiosk.contract.keys import SigningKey

NOW = 1_495_850_000  # 2017-05-27
AUTHORITY = SigningKey(bytes(range(32)))
OTHER = SigningKey(bytes(range(1, 33)))
TAG = "ABCDEFGH"


@pytest.fixture(scope="module")
def minted():
    return mint_card(AUTHORITY, TAG, "poll-worker", "S01", "482915", NOW - 10, NOW + 3600)


@pytest.fixture(scope="module")
def card_payload(minted):
    return minted.payload


def test_valid_card_and_its_pin_record(minted):
    card = check_card(minted.payload, AUTHORITY.verify_key, TAG, "S01", NOW)
    assert isinstance(card, Card) and card.role == "poll-worker" and card.card_id == minted.pin.card_id
    assert pin_matches(minted.pin.pin_hash, "482915")
    assert not pin_matches(minted.pin.pin_hash, "482916")
    assert not pin_matches(minted.pin.pin_hash, "")
    assert "482915" not in minted.payload and "argon2" not in minted.payload and "pin" not in minted.payload
    assert "argon2" not in repr(minted.pin)  # the verifier stays out of logs


def test_an_old_format_card_is_refused_by_name():
    from kiosk.contract.cards import hash_pin

    message = ('{"card_id":"AAAAAAAAAAAAAAAA","election":"ABCDEFGH","not_after":1495853600,"not_before":1495849990,'
               f'"pin_hash":"{hash_pin("482915")}","role":"poll-worker","station":"S01","v":1}}')
    old = "KC1:" + message + "." + b64url(AUTHORITY.sign("kiosk-card/1", message.encode()))
    refused = check_card(old, AUTHORITY.verify_key, TAG, "S01", NOW)
    assert refused == CardRefused(CardRefusal.OLD_FORMAT) and "new card" in str(refused)


@pytest.mark.parametrize("station, now, tag, reason", [
    ("S02", NOW, TAG, CardRefusal.WRONG_STATION),
    ("S01", NOW + 3600, TAG, CardRefusal.EXPIRED),
    ("S01", NOW - 11, TAG, CardRefusal.NOT_YET_VALID),
    ("S01", NOW, "ZZZZZZZZ", CardRefusal.OTHER_ELECTION),
])
def test_refusals(card_payload, station, now, tag, reason):
    assert check_card(card_payload, AUTHORITY.verify_key, tag, station, now) == CardRefused(reason)


def test_star_station_card_works_everywhere():
    payload = mint_card(AUTHORITY, TAG, "technician", "*", "730418", NOW - 10, NOW + 10).payload
    card = check_card(payload, AUTHORITY.verify_key, TAG, "S77", NOW)
    assert isinstance(card, Card) and card.role == "technician"


def test_card_signed_by_another_key(card_payload):
    forged = mint_card(OTHER, TAG, "technician", "*", "730418", NOW - 10, NOW + 10).payload
    assert parse_card(forged, AUTHORITY.verify_key) == CardRefused(CardRefusal.BAD_SIGNATURE)


def test_edited_card_is_refused(card_payload):
    edited = card_payload.replace('"role":"poll-worker"', '"role":"technician"')
    assert parse_card(edited, AUTHORITY.verify_key) == CardRefused(CardRefusal.BAD_SIGNATURE)
    assert parse_card("KC3:{}", AUTHORITY.verify_key) == CardRefused(CardRefusal.UNKNOWN_VERSION)
    assert parse_card("KC2:{}", AUTHORITY.verify_key) == CardRefused(CardRefusal.MALFORMED)
    assert parse_card("KT1O...", AUTHORITY.verify_key) == CardRefused(CardRefusal.MALFORMED)


def test_minting_checks_its_input():
    with pytest.raises(ValidationError, match="pin"):
        mint_card(AUTHORITY, TAG, "poll-worker", "S01", "12", NOW, NOW + 1)
    with pytest.raises(ValidationError, match="role"):
        mint_card(AUTHORITY, TAG, "voter", "S01", "730418", NOW, NOW + 1)


@pytest.mark.parametrize("pin", ["1234", "48291", "111111", "123456", "987654", "890123", "121212", "123123",
                                 "0000000000", "12345a", " 482915", "4829150000000"])
def test_new_cards_refuse_short_and_trivial_pins(pin):
    from kiosk.contract.cards import pin_problem

    assert pin_problem(pin)
    with pytest.raises(ValidationError, match="pin"):
        mint_card(AUTHORITY, TAG, "poll-worker", "S01", pin, NOW, NOW + 1)


@pytest.mark.parametrize("pin", ["482915", "730418", "201729", "100000000007"])
def test_ordinary_six_to_twelve_digit_pins_are_taken(pin):
    from kiosk.contract.cards import pin_problem

    assert pin_problem(pin) is None


def test_a_short_pin_never_matches_even_its_own_hash():
    import nacl.pwhash

    four = nacl.pwhash.argon2id.str(b"2017", opslimit=nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE,
                                    memlimit=nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE).decode()
    assert not pin_matches(four, "2017")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.builds(lambda s: "KC1:" + s, st.text(max_size=300))
       | st.builds(lambda s: "KC2:" + s, st.text(max_size=300)))
def test_any_text_gives_a_card_or_a_refusal(text):
    assert isinstance(parse_card(text, AUTHORITY.verify_key), (Card, CardRefused))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_every_single_character_change_is_refused(card_payload, data):
    i = data.draw(st.integers(0, len(card_payload) - 1))
    ch = data.draw(st.characters(min_codepoint=32, max_codepoint=126))
    changed = card_payload[:i] + ch + card_payload[i + 1:]
    if changed != card_payload:
        assert isinstance(parse_card(changed, AUTHORITY.verify_key), CardRefused)
