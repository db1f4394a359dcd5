"""Helpers for the poll-worker tests: cards of every kind, card files, the CLI with a PIN on stdin."""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from storehelp import NOW, Tokens

from kiosk.contract.cards import CardPin, card_body, hash_pin, sign_card
from kiosk.contract.keys import SigningKey
from kiosk.contract.package import load_package

PIN, TECH_PIN = "201705", "710253"
STATION = "S-0001"
VALID_UNTIL = 4_000_000_000  # the CLI reads the real clock; the core tests pass NOW


@dataclass(frozen=True)
class Cards:
    """Card payloads for the station S-0001 of an election."""

    poll_worker: str
    technician: str
    expired: str
    other_station: str
    other_election: str
    other_authority: str
    pins: tuple[CardPin, ...] = ()   # the authority's PIN records of every card above, for card lists


def make_cards(tokens: Tokens) -> Cards:
    """Sign one card of each kind (two PIN hashes in all: hashing is slow on purpose).

    A station unlocks them once it holds its card list: ``make_station(..., cards=cards)``."""
    authority = load_package(tokens.directory).authority_key()
    tag = tokens.election.tag
    pin_hash, tech_hash = hash_pin(PIN), hash_pin(TECH_PIN)
    pins = []

    def card(role=("poll-worker"), station=STATION, election=tag, not_before=NOW - 3600, not_after=VALID_UNTIL,
             key=authority, pin=pin_hash):
        body = card_body(election, role, station, not_before, not_after)
        pins.append(CardPin(body["card_id"], role, station, not_after, pin))
        return sign_card(key, body)

    made = dict(poll_worker=card(), technician=card("technician", "*", pin=tech_hash),
                expired=card(not_before=NOW - 7200, not_after=NOW - 3600), other_station=card(station="S-0002"),
                other_election=card(election="AAAAAAAA"), other_authority=card(key=SigningKey.generate()))
    return Cards(**made, pins=tuple(pins))


def card_file(folder: Path, payload: str, name: str = "card.txt") -> Path:
    """Write a card payload where ``kiosk --card`` reads it."""
    path = Path(folder) / name
    path.write_text(payload + "\n", encoding="ascii")
    return path


def cli(stdin: str, *argv: object) -> tuple[int, str, str]:
    """Run ``kiosk`` in-process with ``stdin`` as standard input: (exit code, stdout, stderr)."""
    from kiosk.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in argv])
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()
