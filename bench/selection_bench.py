"""The plain greedy-by-points selection on a Ttabok-sized instance: how long one stage takes.

    .venv/bin/python bench/selection_bench.py [--projects 872] [--repeat 21] [--seed 2017]

872 projects with made-up costs (5 to 15 million won) and points 0..70 (many ties, so the lot
is drawn often), a budget of 3.1 billion won; one ``greedy_by_points`` stage, timed --repeat
times, the median printed.

Where ``pabutools`` can be imported (it is not a dependency: GPL-3.0-or-later, see the README;
``make test`` builds ``.venv-pb``: give ``--pabutools-path .venv-pb/lib/python3.11/site-packages``),
its own ``greedy_utilitarian_welfare`` runs on the same instance in the same run, interleaved,
through ``sync.central.pb_recompute.pabutools_greedy`` (building pabutools' instance is timed too):
one cardinal ballot giving each project its points times its cost (that rule takes satisfaction per
cost, so this is greedy by points) and a tie-breaking rule by the same lot; the bench prints both
medians, their ratio and whether both select the same projects.
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
    ap.add_argument("--pabutools-path", help="a site-packages folder holding pabutools (never this project's venv)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    projects = [Project(f"P{i:04d}", rng.randrange(5, 16) * 1_000_000, rng.randint(0, 70)) for i in range(args.projects)]
    other = pabutools_rule(projects, str(args.seed), args.pabutools_path)
    times, theirs, result, chosen = [], [], None, None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = greedy_by_points(projects, 3_100_000_000, str(args.seed))
        times.append(time.perf_counter() - start)
        if other is not None:
            start = time.perf_counter()
            chosen = other()
            theirs.append(time.perf_counter() - start)
    print(f"{args.projects} projects, budget 3,100,000,000 won: {len(result.selected)} selected, "
          f"{result.left:,} won left; median {statistics.median(times) * 1000:.2f} ms over {args.repeat} runs")
    if other is None:
        print("pabutools not importable: its rule not measured (give --pabutools-path)")
    else:
        print(f"pabutools greedy_utilitarian_welfare, same instance, interleaved: median "
              f"{statistics.median(theirs) * 1000:.2f} ms ({statistics.median(theirs) / statistics.median(times):.1f} "
              f"times ours); same projects selected: {chosen == set(result.selected)}")


def pabutools_rule(projects: list, seed: str, path: str | None):
    """pabutools' greedy on the same instance as a callable giving the selected ids, or None without it."""
    if path:
        sys.path.append(path)
    try:
        import pabutools  # noqa: F401
    except ImportError:
        return None
    from sync.central.pb_recompute import pabutools_greedy
    from sync.central.selection import lot_key

    names = [p.id for p in projects]
    cost = {p.id: p.cost for p in projects}
    value = {p.id: p.points * p.cost for p in projects}
    return lambda: set(pabutools_greedy(names, cost, value, 3_100_000_000, lambda name: lot_key(seed, name)))


if __name__ == "__main__":
    main()
