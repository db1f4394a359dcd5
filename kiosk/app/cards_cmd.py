"""``kiosk cards load|show``: the technician puts the authority's card list on this kiosk, or looks at it.

No card is needed to load a list (the first list is what makes cards work here): only the
authority signs one, only this kiosk's key opens its PIN verifiers, and a list older than the
held one is refused (:mod:`kiosk.station.cardlist`).
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone
from pathlib import Path

from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, print_json
from kiosk.files import read_input
from kiosk.station.cardlist import held_card_list, list_summary, load_card_list
from kiosk.station.station import Station


def cmd_cards_load(args: argparse.Namespace) -> int:
    data = read_input(args.file, f"the card list {args.file}",
                      hint="give the file 'kiosk-central cards list' wrote for this kiosk")
    with Station.open(args.data) as station:
        loaded = load_card_list(station, data, int(time.time()))
    roles = sorted({c.role for c in loaded.cards.values()})
    print(f"card list loaded: {len(loaded.cards)} cards ({', '.join(roles) or 'none'}) for station "
          f"{loaded.station}, issued {datetime.fromtimestamp(loaded.issued, timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"카드 목록을 넣었습니다: 카드 {len(loaded.cards)}장")
    return EXIT_OK


def cmd_cards_show(args: argparse.Namespace) -> int:
    with Station.open(args.data) as station:
        summary = list_summary(held_card_list(station))
    if args.json:
        print_json(summary)
    elif not summary["loaded"]:
        print("no card list loaded: kiosk cards load --data DIR FILE / 카드 목록이 없습니다")
    elif not summary["valid"]:
        print(f"the held card list is refused: {summary['text']}")
    else:
        print(f"card list for station {summary['station']}, issued "
              f"{datetime.fromtimestamp(summary['issued'], timezone.utc):%Y-%m-%d %H:%M} UTC: "
              f"{len(summary['cards'])} cards")
        for card in summary["cards"]:
            print(f"  {card['card_id']} {card['role']} until "
                  f"{datetime.fromtimestamp(card['not_after'], timezone.utc):%Y-%m-%d %H:%M} UTC")
    return EXIT_OK if summary.get("valid") else EXIT_BAD


def add_card_verbs(verbs) -> None:
    """Add ``cards load|show`` to ``kiosk``'s parser."""
    cards = verbs.add_parser("cards", help="the authority's card list on this kiosk (load, show)")
    actions = cards.add_subparsers(metavar="ACTION")
    load = actions.add_parser("load", help="load this kiosk's card list from 'kiosk-central cards list'")
    load.add_argument("--data", required=True, type=Path, help="the station's data directory")
    load.add_argument("file", type=Path, help="the card list file")
    load.set_defaults(func=cmd_cards_load)
    show = actions.add_parser("show", help="the held card list: issue time, card ids and roles (exit 1: none)")
    show.add_argument("--data", required=True, type=Path, help="the station's data directory")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_cards_show)
