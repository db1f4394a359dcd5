"""``kiosk-central scores add`` and ``kiosk-central select``: the experts' signed scores, the published selection."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.app.cliutil import EXIT_OK, print_json
from kiosk.contract.canonical import parse_json
from kiosk.contract.expert_scores import SCORES_FILE, add_scores, load_scores, parse_scores_csv
from kiosk.contract.judging_rules import judging_rules
from kiosk.contract.package import load_package
from kiosk.errors import KioskError
from kiosk.files import read_input
from sync.central.judging import Tallied, judge
from sync.central.judging_export import selection_json, table, write_selection
from sync.central.record_files import RESULTS_FILE, node_record_dir


def _rules(package):
    rules = judging_rules(package.election)
    if rules is None or not rules.stages:
        raise KioskError(f"election {package.election.id} has no selection rules",
                         hint="the package's election.json needs 'electorates' and 'selection' (docs/election-spec.md)")
    return rules


def cmd_scores_add(args: argparse.Namespace) -> int:
    """Sign one signed-score electorate's CSV into the package's scores.json."""
    package = load_package(args.election)
    rules = _rules(package)
    scores = parse_scores_csv(read_input(args.file, f"the scores file {args.file}"), str(args.file))
    path = add_scores(args.election, package.election.fingerprint_hex, package.authority_key(), rules,
                      args.electorate, scores)
    print(f"{len(scores)} scores of {args.electorate} signed into {path}")
    print(f"copy {SCORES_FILE} to every central node's election directory and publish it with the record")
    return EXIT_OK


def cmd_select(args: argparse.Namespace) -> int:
    """The selection of every stage from the published results, the signed scores and the revealed seed.

    With ``--data`` the results are the node's record's and the selection joins that record (served at
    ``/v1/record/selection`` and on ``/results``, re-checked by ``verify --from``)."""
    if (args.results is None) == (args.data is None):
        raise KioskError("give either --results FILE (a results.json) or --data DIR (a node: publish with its record)",
                         hint="kiosk-central select --help")
    package = load_package(args.election)
    rules = _rules(package)
    election = package.election
    record = node_record_dir(args.data, args.mode) if args.data is not None else None
    source = args.results if record is None else record / RESULTS_FILE
    if record is not None and not source.is_file():
        raise KioskError(f"the node has no results in {record} yet",
                         hint="run kiosk-central tally --partials on the node first")
    results = parse_json(read_input(source, f"the results {source}"), str(source))
    tallied = Tallied.from_results(election, results)
    scores = load_scores(args.election, election.fingerprint_hex, package.authority, rules)
    stages = judge(election, rules, tallied, scores, args.lot_seed)
    seed = args.lot_seed or ""
    written = write_selection(election, stages, seed, record) if record is not None else []
    written += write_selection(election, stages, seed, args.out) if args.out else []
    if args.json:
        print_json(selection_json(election, stages, seed))
    else:
        print(table(stages, rules))
        for path in written:
            print(f"wrote {path}")
    return EXIT_OK


def add_judging_verbs(verbs) -> None:
    """The ``scores`` and ``select`` verbs of ``kiosk-central``."""
    scores = verbs.add_parser("scores", help="signed scores of an electorate that does not vote on kiosks (experts)") \
        .add_subparsers(metavar="ACTION")
    add = scores.add_parser("add", help="sign an electorate's project,score CSV into scores.json (once, final)")
    add.add_argument("--election", required=True, type=Path, help="the authority's copy of the package")
    add.add_argument("--electorate", required=True, help="the electorate (with scores_max) whose scores these are")
    add.add_argument("file", type=Path, help="CSV: header project,score, then one row per project")
    add.set_defaults(func=cmd_scores_add)
    sel = verbs.add_parser("select", help="the projects each selection stage selects, from the published results")
    sel.add_argument("--election", required=True, type=Path)
    sel.add_argument("--results", type=Path, help="the results.json that kiosk-central tally --out wrote")
    sel.add_argument("--data", type=Path, help="instead of --results: a node's data directory; its record's results "
                                               "are used and the selection is published with them")
    sel.add_argument("--mode", choices=["official", "test"], default="official", help="with --data: the board's mode")
    sel.add_argument("--lot-seed", help="the lot's seed, committed by its SHA-256 in the package before the polls opened")
    sel.add_argument("--out", type=Path, help="write selection.json, selection.csv and STAGE.pb here")
    sel.add_argument("--json", action="store_true")
    sel.set_defaults(func=cmd_select)
