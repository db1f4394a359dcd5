"""The central node's verbs of ``kiosk-central``: ``node init``, ``kiosks add``, ``serve``, ``ingest``,
``tally``, ``verify``, ``verifier`` (wired into the parser by :func:`add_node_verbs`).

Exit codes as everywhere: 0 ok, 1 the thing checked is bad, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from pathlib import Path

from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, EXIT_USAGE, print_findings, print_json
from kiosk.errors import KioskError
from kiosk.contract.keys import VerifyKey
from kiosk.contract.package import load_package
from kiosk.contract.roster import add_kiosk
from sync.central.app import DEFAULT_MAX_BATCH_BYTES
from sync.central.limits import NodeLimits
from sync.central.node import CentralNode
from sync.central.nodes import init_node


def cmd_node_init(args: argparse.Namespace) -> int:
    key = init_node(args.out)
    print(f"node key written to {args.out}/node.key (mode 0600)")
    print(f"public key {key.verify_key.hex}")
    print(f"put it in the election: election init ... --node ID=URL={key.verify_key.hex}")
    return EXIT_OK


def cmd_kiosks_add(args: argparse.Namespace) -> int:
    package = load_package(args.election)
    try:
        registration = Path(args.registration).read_bytes()
    except OSError as e:
        raise KioskError(f"cannot read {args.registration}: {e.strerror}",
                         hint="give the kiosk's DATA/registration.json") from e
    entry = add_kiosk(args.election, package.election.fingerprint_hex, package.authority_key(), registration)
    print(f"kiosk {VerifyKey.from_hex(entry.kiosk_key_hex).fingerprint} of station {entry.station} "
          f"added to {args.election}/roster.json")
    print("copy roster.json to every central node's election directory")
    return EXIT_OK


def cmd_double_use_decide(args: argparse.Namespace) -> int:
    from kiosk.contract.double_use import DECISIONS_FILE, Decision, add_decision

    package = load_package(args.election)
    decision = Decision(args.token.strip().lower(), None if args.neither else args.count.strip().lower(), args.reason)
    add_decision(args.election, package.election.fingerprint_hex, package.authority_key(), decision)
    outcome = f"ballot {decision.count_ballot_id_hex} counts" if decision.count_ballot_id_hex else "no ballot counts"
    print(f"token {decision.token_ref_hex[:16]}: {outcome}; written to {args.election}/{DECISIONS_FILE}")
    print(f"copy {DECISIONS_FILE} to every central node's election directory, then tally again")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from sync.central.app import create_app
    from sync.central.serve import serve_forever

    node = CentralNode(args.election, args.data, mode=args.mode, db=args.db)
    # uvicorn shuts down gracefully on SIGTERM, then raises it again for the previous handler:
    # this one makes a stop by systemd an orderly exit 0
    signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        print(f"node {node.node_id} ({node.mode}) for election {node.election.id} on http://{args.host}:{args.port}",
              flush=True)
        limits = NodeLimits(max_connections=args.max_connections, connections_per_address=args.connections_per_address)
        serve_forever(create_app(node, args.max_batch_bytes, limits), args.host, args.port, limits)
    finally:
        node.close()
    return EXIT_OK


def _progress(done: int, total: int) -> None:
    """A one-line progress bar on stderr (redrawn in place on a terminal, every tenth otherwise)."""
    if sys.stderr.isatty():
        bar = "#" * (30 * done // max(total, 1))
        print(f"\r[{bar:30}] {done}/{total} batches", end="\n" if done == total else "", file=sys.stderr, flush=True)
    elif done == total or done % max(total // 10, 1) == 0:
        print(f"ingest: {done}/{total} batches", file=sys.stderr, flush=True)


def cmd_ingest(args: argparse.Namespace) -> int:
    from sync.central.ingest import ingest

    node = CentralNode(args.election, args.data, mode=args.mode, db=args.db, verify_workers=args.verify_workers,
                       verify_queue=args.verify_queue)
    try:
        summaries = ingest(node, args.paths, None if args.json else _progress, args.max_batch_bytes)
        size, root = node.store.checkpoint()
    finally:
        node.close()
    ok = all(s.ok for s in summaries)
    if args.json:
        print_json({"kiosks": [s.to_json() for s in summaries], "ok": ok,
                    "checkpoint": {"tree_size": size, "root_hex": root.hex()}})
    else:
        for s in summaries:
            verdicts = ", ".join(f"{n} {v}" for v, n in sorted(s.verdicts.items())) or "no batches"
            other = f", {s.other_mode} {('test' if args.mode == 'official' else 'official')} batches skipped" \
                if s.other_mode else ""
            print(f"station {s.station} kiosk {s.kiosk}: {verdicts}; {s.ballots_accepted} ballots accepted{other}"
                  f"{'' if s.ok else ': CHECK'}")
            for problem in s.problems:
                print(f"  problem: {problem}")
        print(f"board: {size} sealed ballots, root {root.hex()}")
    return EXIT_OK if ok else EXIT_BAD


def cmd_verifier(args: argparse.Namespace) -> int:
    """Claim queued batches, check every ballot's signatures and proofs, record the verdicts."""
    from kiosk.contract.package import load_package
    from sync.central import verify_queue as vq

    election = load_package(args.election).election   # refuses a format-1 package (format_1_refused)
    db = vq.connect(args.queue)
    try:
        done = vq.work(db, election.election_public_key, election, args.name, args.workers)
    finally:
        db.close()
    print(f"verifier {args.name}: {done} batches verified; none left unclaimed")
    return EXIT_OK


def cmd_tally(args: argparse.Namespace) -> int:
    """Publish the aggregates (--aggregates), or combine the trustees' partials (--partials)."""
    from sync.central.record_files import node_record_dir
    from sync.central.results import write_results
    from sync.central.results_cdf import write_cdf
    from sync.central.tally_count import publish_aggregates, tally_partials

    if bool(args.aggregates) == bool(args.partials):
        print("error: the tally has two steps: --aggregates (publish what the trustees decrypt), then "
              "--partials FILE... (their partial decryptions)", file=sys.stderr)
        return EXIT_USAGE
    node = CentralNode(args.election, args.data, mode=args.mode, db=args.db)
    try:
        if args.aggregates:
            aggregates, path = publish_aggregates(node, override_open=args.override_open_stations)
            if args.json:
                print_json({"aggregates": len(aggregates.items), "file": str(path)})
            else:
                print(f"{len(aggregates.items)} aggregates published in {path}; each trustee runs on their own "
                      f"machine: kiosk-central trustee decrypt --secret FILE --election-key FILE --aggregates "
                      f"{path.name} --floor {node.election.lowest_floor} --out partial-N.json")
            return EXIT_OK
        report = tally_partials(node, args.partials, override_open=args.override_open_stations)
        written = write_results(report, node.election, node_record_dir(node.data_dir, node.mode))   # results.json joins the record
    finally:
        node.close()
    written += write_results(report, node.election, args.out) if args.out else []
    written += write_cdf(report.to_json(), node.election, [node_record_dir(node.data_dir, node.mode), args.out])
    code = _print_tally(report, node.election, written, args.json)
    judging = node.election.judging
    if judging is not None and judging.stages and not args.json:
        print(f"this election selects projects: once the experts' scores are signed, publish the selection with "
              f"kiosk-central select --election {args.election} --data {args.data} --lot-seed SEED")
    return code


def _print_tally(report, election, written: list, as_json: bool) -> int:
    """The tally report as JSON or a table with the files written; exit 0 when it has no finding."""
    from sync.central.results import table

    if as_json:
        print_json(report.to_json())
    else:
        print(table(report, election))
        for path in written:
            print(f"written: {path}")
    return EXIT_OK if report.ok else EXIT_BAD


def cmd_verify(args: argparse.Namespace) -> int:
    from sync.central.verify import verify_node

    if args.source is not None:
        if args.data is not None or args.db is not None:
            print("error: give either --data (the node's own store) or --from URL|DIR (published data)",
                  file=sys.stderr)
            return EXIT_USAGE
        from sync.central.observer_cli import cmd_verify_from

        return cmd_verify_from(args)
    if args.data is None or args.closing or args.cdf:
        print("error: give --data DIR (a node's store) or --from URL|DIR (--closing and --cdf go with --from)",
              file=sys.stderr)
        return EXIT_USAGE
    node = CentralNode(args.election, args.data, mode=args.mode, db=args.db)
    try:
        report = verify_node(node)
    finally:
        node.close()
    if args.json:
        print_json(report.to_json())
    else:
        c = report.counts
        if c:
            print(f"{c['leaves']} sealed ballots in {c['batches']} batches from {c['kiosks']} kiosks, "
                  f"root {c['root_hex']}")
        print_findings(report.notes, report.problems, "every batch, ballot, acknowledgement and the board check")
    return EXIT_OK if report.ok else EXIT_BAD


def _node_args(p: argparse.ArgumentParser, data_required: bool = True) -> None:
    p.add_argument("--data", required=data_required, type=Path, help="the node's data directory (node.key, store)")
    p.add_argument("--election", required=True, type=Path, help="the election package (with roster.json)")
    p.add_argument("--mode", choices=["official", "test"], default="official",
                   help="official or test board (never both in one store; default official)")
    p.add_argument("--db", metavar="URL", help="keep the store in PostgreSQL (postgresql://USER@HOST:PORT/DBNAME, "
                   "one database per node and mode) instead of DATA/store-MODE.sqlite")


def add_node_verbs(verbs) -> None:
    """Add the central node's verbs to ``kiosk-central``'s sub-parsers."""
    node = verbs.add_parser("node", help="central node keys").add_subparsers(metavar="ACTION")
    ninit = node.add_parser("init", help="make a node key (DIR/node.key, mode 0600)")
    ninit.add_argument("--out", required=True, type=Path, help="the node's data directory")
    ninit.set_defaults(func=cmd_node_init)

    kiosks = verbs.add_parser("kiosks", help="the kiosk roster").add_subparsers(metavar="ACTION")
    kadd = kiosks.add_parser("add", help="put a provisioned kiosk on the authority-signed roster")
    kadd.add_argument("--election", required=True, type=Path)
    kadd.add_argument("registration", type=Path, help="the kiosk's DATA/registration.json")
    kadd.set_defaults(func=cmd_kiosks_add)

    double = verbs.add_parser("double-use", help="central staff's decisions on tokens used twice") \
        .add_subparsers(metavar="ACTION")
    decide = double.add_parser("decide", help="count one ballot of a doubly used token (by its paper record), or none")
    decide.add_argument("--election", required=True, type=Path)
    decide.add_argument("--token", required=True, help="the token reference (64 hex) the tally's finding names")
    which = decide.add_mutually_exclusive_group(required=True)
    which.add_argument("--count", metavar="BALLOT_ID", help="the ballot id (32 hex) printed on the paper record found")
    which.add_argument("--neither", action="store_true", help="count none of its ballots")
    decide.add_argument("--reason", required=True, help="why, as it will be published")
    decide.set_defaults(func=cmd_double_use_decide)

    serve = verbs.add_parser("serve", help="run a central node (HTTP)")
    _node_args(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8471, help="port (default 8471)")
    serve.add_argument("--max-batch-bytes", type=int, default=DEFAULT_MAX_BATCH_BYTES,
                       help=f"largest batch accepted (default {DEFAULT_MAX_BATCH_BYTES})")
    serve.add_argument("--max-connections", type=int, default=NodeLimits.max_connections,
                       help=f"connections held at once (default {NodeLimits.max_connections}; keep under LimitNOFILE)")
    serve.add_argument("--connections-per-address", type=int, default=NodeLimits.connections_per_address,
                       help=f"connections one client address may hold (default {NodeLimits.connections_per_address})")
    serve.set_defaults(func=cmd_serve)

    ing = verbs.add_parser("ingest", help="judge batches from USB sticks ('kiosk export') by the node's rules")
    _node_args(ing)
    ing.add_argument("--max-batch-bytes", type=int, default=DEFAULT_MAX_BATCH_BYTES,
                     help=f"largest batch file read from a stick (default {DEFAULT_MAX_BATCH_BYTES})")
    ing.add_argument("--verify-workers", type=int, default=os.cpu_count() or 1,
                     help="processes checking format-2 ballots' signatures and proofs (default: every CPU)")
    ing.add_argument("--verify-queue", metavar="URL", help="share the proof checks with 'kiosk-central verifier' "
                                                          "workers through this PostgreSQL database")
    ing.add_argument("--json", action="store_true")
    vrf = verbs.add_parser("verifier", help="check queued format-2 batches' proofs for a node (any machine)")
    vrf.add_argument("--election", required=True, type=Path, help="the election package")
    vrf.add_argument("--queue", required=True, metavar="URL", help="the node's PostgreSQL database (the queue)")
    vrf.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes on this machine")
    vrf.add_argument("--name", default=socket.gethostname(), help="this worker's name in the verdicts")
    vrf.set_defaults(func=cmd_verifier)
    ing.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a stick's mount point or an export folder")
    ing.set_defaults(func=cmd_ingest)

    tal = verbs.add_parser("tally", help="after the close: publish the aggregates, then combine the trustees' "
                           "partial decryptions into the results")
    _node_args(tal)
    tal.add_argument("--aggregates", action="store_true",
                     help="step 1: publish the aggregates the trustees decrypt (DATA/record-MODE/)")
    tal.add_argument("--partials", nargs="+", type=Path, metavar="FILE",
                     help="step 2: the trustees' partial decryptions (at least the threshold)")
    tal.add_argument("--override-open-stations", action="store_true",
                     help="tally although some stations have not closed (logged and printed)")
    tal.add_argument("--out", type=Path, help="write results.csv, results.json and results.cdf.json here")
    tal.add_argument("--json", action="store_true")
    tal.set_defaults(func=cmd_tally)

    ver = verbs.add_parser("verify", help="re-verify a node's store (--data), or a published board from its URL "
                           "or an export (--from), exit 1 naming what is wrong")
    _node_args(ver, data_required=False)
    ver.add_argument("--from", dest="source", metavar="URL|DIR",
                     help="verify from published data only: a node's URL or a 'board export' directory")
    ver.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                     help="with --from, format 2: processes checking the ballots' proofs (default: the cores)")
    ver.add_argument("--closing", nargs="+", type=Path, metavar="FILE",
                     help="with --from: files of signed closing statements (results-tape QR payloads, one a line)")
    ver.add_argument("--cdf", type=Path, metavar="FILE",
                     help="with --from: once the published results.json is verified, write it as NIST SP 1500-100 "
                     "Common Data Format JSON to FILE (docs/formats.md)")
    ver.add_argument("--json", action="store_true")
    ver.set_defaults(func=cmd_verify)
