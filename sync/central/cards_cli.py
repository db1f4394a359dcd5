"""The authority's card verbs of ``kiosk-central``: ``cards mint|list|revoke|check``.

``cards mint`` writes the card's QR (nothing about its PIN in it) and keeps the PIN's argon2id
hash in the authority's private ``authority/card-pins.json`` (mode 0600, beside the authority
key, never copied to a kiosk). ``cards list`` makes the signed card list of one kiosk on the
roster: every card still valid for its station or ``*``, each verifier sealed to that kiosk's key
(:mod:`kiosk.contract.card_list`); the technician loads it with ``kiosk cards load``.
``cards revoke`` drops a lost card's record, so no later list holds it (a kiosk that loads the
new list refuses the card as ``not_listed``).
Exit codes: 0 ok, 1 the card checked is not valid, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import re
import time
from datetime import datetime, timezone
from pathlib import Path

from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, print_json, read_pin
from kiosk.contract.card_list import make_card_list
from kiosk.contract.cards import CardPin, CardRefused, check_card, mint_card
from kiosk.contract.envelope import write_envelope
from kiosk.contract.keys import VerifyKey, read_private_json, write_private_json
from kiosk.contract.package import load_package
from kiosk.contract.registration import parse_registration
from kiosk.contract.roster import load_roster
from kiosk.errors import KioskError
from sync.central.sheets import card_qr, save_png

DAY_S = 86_400
PINS_FILE = Path("authority") / "card-pins.json"
PINS_FORMAT = "kiosk-card-pins/1"


def card_pins(election: Path) -> list[CardPin]:
    """Every card the authority minted for this package, with its PIN verifier (empty when none)."""
    path = Path(election) / PINS_FILE
    if not path.exists():
        return []
    body = read_private_json(path, "card PIN file")
    if body.get("format") != PINS_FORMAT or not isinstance(body.get("cards"), list):
        raise KioskError(f"{path} is not a {PINS_FORMAT} file")
    return [CardPin(c["card_id"], c["role"], c["station"], c["not_after"], c["pin_hash"]) for c in body["cards"]]


def keep_card_pins(election: Path, pins: list[CardPin]) -> None:
    """Write the authority's private file of PIN records whole (0600)."""
    cards = [{"card_id": p.card_id, "role": p.role, "station": p.station, "not_after": p.not_after,
              "pin_hash": p.pin_hash} for p in pins]
    write_private_json(Path(election) / PINS_FILE, {"format": PINS_FORMAT, "cards": cards})


def keep_card_pin(election: Path, pin: CardPin) -> None:
    """Add a minted card's PIN record to the authority's private file."""
    keep_card_pins(election, [*card_pins(election), pin])


def _timestamp(text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as e:
        raise KioskError(f"cannot read the time {text!r}", hint="write it as 2017-05-27 or 2017-05-27T18:00+09:00") from e
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def cmd_cards_mint(args: argparse.Namespace) -> int:
    package = load_package(args.election)
    authority = package.authority_key()
    now = int(time.time())
    not_before = _timestamp(args.valid_from, now - 60)
    not_after = _timestamp(args.valid_until, not_before + args.days * DAY_S)
    minted = mint_card(authority, package.election.tag, args.role, args.station, read_pin(), not_before, not_after)
    keep_card_pin(args.election, minted.pin)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{args.role}-{args.station.replace('*', 'all')}"
    save_png(card_qr(minted.payload), out / f"{stem}.png", scale=6)
    (out / f"{stem}.txt").write_text(minted.payload + "\n", encoding="ascii")
    print(f"card {minted.pin.card_id} for a {args.role} at station {args.station} written to {out}/{stem}.png "
          f"(QR version {card_qr(minted.payload).version}); valid "
          f"{datetime.fromtimestamp(not_before, timezone.utc):%Y-%m-%d %H:%M} to "
          f"{datetime.fromtimestamp(not_after, timezone.utc):%Y-%m-%d %H:%M} UTC")
    print("its PIN reaches a kiosk only in that kiosk's card list: kiosk-central cards list --kiosk REGISTRATION")
    return EXIT_OK


def _kiosk_key_hex(text: str) -> str:
    if re.fullmatch(r"[0-9a-f]{64}", text):
        return text
    try:
        data = Path(text).read_bytes()
    except OSError as e:
        raise KioskError(f"cannot read {text}: {e.strerror}",
                         hint="give the kiosk's DATA/registration.json or its key in hex") from e
    return parse_registration(data, text).kiosk_key_hex


def cmd_cards_list(args: argparse.Namespace) -> int:
    package = load_package(args.election)
    kiosk_hex = _kiosk_key_hex(args.kiosk)
    entry = load_roster(args.election, package.election.fingerprint_hex, package.authority).kiosk(kiosk_hex)
    if entry is None:
        raise KioskError(f"kiosk {VerifyKey.from_hex(kiosk_hex).fingerprint} is not on the roster",
                         hint="add it first: kiosk-central kiosks add --election DIR REGISTRATION")
    now = int(time.time())
    envelope = make_card_list(package.authority_key(), package.election.fingerprint_hex, kiosk_hex, entry.station,
                              card_pins(args.election), now)
    write_envelope(args.out, envelope)
    count = len(envelope["body"]["cards"])
    print(f"card list for kiosk {VerifyKey.from_hex(kiosk_hex).fingerprint} of station {entry.station}: "
          f"{count} cards, written to {args.out}; load it with: kiosk cards load --data DIR {args.out}")
    return EXIT_OK


def cmd_cards_revoke(args: argparse.Namespace) -> int:
    load_package(args.election)
    pins = card_pins(args.election)
    kept = [p for p in pins if p.card_id != args.card_id]
    if len(kept) == len(pins):
        raise KioskError(f"no card {args.card_id} in {args.election}/{PINS_FILE}",
                         hint="the card id is in the card's text (card_id) and in 'kiosk cards show'")
    keep_card_pins(args.election, kept)
    print(f"card {args.card_id} revoked: no card list made from now on holds it; make a new list for every "
          "kiosk of its station and load it (kiosk-central cards list, kiosk cards load)")
    return EXIT_OK


def cmd_cards_check(args: argparse.Namespace) -> int:
    package = load_package(args.election)
    text = Path(args.card).read_text().strip() if Path(args.card).is_file() else args.card.strip()
    result = check_card(text, package.authority, package.election.tag, args.station, int(time.time()))
    if isinstance(result, CardRefused):
        if args.json:
            print_json({"valid": False, "reason": result.reason.value, "text": str(result)})
        else:
            print(f"refused: {result.reason.value}: {result}")
        return EXIT_BAD
    if args.json:
        print_json({"valid": True, "role": result.role, "station": result.station, "card_id": result.card_id})
    else:
        print(f"valid: {result.role} card {result.card_id} for station {result.station}")
    return EXIT_OK


def add_cards_verbs(verbs) -> None:
    """Add ``cards mint|list|check`` to ``kiosk-central``'s parser."""
    cards = verbs.add_parser("cards", help="poll-worker and technician cards").add_subparsers(metavar="ACTION")
    cmint = cards.add_parser("mint", help="sign a card; the PIN is read from standard input")
    cmint.add_argument("--election", required=True, type=Path)
    cmint.add_argument("--role", required=True, choices=["poll-worker", "technician"])
    cmint.add_argument("--station", required=True, help="station id, or * for every station")
    cmint.add_argument("--valid-from", help="ISO date or time (default: now)")
    cmint.add_argument("--valid-until", help="ISO date or time (default: --days after the start)")
    cmint.add_argument("--days", type=int, default=7, help="validity in days when --valid-until is not given")
    cmint.add_argument("--out", required=True, type=Path)
    cmint.set_defaults(func=cmd_cards_mint)
    clist = cards.add_parser("list", help="the signed card list of one kiosk on the roster (PIN verifiers "
                                          "sealed to its key)")
    clist.add_argument("--election", required=True, type=Path)
    clist.add_argument("--kiosk", required=True, help="the kiosk's DATA/registration.json, or its key in hex")
    clist.add_argument("--out", required=True, type=Path, help="the list file to write (e.g. cards-S01.json)")
    clist.set_defaults(func=cmd_cards_list)
    crevoke = cards.add_parser("revoke", help="leave a lost card out of every card list made from now on")
    crevoke.add_argument("--election", required=True, type=Path)
    crevoke.add_argument("card_id", help="the card's id (16 letters and digits)")
    crevoke.set_defaults(func=cmd_cards_revoke)
    ccheck = cards.add_parser("check", help="is a card valid for a station now?")
    ccheck.add_argument("--election", required=True, type=Path)
    ccheck.add_argument("--station", required=True)
    ccheck.add_argument("--json", action="store_true")
    ccheck.add_argument("card", help="the payload, or a file holding it")
    ccheck.set_defaults(func=cmd_cards_check)
