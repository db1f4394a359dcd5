"""Ingest throughput of a central node on PostgreSQL beside SQLite: the same batches, the same run.

One kiosk casts ``--ballots`` ballots sealed ``--batch`` at a time (bench/central_bench.py's
``kiosk_batches``); a fresh node judges and stores them in-process (``CentralNode.submit``,
every check of a real arrival) once with the default SQLite store and once with ``--db`` on a
throwaway PostgreSQL server (tests/pghelp.py, durable settings: fsync and synchronous_commit on).

    .venv/bin/python bench/pg_bench.py [--ballots 2000] [--batch 100]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from central_bench import ROOT, ingest_in_process, kiosk_batches, make_central_election  # noqa: E402
from pghelp import postgres_server, schema_url  # noqa: E402 (central_bench put tests/ on the path)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ballots", type=int, default=2000)
    p.add_argument("--batch", type=int, default=100)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres_server(durable=True) as url:
        work = Path(tmp)
        central = make_central_election(work / "election", per_style=args.ballots // 48 + 1, communities=48)
        bodies = kiosk_batches(central, work / "kiosk", args.batch, args.ballots)
        (work / "sqlite").mkdir()
        (work / "pg").mkdir()  # holds only the node key: the store is in PostgreSQL
        results = {"sqlite": ingest_in_process(central, work / "sqlite", bodies),
                   "postgresql": ingest_in_process(central, work / "pg", bodies, db=schema_url(url, "bench"))}
    report = {"ballots": args.ballots, "batch_size": args.batch, "batches": len(bodies),
              **{f"{k}_ballots_per_s": round(args.ballots / v) for k, v in results.items()},
              **{f"{k}_s": round(v, 2) for k, v in results.items()}}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    assert ROOT
    main()
