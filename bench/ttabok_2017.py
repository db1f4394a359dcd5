"""The 2017 Gyeonggi Ttabok community vote replayed end to end on kiosks, nodes and trustees.

    .venv/bin/python bench/ttabok_2017.py [--communities 872] [--stations 36] [--seed 2017]
                                          [--csv results.csv] [--workdir DIR] [--json]

872 communities in 73 groups, 9 member tokens each (7,848) and a representative each; 36 stations opened by poll workers
with card and PIN; members vote by touches on the booth screen with a seeded plan (some stay
home, so every participation band occurs; most like fewer than 6; some look for their own
proposal, try a seventh like, come back with a used token, or bring another election's token);
a share of the tokens goes through the camera; kiosks seal during the day; three central nodes
receive batches through kiosk-sync daemons, one node is down for a third of the day, one kiosk is
killed mid-cast and replaced, one token is spent at two stations, one station delivers on USB;
polls close with results tapes; the three trustees' key ceremony ran before the election, and after
the close every node publishes its aggregates, two trustees decrypt them, every node combines
and the standalone verifier re-derives the results. The day is the seed's whole judging: each
community's representative grades the other proposals of the group on the booth too (가..마), and
after the count the experts' signed scores and the stages select the funded projects (250 offline
within the budget and quotas + 200 online at 872), published by every node and re-derived by the
verifier; the plan knows the selection it must give. See bench/replay/day.py.

Prints a summary and writes the tally's results CSV to ``--csv``; exit 0 only when the results
equal the plan exactly and every check holds. ``docs/results.md`` has the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from replay.day import Day, Options  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--communities", type=int, default=872)
    p.add_argument("--stations", type=int, default=36,
                   help="stations (default 36, the run of docs/results.md; with fewer a station's closing statement "
                        "is longer and its tape prints it in several QR parts: bench/closing_qr_bench.py)")
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--camera-share", type=float, default=0.03, help="share of members whose token the camera reads")
    p.add_argument("--seal-minutes", type=int, default=1, help="the kiosks' sealing interval T")
    p.add_argument("--csv", type=Path, default=Path("ttabok-2017-results.csv"), help="where the results CSV goes")
    p.add_argument("--workdir", type=Path, help="keep every file of the day here (default: a temporary folder)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ttabok-2017-"))
    log = (lambda line: print(line, file=sys.stderr, flush=True)) if args.json else (lambda line: print(line, flush=True))
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    day = Day(Options(args.communities, args.stations, args.seed, args.camera_share, args.seal_minutes, workdir, log))
    outcome = day.run()
    shutil.copy2(outcome.results_csv, args.csv)
    summary = {"ok": outcome.ok, "checks": outcome.checks, "figures": outcome.figures,
               "mismatches": outcome.mismatches[:50], "results_csv": str(args.csv), "workdir": str(workdir)}
    if args.json:
        print(json.dumps(summary, indent=1, ensure_ascii=False))
    else:
        print()
        for name, value in outcome.figures.items():
            print(f"  {name}: {value}")
        for name, held in outcome.checks.items():
            print(f"  {'ok' if held else 'FAILED'}: {name}")
        for line in outcome.mismatches[:50]:
            print(f"  MISMATCH: {line}")
        exact = "equal the plan exactly" if not outcome.mismatches else f"differ in {len(outcome.mismatches)} places"
        print(f"results ({len(outcome.tally['results'])} contests) {exact}; CSV in {args.csv}; files in {workdir}")
    if args.workdir is None and outcome.ok:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
