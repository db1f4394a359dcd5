"""Store figures, measured side by side in one run (DESIGN.md 10: ratios, not absolute times alone).

1. Casting: median latency and casts per second of
   - ``cast()``: token check against the roll, rules, encryption with proofs (ballot format 2), signatures,
     two inserts and a COMMIT with synchronous=FULL;
   - ``commit_ballot()`` alone: the event's signature, two inserts, COMMIT (the issue's "cast");
   - a bare SQLite insert-and-commit of the same two rows (same columns, no triggers, WAL,
     synchronous=FULL) in a file beside it.
   The three are interleaved in rounds so that disk and CPU load from elsewhere hit them alike.
2. Sealing: one batch of every ballot cast, with the compaction that follows it.
3. Verification: ``kiosk verify`` (entries per second) beside the ballot rows' own checks alone
   (``check_ballot_record``: the row's signatures and its encryption's proofs, which dominate).

Usage: .venv/bin/python bench/store_bench.py [--ballots N] [--dir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from kiosk.contract.ballot_row import check_ballot_record  # noqa: E402
from kiosk.station import eventlog as ev  # noqa: E402
from kiosk.station.casting import Cast, admit_token, cast, commit_ballot, prepare_ballot  # noqa: E402
from kiosk.station.sealing import seal  # noqa: E402
from kiosk.station.station import Station  # noqa: E402
from kiosk.station.verify import verify_data  # noqa: E402
from storehelp import NOW, choices, make_election, make_station  # noqa: E402

BARE_SCHEMA = [
    "CREATE TABLE events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL,"
    " prev_hash BLOB NOT NULL, entry_hash BLOB NOT NULL, signature BLOB NOT NULL)",
    "CREATE TABLE ballots (ballot_id BLOB PRIMARY KEY, token_ref BLOB NOT NULL UNIQUE, serial BLOB NOT NULL,"
    " style TEXT NOT NULL, selections TEXT NOT NULL, sealed BLOB NOT NULL, sealed_sig BLOB NOT NULL,"
    " signature BLOB NOT NULL) WITHOUT ROWID",
]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def bench_casting(tokens, root: Path, rounds: int, per_round: int) -> None:
    full, commit_only, bare = [], [], []
    bare_db = sqlite3.connect(root / "bare.sqlite", isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL"):
        bare_db.execute(f"PRAGMA {pragma}")
    for statement in BARE_SCHEMA:
        bare_db.execute(statement)
    data = make_station(tokens, root / "station")
    queue = list(tokens.test)
    with Station.open(data) as station:
        e = station.election
        seq = 0
        for _ in range(rounds):
            for _ in range(per_round):  # the whole cast
                style, payload = queue.pop()
                t = time.perf_counter()
                result = cast(station, payload, choices(e, style), NOW)
                full.append(time.perf_counter() - t)
                assert isinstance(result, Cast)
            rows = []
            for _ in range(per_round):  # the commit alone: sign the event, two inserts, COMMIT
                style, payload = queue.pop()
                prepared = prepare_ballot(station, admit_token(station, payload, NOW), choices(e, style), NOW)
                t = time.perf_counter()
                result = commit_ballot(station, prepared, NOW)
                commit_only.append(time.perf_counter() - t)
                assert isinstance(result, Cast)
                rows.append(prepared.record)
            last = station.store.last_event((ev.BALLOT_CAST,))
            for r in rows:  # the same rows, bare
                seq += 1
                t = time.perf_counter()
                bare_db.execute("BEGIN IMMEDIATE")
                bare_db.execute("INSERT INTO ballots VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                (r.ballot_id, r.token_ref, r.serial, r.style, r.selections.decode(), r.sealed,
                                 r.sealed_sig, r.signature))
                bare_db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                                (seq, last.kind, last.body.decode(), last.prev_hash, last.entry_hash, last.signature))
                bare_db.execute("COMMIT")
                bare.append(time.perf_counter() - t)
    bare_db.close()
    m_full, m_commit, m_bare = (statistics.median(x) for x in (full, commit_only, bare))
    print(f"casting, {len(full)} + {len(commit_only)} ballots, synchronous=FULL, {rounds} interleaved rounds")
    print(f"  cast() whole        median {ms(m_full)}  {1 / statistics.mean(full):8.0f} casts/s")
    print(f"  commit_ballot()     median {ms(m_commit)}  {1 / statistics.mean(commit_only):8.0f} casts/s")
    print(f"  bare insert+commit  median {ms(m_bare)}  {1 / statistics.mean(bare):8.0f} commits/s")
    print(f"  ratio commit_ballot / bare  {m_commit / m_bare:.2f}x   (goal < 2x)")
    print(f"  ratio cast() / bare         {m_full / m_bare:.2f}x")


def bench_seal(data: Path) -> None:
    with Station.open(data) as station:
        count = station.ballots
        t = time.perf_counter()
        seal(station, NOW)
        sealed = time.perf_counter() - t
    print(f"sealing {count} ballots into one batch, with the compaction (checkpoint, VACUUM): {ms(sealed)}")


def bench_verify(data: Path, repeats: int) -> None:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        report = verify_data(data)
        times.append(time.perf_counter() - t)
        assert report.ok, report.problems
    counts = report.stores["test"]
    entries = counts["events"] + counts["ballots"] + counts["batches"]
    with Station.open(data) as station:  # the same rows' own checks alone (signatures and proofs)
        rows, e, key = list(station.store.ballots()), station.election, station.key.verify_key
    rows_only = []
    for _ in range(repeats):
        t = time.perf_counter()
        for record in rows:
            assert check_ballot_record(record, e, key) is None
        rows_only.append(time.perf_counter() - t)
    m_verify, m_rows = statistics.median(times), statistics.median(rows_only)
    print(f"verification: {counts['events']} events, {counts['ballots']} ballots, {counts['batches']} batches, "
          f"median of {repeats}")
    print(f"  kiosk verify                   {entries / m_verify:8.0f} entries/s  {counts['ballots'] / m_verify:8.0f} ballots/s")
    print(f"  the ballot rows' checks alone  {len(rows) / m_rows:8.0f} ballots/s  (signatures and proofs)")
    print(f"  ratio kiosk verify / the rows' checks alone (time)  {m_verify / m_rows:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=1200, help="ballots per method (default 1200)")
    parser.add_argument("--dir", type=Path, help="where the store files go (default: a temporary directory)")
    args = parser.parse_args()
    root = Path(args.dir or tempfile.mkdtemp(prefix="store-bench-"))
    per_round = 50
    rounds = max(1, args.ballots // per_round)
    tokens = make_election(root / "election", per_style=(2 * rounds * per_round) // 24 + 1, ceremony=(3, 2))
    print(f"store files in {root}")
    bench_casting(tokens, root, rounds, per_round)
    bench_seal(root / "station")
    bench_verify(root / "station", repeats=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
