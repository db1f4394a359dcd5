"""``kiosk-central board check``: a voter's (or an observer's) receipt check against a node."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, print_json
from kiosk.errors import FormatError, KioskError
from kiosk.contract.package import load_package
from kiosk.contract.receipts import ReceiptFound
from kiosk.contract.tracking import CodeError, parse_code
from sync.central.board_client import check_code_on_node


def cmd_board_check(args: argparse.Namespace) -> int:
    """Exit 0 when the code's ballot is proven on a signed checkpoint, 1 when not (for any reason),
    2 when the text is no tracking code (a slip of typing, said before any node is asked)."""
    try:
        parse_code(args.code)
    except CodeError as e:
        raise FormatError(f"{e.say('ko')} · {e.say('en')}", hint="the code is on the voter's paper: XXXXX-XXXXX")
    election = load_package(args.election).election
    if args.node:
        url = args.node
    elif election.nodes:
        url = election.nodes[0].url
    else:
        raise KioskError("the election lists no nodes", hint="give --node URL")
    node_id, outcome = check_code_on_node(url, args.code, election, args.mode)
    found = isinstance(outcome, ReceiptFound)
    if args.json:
        print_json({"code": outcome.code, "found": found, "node": url, "node_id": node_id,
                    **({"leaf_hash_hex": outcome.leaf_hash.hex(), "leaf_index": outcome.leaf_index,
                        "root_hex": outcome.root.hex(), "tree_size": outcome.tree_size} if found else {})})
    elif found:
        print(f"found: {outcome.code} is ballot {outcome.leaf_index + 1} of {outcome.tree_size} on node {node_id}'s "
              f"board; the proof leads to its signed root {outcome.root.hex()[:16]}…")
    else:  # the same words whether the code is unknown, mistyped or the node's answer did not check out
        print(f"not found: {outcome.code} is not shown on a signed checkpoint of {url}")
    return EXIT_OK if found else EXIT_BAD


def cmd_board_check_spoiled(args: argparse.Namespace) -> int:
    """Exit 0 with what the checked ballot held, 1 when it cannot be found or opened, 2 on a bad code."""
    from sync.central.observer_cli import load_published
    from sync.central.count import ElectionKey
    from sync.central.spoiled_check import describe, open_spoiled_code

    election = load_package(args.election).election
    source = args.source or (election.nodes[0].url if election.nodes else None)
    if source is None:
        raise KioskError("the election lists no nodes", hint="give --from URL|DIR")
    opened = open_spoiled_code(election, ElectionKey.of(election), args.code, load_published(source).count.spoiled)
    if args.json:
        print_json(opened.to_json())
    else:
        print(f"checked ballot {opened.ballot_id_hex} (style {opened.style}), opened with the printed seed; "
              "it is never counted. It encrypted:")
        for line in describe(election, opened, args.lang):
            print(f"  {line}")
    return EXIT_OK


def add_board_verbs(verbs) -> None:
    """The ``board`` verbs of ``kiosk-central``."""
    board = verbs.add_parser("board", help="the public bulletin board").add_subparsers(metavar="ACTION")
    check = board.add_parser("check", help="is the ballot of a receipt's tracking code on a node's signed board?")
    check.add_argument("code", help="the tracking code on the receipt (XXXXX-XXXXX)")
    check.add_argument("--election", required=True, type=Path, help="the election package (lists the nodes' keys)")
    check.add_argument("--node", metavar="URL", help="the node to ask (default: the first the package lists)")
    check.add_argument("--mode", choices=["official", "test"], default="official",
                       help="the board to check (default official)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=cmd_board_check)

    spoiled = board.add_parser("check-spoiled", help="what a checked (spoiled) ballot encrypted, from its published "
                               "ballot and the seed its paper record's QR prints")
    spoiled.add_argument("code", help="the QR payload printed for the checked ballot (KC1:TAG:BALLOT-ID:SEED)")
    spoiled.add_argument("--election", required=True, type=Path, help="the election package")
    spoiled.add_argument("--from", dest="source", metavar="URL|DIR",
                         help="a node's URL or an exported record (default: the first node the package lists)")
    spoiled.add_argument("--lang", choices=["ko", "en"], default="en", help="titles in Korean or English (default en)")
    spoiled.add_argument("--json", action="store_true")
    spoiled.set_defaults(func=cmd_board_check_spoiled)

    export = board.add_parser("export", help="write a node's published board to a directory (for verify --from)")
    export.add_argument("--data", required=True, type=Path, help="the node's data directory")
    export.add_argument("--election", required=True, type=Path, help="the election package")
    export.add_argument("--mode", choices=["official", "test"], default="official", help="the board (default official)")
    export.add_argument("--db", metavar="URL", help="the node's PostgreSQL store (see serve)")
    export.add_argument("--out", required=True, type=Path, help="the directory to write")
    export.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    from sync.central.observer_cli import cmd_board_export

    return cmd_board_export(args)
