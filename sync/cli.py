"""``kiosk-sync``: pushes sealed batches from the outbox to the central nodes.

Verbs: ``run`` (the daemon), ``once`` (one round with every node), ``status`` (which node
acknowledged which batch; reads files only). Exit codes: 0 ok (``once``: every node holds
every batch), 1 some node does not hold everything yet (a batch refused, or not sent yet),
2 usage or input error, 3 storage, 4 ``once`` could not reach a node (and none refused a batch).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from kiosk import __version__
from kiosk.app.cliutil import EXIT_BAD, EXIT_CODES, EXIT_OK, print_json, run
from kiosk.station.datadir import DataDir, read_config
from kiosk.station.delivery import deliveries
from kiosk.contract.package import load_package
from sync.client import DEFAULT_TIMEOUT_S
from sync.daemon import SyncDaemon, SyncSettings
from sync.pusher import RoundResult
from sync.schedule import RetryPolicy


def _settings(args: argparse.Namespace) -> SyncSettings:
    policy = RetryPolicy(base_s=min(1.0, args.max_backoff_s), cap_s=args.max_backoff_s, idle_s=args.idle_s)
    return SyncSettings(timeout_s=args.timeout_s, policy=policy)


def _print_round(result: RoundResult) -> None:
    state = "ok" if result.ok else "NOT DONE"
    extra = f"; error: {result.error}" if result.error else ""
    extra += "".join(f"; batch {n} rejected: {r}" for n, r in result.rejected)
    print(f"node {result.node_id} ({result.mode or '?'}): {result.delivered}/{result.total} batches held, "
          f"{result.pushed} sent: {state}{extra}", flush=True)


def cmd_once(args: argparse.Namespace) -> int:
    results = SyncDaemon(args.data, args.node, _settings(args)).once()
    if args.json:
        print_json({"nodes": [r.to_json() for r in results], "ok": all(r.ok for r in results)})
    else:
        for r in results:
            _print_round(r)
    return round_exit(results)


def round_exit(results: list[RoundResult]) -> int:
    """0 when every node holds everything; 1 when a node refused a batch or still lacks one;
    otherwise the exit code of the first failed round's error (4: a node could not be reached)."""
    if all(r.ok for r in results):
        return EXIT_OK
    if any(r.rejected for r in results):
        return EXIT_BAD
    failed = [r.error_origin for r in results if r.error_origin]
    return EXIT_CODES.get(failed[0], EXIT_BAD) if failed else EXIT_BAD


def cmd_run(args: argparse.Namespace) -> int:
    daemon = SyncDaemon(args.data, args.node, _settings(args))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # systemd stops the daemon with SIGTERM
    print(f"delivering {args.data}/outbox to {', '.join(t.node_id + ' ' + t.url for t in daemon.targets)}",
          flush=True)
    report = (lambda r: print_json(r.to_json())) if args.json else _print_round
    try:
        daemon.run(stop, on_round=report)
    except KeyboardInterrupt:
        stop.set()
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    data = DataDir(Path(args.data))
    config = read_config(data)
    election = load_package(data.election).election
    found, bad = deliveries(data.root, election)
    nodes = [n.id for n in election.nodes]
    info = {"station": config.station, "kiosk_key_hex": config.kiosk_key_hex, "nodes": nodes,
            "batches": [d.to_json() for d in found], "bad_acks": bad}
    if args.json:
        print_json(info)
    else:
        print(f"station {config.station}: {len(found)} batches in the outbox, nodes {', '.join(nodes) or 'none'}")
        for d in found:
            h = d.batch.header
            by = ", ".join(d.acknowledged_by) or "no node yet"
            closing = " (closing)" if h.polls_closed else ""
            print(f"{h.mode} batch {h.number}{closing}: {h.count} ballots; held by {by}")
        for line in bad:
            print(f"BAD acknowledgement file: {line}")
    return EXIT_OK if not bad else EXIT_BAD


def _common(p: argparse.ArgumentParser, network: bool) -> None:
    p.add_argument("--data", required=True, type=Path, help="the station's data directory")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    if network:
        p.add_argument("--node", action="append", metavar="ID=URL|URL",
                       help="deliver to these nodes instead of the package's list (repeatable)")
        p.add_argument("--timeout-s", type=float, default=DEFAULT_TIMEOUT_S,
                       help=f"give up on one request after this many seconds (default {DEFAULT_TIMEOUT_S:g})")
        p.add_argument("--max-backoff-s", type=float, default=RetryPolicy.cap_s,
                       help=f"longest wait between tries of a failing node (default {RetryPolicy.cap_s:g})")
        p.add_argument("--idle-s", type=float, default=RetryPolicy.idle_s,
                       help=f"wait between rounds when all is delivered (default {RetryPolicy.idle_s:g})")


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``kiosk-sync``."""
    p = argparse.ArgumentParser(prog="kiosk-sync", description="Push sealed batches to the central nodes.")
    p.add_argument("--version", action="version", version=f"kiosk-sync {__version__}")
    verbs = p.add_subparsers(title="verbs", metavar="VERB")
    run_ = verbs.add_parser("run", help="the daemon: deliver until stopped")
    _common(run_, network=True)
    run_.set_defaults(func=cmd_run)
    once = verbs.add_parser("once", help="one round with every node (exit 1 unless all hold everything)")
    _common(once, network=True)
    once.set_defaults(func=cmd_once)
    status = verbs.add_parser("status", help="which node acknowledged which batch (files only)")
    _common(status, network=False)
    status.set_defaults(func=cmd_status)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kiosk-sync``."""
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
