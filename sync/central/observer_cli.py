"""``kiosk-central verify --from URL|DIR`` and ``kiosk-central board export``: the observer's side."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from kiosk.contract.board_checkpoint import parse_checkpoint
from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, EXIT_USAGE, print_json
from kiosk.contract.package import load_package
from sync.central.observer import InputError, Published, report_json, verify_record
from sync.central.results import results_csv_of
from sync.central.observer_export import copy_package, read_board, read_closing_lines, write_board
from sync.central.record_check import CountFiles, results_json
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
    findings, derived = verify_record(args.election, published, read_closing_lines(args.closing or []),
                                      workers=args.workers)
    report = report_json(findings)
    counted = derived is not None and derived.count is not None
    election = load_package(args.election).election if counted and (args.cdf or not args.json) else None  # once
    if counted:
        report["results"] = results_json(derived.results)
        report["ballots_counted"] = derived.count.ballots
    if derived is not None and derived.selection is not None:
        report["selection"] = derived.selection
    if args.json:
        print_json(report)
    else:
        for f in findings:
            print(f.line())
        if counted:
            print(f"results re-derived from the record ({derived.count.ballots} ballots counted):")
            print(results_csv_of(derived.results, election), end="")
        if derived is not None and derived.selection is not None:
            for stage in derived.selection["stages"]:
                print(f"selection re-derived, stage {stage['stage']}: {len(stage['selected'])} selected "
                      f"({', '.join(stage['selected'][:20])}{', ...' if len(stage['selected']) > 20 else ''})")
        bad = sum(f.level == "problem" for f in findings)
        print("verified: every check passed" if not bad else f"NOT verified: {bad} problems")
    if args.cdf is not None:
        _write_cdf(args, published, findings, derived, election)
    return EXIT_OK if report["ok"] else EXIT_BAD


def _write_cdf(args: argparse.Namespace, published: Published, findings: list, derived, election) -> None:
    """``--cdf FILE``: the published results.json in NIST's Common Data Format, only once it equals the
    results re-derived from the record (else nothing is written and stderr says why)."""
    from sync.central.record_files import write_json
    from sync.central.results_cdf import election_report

    checked = derived is not None and derived.count is not None and isinstance(published.count.results, dict)
    if not checked or any(f.place == "results.json" and f.level == "problem" for f in findings):
        print(f"error: {args.cdf} not written: the published results.json is not verified", file=sys.stderr)
        return
    write_json(args.cdf, election_report(published.count.results, election, datetime.now(timezone.utc)))
    if not args.json:
        print(f"written: {args.cdf}")


def cmd_board_export(args: argparse.Namespace) -> int:
    """Write a node's published board (checkpoint, cosigned checkpoint, leaves) to a directory, and in
    format 2 the rest of the election record (the count's files, the spoiled ballots, the package)."""
    from sync.central.board import MAX_LEAVES_PER_REQUEST, Board
    from sync.central.node import CentralNode
    from sync.central.record_api import spoiled_lines
    from sync.central.record_files import node_record_dir, read_count_files, selection_side_files
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
        record = node_record_dir(node.data_dir, node.mode)
        files = read_count_files(record)   # what /v1/record/ serves
        count = CountFiles(files.aggregates, files.partials, files.results, tuple(spoiled_lines(node)), files.selection)
    finally:
        node.close()
    written = write_board(Published(checkpoint, cosigned, leaves, count), args.out)
    if count.selection is not None:   # the selection's CSV and pabulib files, as the node wrote them
        for path in selection_side_files(record):
            written.append(Path(args.out) / path.name)
            written[-1].write_bytes(path.read_bytes())
    if count.aggregates is not None or count.spoiled:
        written += copy_package(args.election, args.out)
    for path in written:
        print(f"written: {path}")
    print(f"{size} leaves; verify with: kiosk-central verify --from {args.out} --election DIR")
    return EXIT_OK
