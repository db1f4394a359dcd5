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
from kiosk.app.config import load_config
from kiosk.errors import KioskError
from kiosk.station.datadir import DataDir, read_config
from kiosk.station.delivery import deliveries
from kiosk.contract.package import load_package
from sync.client import DEFAULT_TIMEOUT_S
from sync.daemon import NO_NODES, SyncDaemon, SyncSettings, nothing_to_deliver_to
from sync.pusher import RoundResult
from sync.schedule import RetryPolicy


# each flag and the [sync] key of --config it overrides
FLAG_KEYS = {"timeout_s": "timeout_s", "initial_backoff_s": "backoff_initial_s", "max_backoff_s": "backoff_max_s",
             "idle_s": "idle_s"}


def _pick(args: argparse.Namespace, sync, flag: str) -> float | None:
    """The flag's value if given (refused unless above 0), else its [sync] key's, else None (the default)."""
    given = getattr(args, flag)
    if given is None:
        return float(getattr(sync, FLAG_KEYS[flag])) if sync is not None else None
    if not given > 0:
        name = "--" + flag.replace("_", "-")
        raise KioskError(f"{name} {given:g} is not a positive number of seconds", hint="give a number of seconds above 0",
                         korean=(f"{name} {given:g} 은(는) 0 보다 큰 초가 아닙니다", "0 보다 큰 초를 주십시오"))
    return float(given)


def configured(args: argparse.Namespace) -> tuple[list[str] | None, SyncSettings]:
    """The nodes and settings of a run: each flag given, else the ``--config`` file's ``[sync]`` key, else the
    default (nodes: the package's list; the first wait after a failure: 1 s)."""
    sync = load_config(args.config).sync if args.config else None
    nodes = args.node or (list(sync.nodes) if sync is not None else []) or None
    cap = _pick(args, sync, "max_backoff_s") or RetryPolicy.cap_s
    base = _pick(args, sync, "initial_backoff_s") or min(1.0, cap)
    if base > cap:   # e.g. --max-backoff-s 10 against [sync] backoff_initial_s = 60
        raise KioskError(f"the first wait after a failure ({base:g} s) is longer than the longest wait ({cap:g} s)",
                         hint="give --initial-backoff-s and --max-backoff-s (or [sync] backoff_initial_s and "
                              "backoff_max_s) with the first not above the longest",
                         korean=(f"실패 뒤 첫 대기 ({base:g}초) 가 가장 긴 대기 ({cap:g}초) 보다 깁니다",
                                 "--initial-backoff-s 를 --max-backoff-s 이하로 주십시오 "
                                 "([sync] backoff_initial_s, backoff_max_s 도 같습니다)"))
    policy = RetryPolicy(base_s=base, cap_s=cap, idle_s=_pick(args, sync, "idle_s") or RetryPolicy.idle_s)
    return nodes, SyncSettings(timeout_s=_pick(args, sync, "timeout_s") or DEFAULT_TIMEOUT_S, policy=policy)


def _print_round(result: RoundResult) -> None:
    state = "ok" if result.ok else "NOT DONE"
    extra = f"; error: {result.error}" if result.error else ""
    extra += "".join(f"; batch {n} rejected: {r}" for n, r in result.rejected)
    print(f"node {result.node_id} ({result.mode or '?'}): {result.delivered}/{result.total} batches held, "
          f"{result.pushed} sent: {state}{extra}", flush=True)


def cmd_once(args: argparse.Namespace) -> int:
    results = SyncDaemon(args.data, *configured(args)).once()
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
    nodes, settings = configured(args)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # systemd stops the daemon with SIGTERM
    if nothing_to_deliver_to(args.data, nodes):
        print(f"{NO_NODES[0]}\n{NO_NODES[1]}", flush=True)   # said once: the journal is not filled every round
        _wait(stop)
        return EXIT_OK
    daemon = SyncDaemon(args.data, nodes, settings)
    print(f"delivering {args.data}/outbox to {', '.join(t.node_id + ' ' + t.url for t in daemon.targets)}",
          flush=True)
    report = (lambda r: print_json(r.to_json())) if args.json else _print_round
    try:
        daemon.run(stop, on_round=report)
    except KeyboardInterrupt:
        stop.set()
    return EXIT_OK


def _wait(stop: threading.Event) -> None:
    """Until SIGTERM (``stop``) or Ctrl-C."""
    try:
        while not stop.wait(60):   # a timed wait: the SIGTERM handler runs between the waits
            pass
    except KeyboardInterrupt:
        pass


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
    if network:   # every flag below overrides its [sync] key in --config; without either, the default shown
        p.add_argument("--config", type=Path, help="the kiosk's configuration file (e.g. /etc/kiosk/kiosk.toml): "
                                                   "its [sync] section, which the flags override")
        p.add_argument("--node", action="append", metavar="ID=URL|URL",
                       help="deliver to these nodes instead of [sync] nodes or the package's list (repeatable)")
        p.add_argument("--timeout-s", type=float,
                       help=f"give up on one request after this many seconds (default {DEFAULT_TIMEOUT_S:g})")
        p.add_argument("--initial-backoff-s", type=float,
                       help="first wait after a failed round, doubling up to --max-backoff-s (default 1)")
        p.add_argument("--max-backoff-s", type=float,
                       help=f"longest wait between tries of a failing node (default {RetryPolicy.cap_s:g})")
        p.add_argument("--idle-s", type=float,
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
