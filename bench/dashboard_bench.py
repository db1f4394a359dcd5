"""The dashboard with a national roster: the old way (every batch and acknowledgement read and
parsed in Python, the board grouped for double uses) beside the new (the store's per-kiosk
aggregates, one page of stations), measured side by side in one run, medians.

The node's store is filled through its own calls (``add_accepted``, ``add_held``, ``put_ack`` with
acknowledgements signed by the node key) for ``--kiosks`` kiosks on an authority-signed roster:
``--batches`` batches of ``--ballots`` leaves per kiosk, sent every 30 minutes of the node's clock;
1 in 100 kiosks never sends anything, 1 in 50 has a batch held for a gap, 1 in 200 a rejected
batch, 4 in 5 sent their closing batch. Ballots are random bytes: the dashboard never opens one,
and the store checks no signature (the node does, before the store).

Measured, interleaved in each round so that load from elsewhere hits all alike:
- old: ``bench/legacy_dashboard.py`` (the dashboard as on main before) ``render(snapshot(...))``;
- new, first look: ``render(build_view(...))`` for page 1, problems first, 100 stations, its
  turnout per hour read from every acknowledgement and per ballot style from every board leaf (what
  the first request after a start costs);
- new, a refresh: the same with both turnouts kept from the look before (as the node's route keeps them);
- new over HTTP: ``GET /`` from the real node app on loopback (what central staff wait for),
  and the page's size in KB.

    .venv/bin/python bench/dashboard_bench.py [--kiosks 4745] [--batches 10] [--ballots 10] [--repeat 5] [--dir DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402

import legacy_dashboard  # noqa: E402
from centralhelp import make_central_election  # noqa: E402
from kiosk.contract.ack import Acknowledgement, BatchRef, Checkpoint, sign_ack  # noqa: E402
from kiosk.contract.ballot import SealedBallot  # noqa: E402
from kiosk.contract.sealed_batch import SealedBatchHeader as BatchHeader  # noqa: E402
from kiosk.contract.merkle import merkle_root  # noqa: E402
from kiosk.contract.canonical import canonical_bytes  # noqa: E402
from kiosk.contract.keys import SigningKey, save_signing_key  # noqa: E402
from kiosk.contract.package import load_package  # noqa: E402
from kiosk.contract.registration import make_registration  # noqa: E402
from kiosk.contract.roster import add_kiosks  # noqa: E402
from sync.central.app import create_app  # noqa: E402
from sync.central.board import Board  # noqa: E402
from sync.central.dashboard import render  # noqa: E402
from sync.central.dashboard_view import HourlyTurnout, Query, StyleTurnout, build_view  # noqa: E402
from sync.central.node import NODE_KEY, CentralNode  # noqa: E402
from sync.central.serve import NodeServer  # noqa: E402
from sync.central.witnessing import Witnessing  # noqa: E402

T0 = 1_800_000_000
SEND_EVERY_S = 1800


class Clock:
    def __init__(self) -> None:
        self.now = float(T0)

    def __call__(self) -> float:
        return self.now


def _ack(node: CentralNode, header: BatchHeader, verdict: str, reason: str | None, at: float) -> None:
    size, root = node.store.checkpoint()
    ack = Acknowledgement(node.node_id, node.election.fingerprint_hex, node.mode, BatchRef.of(header), verdict, reason,
                          "bench" if reason else "", 0, Checkpoint(size, root.hex()), int(at))
    node.store.put_ack(header.kiosk_key_hex, header.number, header.hash(), verdict, sign_ack(node.key, ack))


NO_SPOILED_ROOT = merkle_root([]).hex()  # a batch without checked (spoiled) ballots


def fill(node: CentralNode, keys: list[SigningKey], batches: int, ballots: int, style: str) -> None:
    """Every kiosk's batches, round by round as they would arrive over the day."""
    election_hex, store = node.election.fingerprint_hex, node.store
    previous: dict[int, BatchHeader] = {}
    for number in range(1, batches + 1):
        with store.transaction():  # one commit per round: filling is not what is measured
            for i, key in enumerate(keys):
                if i % 100 == 7:
                    continue  # never heard from
                at = T0 + number * SEND_EVERY_S + i % 600
                last = previous.get(i)
                header = BatchHeader(election_hex, key.verify_key.hex, node.mode, number,
                                     (last.hash() if last else b"\0" * 32).hex(), ballots,
                                     number * ballots, "00" * 32, number == batches and i % 5 != 0, 0, NO_SPOILED_ROOT)
                previous[i] = header
                if i % 50 == 3 and number == batches - 1:
                    continue  # lost on the way: the next one is held
                if i % 50 == 3 and number == batches:
                    store.add_held(header, header.encoded())
                    _ack(node, header, "held", None, at)
                    continue
                leaves = [(SealedBallot(os.urandom(16), style, os.urandom(120), token_key, os.urandom(64),
                                        os.urandom(64)), token_key) for token_key in (os.urandom(32) for _ in range(ballots))]
                store.add_accepted(header, os.urandom(64), leaves, [os.urandom(32) for _ in range(ballots)])
                _ack(node, header, "accepted", None, at)
                if i % 200 == 11 and number == 2:
                    _ack(node, BatchHeader(election_hex, key.verify_key.hex, node.mode, 3, header.hash().hex(),
                                           ballots, 3 * ballots, "11" * 32, False, 0, NO_SPOILED_ROOT), "rejected",
                      "not_on_roll", at)


def build(folder: Path, kiosks: int, batches: int, ballots: int) -> tuple[Path, Path]:
    """The election (roster of ``kiosks``) and a node's data folder with its store filled."""
    central = make_central_election(folder / "election", per_style=2, communities=24, ceremony=(3, 2))
    package = load_package(central.directory)
    keys = [SigningKey.generate() for _ in range(kiosks)]
    add_kiosks(central.directory, central.election.fingerprint_hex, package.authority_key(), [
        canonical_bytes(make_registration(f"S-{i:04d}", k, central.election.fingerprint_hex, "0" * 64, T0))
        for i, k in enumerate(keys)])
    data = folder / "n1"
    data.mkdir()
    save_signing_key(data / NODE_KEY, central.node_keys["n1"])
    node = CentralNode(central.directory, data)
    try:
        fill(node, keys, batches, ballots, central.election.styles[0].id)
    finally:
        node.close()
    return central.directory, data


def median_ms(xs: list[float]) -> float:
    return statistics.median(xs) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=4745)
    parser.add_argument("--batches", type=int, default=10, help="batches per kiosk")
    parser.add_argument("--ballots", type=int, default=10, help="ballots per batch")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="keep (and reuse) the filled store here")
    args = parser.parse_args(argv)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    t = time.perf_counter()
    if not (folder / "n1").exists():
        folder.mkdir(parents=True, exist_ok=True)
        build(folder, args.kiosks, args.batches, args.ballots)
    print(f"store: {args.kiosks} kiosks x {args.batches} batches x {args.ballots} ballots in {folder} "
          f"(ready in {time.perf_counter() - t:.0f} s)")
    clock = Clock()
    clock.now = T0 + (args.batches + 1) * SEND_EVERY_S
    node = CentralNode(folder / "election", folder / "n1", clock=clock)
    witnessing = Witnessing(Board(node))
    tokens, by_style = node.roll.count(mode=node.mode), node.roll.count_by_style(node.mode)
    server = NodeServer(create_app(node)).start()
    times: dict[str, list[float]] = {"old": [], "first": [], "new": [], "http": []}
    kept, kept_styles = HourlyTurnout(), StyleTurnout()
    sizes = {}
    try:
        with httpx.Client(timeout=120) as client:
            for _ in range(args.repeat):
                t = time.perf_counter()
                sizes["old"] = len(legacy_dashboard.render(legacy_dashboard.snapshot(node, witnessing)).encode())
                times["old"].append(time.perf_counter() - t)
                t = time.perf_counter()
                sizes["first"] = len(render(build_view(node, witnessing, Query(), tokens, HourlyTurnout(), StyleTurnout(),
                                                       by_style)).encode())
                times["first"].append(time.perf_counter() - t)
                kept.update(node.store, 0)  # as after the look before
                kept_styles.update(node.store, node.store.checkpoint()[0])
                t = time.perf_counter()
                sizes["new"] = len(render(build_view(node, witnessing, Query(), tokens, kept, kept_styles,
                                                     by_style)).encode())
                times["new"].append(time.perf_counter() - t)
                t = time.perf_counter()
                response = client.get(server.url + "/")
                times["http"].append(time.perf_counter() - t)
                assert response.status_code == 200
                sizes["http"] = len(response.content)
    finally:
        server.stop()
        witnessing.close()
        node.close()
    old, first, new, http = (median_ms(times[k]) for k in ("old", "first", "new", "http"))
    print(f"{'':40} {'median ms':>10} {'page KB':>8}")
    print(f"{'old: every batch and ack in Python':40} {old:10.0f} {sizes['old'] / 1024:8.0f}")
    print(f"{'new, first look (turnouts from all)':40} {first:10.0f} {sizes['first'] / 1024:8.0f}")
    print(f"{'new, a refresh':40} {new:10.0f} {sizes['new'] / 1024:8.0f}")
    print(f"{'new over HTTP (GET /, loopback)':40} {http:10.0f} {sizes['http'] / 1024:8.0f}")
    print(f"old / new: {old / first:.1f}x (first look), {old / new:.1f}x (refresh); {args.repeat} rounds, medians")
    return 0


if __name__ == "__main__":
    sys.exit(main())
