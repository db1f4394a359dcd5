"""``kiosk-central results``: the published results in the election's words, and the PDF results report."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.app.cliutil import EXIT_OK
from kiosk.contract.package import load_package
from kiosk.errors import KioskError
from sync.central.record_files import RESULTS_FILE, SELECTION_FILE, node_record_dir, read_json_file


def cmd_results(args: argparse.Namespace) -> int:
    """Print the record's results (and selection) and, with --pdf, write the results report."""
    from sync.central.results_report import results_table, write_results_report   # reportlab only here

    if (args.data is None) == (args.record is None):
        raise KioskError("give either --data DIR (a node) or --from DIR (a 'board export' folder)",
                         hint="kiosk-central results --help")
    folder = node_record_dir(args.data, args.mode) if args.data is not None else Path(args.record)
    results = read_json_file(folder / RESULTS_FILE)
    if not isinstance(results, dict):
        raise KioskError(f"no results in {folder} yet / 아직 결과가 없습니다",
                         hint="the tally publishes them: kiosk-central tally --aggregates, the trustees' "
                              "trustee decrypt, then tally --partials")
    selection = read_json_file(folder / SELECTION_FILE)
    election = load_package(args.election).election
    if results.get("election") not in (None, election.id):
        raise KioskError(f"the results in {folder} are of election {results.get('election')}, not {election.id}",
                         hint="give the package of the election whose record this is")
    print(results_table(election, results, selection if isinstance(selection, dict) else None))
    if args.pdf:
        write_results_report(args.pdf, election, results, selection if isinstance(selection, dict) else None)
        print(f"wrote {args.pdf}")
    return EXIT_OK


def add_results_verb(verbs) -> None:
    """The ``results`` verb of ``kiosk-central``."""
    p = verbs.add_parser("results", help="the published results (and selection) by name, and the PDF results report")
    p.add_argument("--election", required=True, type=Path, help="the election package")
    p.add_argument("--data", type=Path, help="a node's data directory (its record)")
    p.add_argument("--mode", choices=["official", "test"], default="official", help="with --data: which board")
    p.add_argument("--from", dest="record", type=Path, metavar="DIR", help="a 'board export' folder instead")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="also write the results report as a PDF")
    p.set_defaults(func=cmd_results)
