"""``kiosk-central verify --from URL|DIR`` and ``kiosk-central board export``: the observer's side."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.contract.board_checkpoint import parse_checkpoint
from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, EXIT_USAGE, print_json
from sync.central.observer import InputError, Published, report_json, verify_published
from sync.central.observer_export import read_board, read_closing_lines, write_board
from sync.central.observer_fetch import fetch_board


def load_published(source: str) -> Published:
    """The board at a node's URL (http:// or https://) or in an exported directory."""
    if source.startswith(("http://", "https://")):
        return fetch_board(source)
    if not Path(source).is_dir():
        raise InputError(f"{source} is neither a node's URL nor a directory",
                         hint="give http://HOST:PORT or a directory 'kiosk-central board export' wrote")
    return read_board(Path(source))


def cmd_verify_from(args: argparse.Namespace) -> int:
    """Verify a node's published board and the package from published data only (exit 0/1/2)."""
    if not (Path(args.election) / "election.json").is_file():
        print(f"error: no election.json in {args.election}", file=sys.stderr)
        return EXIT_USAGE
    for path in args.closing or []:
        if not Path(path).is_file():
            print(f"error: no closing statement file {path}", file=sys.stderr)
            return EXIT_USAGE
    published = load_published(args.source)
    findings = verify_published(args.election, published, read_closing_lines(args.closing or []))
    report = report_json(findings)
    if args.json:
        print_json(report)
    else:
        for f in findings:
            print(f.line())
        bad = sum(f.level == "problem" for f in findings)
        print("verified: every check passed" if not bad else f"NOT verified: {bad} problems")
    return EXIT_OK if report["ok"] else EXIT_BAD


def cmd_board_export(args: argparse.Namespace) -> int:
    """Write a node's published board (checkpoint, cosigned checkpoint, leaves) to a directory."""
    from sync.central.board import MAX_LEAVES_PER_REQUEST, Board
    from sync.central.node import CentralNode
    from sync.central.witnessing import Witnessing

    node = CentralNode(args.election, args.data, mode=args.mode, db=args.db)
    try:
        board = Board(node)
        checkpoint = board.checkpoint()
        size = parse_checkpoint(checkpoint, board.origin, None).tree_size
        leaves = []
        for start in range(0, size, MAX_LEAVES_PER_REQUEST):
            leaves += board.leaves(start, min(size, start + MAX_LEAVES_PER_REQUEST)) or []
        witnessing = Witnessing(board)
        try:
            cosigned = witnessing.cosigned()["note"].encode("utf-8")
        finally:
            witnessing.close()
    finally:
        node.close()
    written = write_board(Published(checkpoint, cosigned, leaves), args.out)
    for path in written:
        print(f"written: {path}")
    print(f"{size} leaves; verify with: kiosk-central verify --from {args.out} --election DIR")
    return EXIT_OK
