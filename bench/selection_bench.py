"""The plain greedy-by-points selection on a Ttabok-sized instance: how long one stage takes.

    .venv/bin/python bench/selection_bench.py [--projects 872] [--repeat 21] [--seed 2017]

872 projects with made-up costs (5 to 15 million won) and points 0..70 (many ties, so the lot
is drawn often), a budget of 3.1 billion won; one ``greedy_by_points`` stage, timed --repeat
times, the median printed. pabutools' own greedy on the same instance is not measured here:
pabutools is not installed (an optional GPL extra; see the README).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sync.central.selection import Project, greedy_by_points  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=872)
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--seed", type=int, default=2017)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    projects = [Project(f"P{i:04d}", rng.randrange(5, 16) * 1_000_000, rng.randint(0, 70)) for i in range(args.projects)]
    times, result = [], None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = greedy_by_points(projects, 3_100_000_000, str(args.seed))
        times.append(time.perf_counter() - start)
    print(f"{args.projects} projects, budget 3,100,000,000 won: {len(result.selected)} selected, "
          f"{result.left:,} won left; median {statistics.median(times) * 1000:.2f} ms over {args.repeat} runs")


if __name__ == "__main__":
    main()
