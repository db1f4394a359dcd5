"""A node's proof verification of format-2 batches: the Ttabok day on 2 cores, and workers on PostgreSQL.

Side by side in one run, medians of ``--repeat`` runs:

- **the day** (``--day 5554``): the 2017 Ttabok day's ballots (every community's style, up to 6
  likes) as format-2 sealed ballots in batches of ``--batch``, each batch parsed
  (:func:`kiosk.contract.sealed_batch.parse_batch`) and every ballot's two signatures and proofs
  checked (:func:`sync.central.proof_pool.check_sealed_all`, what the node's acceptance runs) on 1
  and then 2 processes; the second process's gain as a fraction of the ideal;
- **the curve** (``--sizes 1000,2000,4000``): national-style ballots (one contest, 5 candidates,
  choose one) enqueued in a throwaway PostgreSQL server (tests/pghelp.py, durable settings) and
  verified by 1 and then 2 worker processes, each with its own connection, claiming batches with
  ``SELECT ... FOR UPDATE SKIP LOCKED`` (:mod:`sync.central.verify_queue`, exactly as on separate
  machines), beside the same ballots checked in one process without the database; the
  extrapolation to 10^6 and to 4,744,241 ballots on N machines of this kind.

The ballots are made once (on 2 processes) with the kiosk's own functions
(:func:`kiosk.contract.crypto.encrypted_ballot.encrypt_ballot`, :func:`kiosk.contract.ballot.seal_ballot`)
under a key drawn here: verification costs the same whatever key the trustees made.

    .venv/bin/python bench/verify_bench.py [--day 5554] [--sizes 1000,2000,4000] [--batch 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from ceremonyhelp import format2_election  # noqa: E402
from kiosk.contract.ballot import seal_ballot  # noqa: E402
from kiosk.contract.sealed_batch import build_batch, encode_batch, parse_batch  # noqa: E402
from kiosk.contract.crypto import group  # noqa: E402
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot, shown_options  # noqa: E402
from kiosk.contract.keys import SigningKey  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402
from sync.central import verify_queue as vq  # noqa: E402
from sync.central.proof_pool import check_sealed_all  # noqa: E402

NATIONAL = {"id": "national-bench", "title": {"ko": "대선", "en": "National"},
            "contests": [{"id": "P", "title": {"ko": "대통령", "en": "President"}, "rule": "single", "min": 0, "max": 1,
                          "options": [{"id": f"C{i}", "title": {"ko": f"후보 {i}", "en": f"Candidate {i}"}}
                                      for i in range(1, 6)]}],
            "styles": [{"id": "all", "title": {"ko": "전체", "en": "All"}, "contests": ["P"]}],
            "privacy_floor": 10, "paper_record": True, "nodes": []}
Y = group.mul_base(group.SeededScalars(b"verify bench")())
KIOSK = SigningKey(bytes(range(32)))
_made: dict = {}


def _make(job: tuple[int, int]) -> list:
    election, out = _made["election"], []
    for n in range(*job):
        style = election.styles[n % len(election.styles)].id
        contest = election.contest(election.style(style).contests[0])
        shown = shown_options(election, style, contest)
        chosen = [shown[(n + k) % len(shown)] for k in range(n % (contest.max + 1))]
        ballot_id = os.urandom(16)
        encrypted = ballot_bytes(encrypt_ballot(Y, election, style, ballot_id.hex(), {contest.id: chosen},
                                                os.urandom(32)))
        out.append(seal_ballot(KIOSK, election, os.urandom(16), ballot_id, style, encrypted))
    return out


def make_bodies(election, n: int, batch: int) -> list[bytes]:
    """``n`` sealed ballots made on 2 processes, chained into batches of ``batch``."""
    _made["election"] = election
    jobs = [(s, min(s + 200, n)) for s in range(0, n, 200)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        ballots = [b for part in pool.map(_make, jobs) for b in part]
    bodies, previous = [], None
    for i in range(0, n, batch):
        b = build_batch(KIOSK, election.fingerprint_hex, "official", i // batch + 1, previous, ballots[i:i + batch],
                        [], False)
        bodies.append(encode_batch(b))
        previous = b.header
    return bodies


def check_in_process(election, bodies: list[bytes], workers: int) -> float:
    """Parse every batch and check every ballot as the node's acceptance does; seconds."""
    start = time.perf_counter()
    for body in bodies:
        batch = parse_batch(body)
        kiosk = batch.header.kiosk_key_hex
        assert not check_sealed_all(Y, election, [(kiosk, b) for b in batch.ballots], workers)
    return time.perf_counter() - start


def _queue_worker(url: str, election, name: str) -> None:
    db = vq.connect(url)
    vq.work(db, Y, election, name)
    db.close()


def check_on_queue(election, bodies: list[bytes], url: str, workers: int) -> float:
    """Enqueue, then ``workers`` processes claim and verify until the queue is empty; seconds (enqueue excluded)."""
    db = vq.connect(url)
    db.execute("DELETE FROM verify_queue")
    vq.enqueue(db, bodies)
    ctx = multiprocessing.get_context("fork")
    start = time.perf_counter()
    procs = [ctx.Process(target=_queue_worker, args=(url, election, f"w{i}")) for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    took = time.perf_counter() - start
    left = db.execute("SELECT count(*) FROM verify_queue WHERE failures IS NULL OR failures <> '[]'").fetchone()[0]
    db.close()
    assert left == 0, "every batch verified, none failed"
    return took


def median(fn, repeat: int) -> float:
    return statistics.median(fn() for _ in range(repeat))


def day(n: int, batch: int, repeat: int) -> dict:
    election = format2_election(ttabok_spec(872))
    bodies = make_bodies(election, n, batch)
    t1 = median(lambda: check_in_process(election, bodies, 1), repeat)
    t2 = median(lambda: check_in_process(election, bodies, 2), repeat)
    return {"ballots": n, "batches": len(bodies), "one_process_s": round(t1, 2), "two_processes_s": round(t2, 2),
            "ms_per_ballot_one": round(1000 * t1 / n, 3), "speedup": round(t1 / t2, 3),
            "second_gain_vs_ideal": round(t1 / t2 - 1, 3)}


def curve(sizes: list[int], batch: int, repeat: int) -> dict:
    from pghelp import postgres_server, schema_url
    election = format2_election(NATIONAL)
    every = make_bodies(election, max(sizes), batch)
    points = []
    with postgres_server(durable=True) as server:
        url = schema_url(server, "verify-bench")
        for n in sizes:
            bodies = every[:n // batch]
            t0 = median(lambda: check_in_process(election, bodies, 1), repeat)
            t1 = median(lambda: check_on_queue(election, bodies, url, 1), repeat)
            t2 = median(lambda: check_on_queue(election, bodies, url, 2), repeat)
            points.append({"ballots": len(bodies) * batch, "in_process_s": round(t0, 3), "queue_1_worker_s": round(t1, 3),
                           "queue_2_workers_s": round(t2, 3), "queue_overhead": round(t1 / t0, 3),
                           "speedup": round(t1 / t2, 3), "second_gain_vs_ideal": round(t1 / t2 - 1, 3)})
    last = points[-1]
    per_ballot = last["queue_1_worker_s"] / last["ballots"]
    efficiency = statistics.median(p["speedup"] for p in points) / 2
    cores = 2
    extrapolated = {str(n): {f"{m}_machines_h": round(n * per_ballot / (m * cores * efficiency) / 3600, 2)
                             for m in (1, 4, 16, 64)} for n in (1_000_000, 4_744_241)}
    return {"points": points, "ms_per_ballot_one_worker": round(1000 * per_ballot, 3),
            "two_core_efficiency": round(efficiency, 3), "extrapolated_hours": extrapolated,
            "assumes": f"{cores} worker processes per machine at the measured 2-worker efficiency, the "
                       "database not the limit"}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--day", type=int, default=5554, help="Ttabok ballots to verify (0: skip)")
    p.add_argument("--sizes", default="1000,2000,4000", help="national-style ballots per curve point ('' skips)")
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    report = {"cpus": os.cpu_count(), "load_average_at_start": round(os.getloadavg()[0], 1)}
    if args.day:
        report["day"] = day(args.day, args.batch, args.repeat)
    if args.sizes:
        report["curve"] = curve([int(s) for s in args.sizes.split(",")], args.batch, args.repeat)
    report["load_average_at_end"] = round(os.getloadavg()[0], 1)  # other work on the machine skews every figure
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
