"""The whole Ttabok judging on 872 proposals: both stages, beside the plain one-stage greedy, in one run.

    .venv/bin/python bench/judging_bench.py [--communities 872] [--repeat 11] [--seed 2017]

The judged Ttabok demo (kiosk/contract/ttabok_judging.py) with a made-up count (each community's 9
members like up to 6 others' proposals, each representative grades every other proposal of the
group, experts 0..30), then ``judge``: points of both stages (exact fractions) and the selection
(quotas 120 / 90 / 40 within 2.2 billion won, then the best 200 of the rest), timed --repeat times;
beside it ``greedy_by_points`` on the same 872 costs with whole points. Medians and their ratio.

With ``--pabutools-path`` naming the site-packages of an environment holding pabutools (GPL, never
this project's venv: ``make test`` makes ``.venv-pb``, so ``.venv-pb/lib/python3.*/site-packages``),
both stages are also written as the ``.pb`` files the record publishes and recomputed from them by
pabutools (``sync.central.pb_recompute``: its greedy rule, the quotas and count on top), interleaved
with ours in the same run: the median of parsing the files and recomputing, and whether it selects
the same projects.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ceremonyhelp import format2_election  # noqa: E402
from judginghelp import made_up_count  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402
from kiosk.contract.ttabok_judging import DEMO_LOT_SEED, add_judging  # noqa: E402
from sync.central.judging import Tallied, judge  # noqa: E402
from sync.central.judging_export import write_selection  # noqa: E402
from sync.central.selection import Project, greedy_by_points  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--communities", type=int, default=872)
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--seed", type=int, default=2017)
    ap.add_argument("--pabutools-path", help="a site-packages folder holding pabutools (never this project's venv)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    spec = add_judging(ttabok_spec(args.communities))
    election = format2_election(spec)
    rules = election.judging
    tallied = Tallied.from_count(election, made_up_count(election, rng))
    scores = {"experts": {p.id: rng.randint(0, 30) for p in rules.projects}}
    plain = [Project(p.id, p.cost, rng.randint(0, 70)) for p in rules.projects]
    files = tempfile.TemporaryDirectory()
    write_selection(election, judge(election, rules, tallied, scores, DEMO_LOT_SEED), DEMO_LOT_SEED, Path(files.name))
    theirs = pabutools_recompute(Path(files.name), args.pabutools_path)
    t_judge, t_plain, t_pb, stages, recomputed = [], [], [], None, None
    for _ in range(args.repeat):
        start = time.perf_counter()
        stages = judge(election, rules, tallied, scores, DEMO_LOT_SEED)
        t_judge.append(time.perf_counter() - start)
        start = time.perf_counter()
        greedy_by_points(plain, 3_100_000_000, str(args.seed))
        t_plain.append(time.perf_counter() - start)
        if theirs is not None:
            start = time.perf_counter()
            recomputed = theirs()
            t_pb.append(time.perf_counter() - start)
    picked = [x for s in stages for x in s.selected]
    j, p = statistics.median(t_judge), statistics.median(t_plain)
    print(f"{len(rules.projects)} projects: {' + '.join(str(len(s.selected)) for s in stages)} = {len(picked)} selected, "
          f"{sum(x.cost for x in picked):,} won")
    print(f"judge (both stages, points from the count): median {j * 1000:.1f} ms over {args.repeat} runs")
    print(f"greedy_by_points (one stage, points given): median {p * 1000:.2f} ms; ratio {j / p:.0f}x")
    if theirs is None:
        print("pabutools not importable: its recompute not measured (give --pabutools-path)")
    else:
        same = {r["stage"]: r["selected"] for r in recomputed} == {s.stage.id: [x.project for x in s.selected]
                                                                   for s in stages}
        print(f"pabutools recomputing both stages from their .pb files (parse + greedy_utilitarian_welfare, "
              f"{sum(r['pabutools_runs'] for r in recomputed)} runs): median {statistics.median(t_pb) * 1000:.0f} ms, "
              f"{statistics.median(t_pb) / j:.0f} times judge; the same projects selected: {same}")


def pabutools_recompute(folder: Path, path: str | None):
    """pabutools recomputing every stage of ``folder`` as a callable, or None where it cannot be imported."""
    if path:
        sys.path.append(path)
    try:
        import pabutools  # noqa: F401
    except ImportError:
        return None
    from sync.central.pb_recompute import pb_files, recompute, stage_of

    return lambda: [recompute(stage_of(f)) for f in pb_files([folder])]


if __name__ == "__main__":
    main()
