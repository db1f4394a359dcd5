"""The whole Ttabok judging on 872 proposals: both stages, beside the plain one-stage greedy, in one run.

    .venv/bin/python bench/judging_bench.py [--communities 872] [--repeat 11] [--seed 2017]

The judged Ttabok demo (kiosk/contract/ttabok_judging.py) with a made-up count (each community's 9
members like up to 6 others' proposals, each representative grades every other proposal of the
group, experts 0..30), then ``judge``: points of both stages (exact fractions) and the selection
(quotas 120 / 90 / 40 within 2.2 billion won, then the best 200 of the rest), timed --repeat times;
beside it ``greedy_by_points`` on the same 872 costs with whole points. Medians and their ratio.
pabutools' own rule is not measured: it is not installed (GPL, and it pulls gurobipy; see README).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ceremonyhelp import format2_election  # noqa: E402
from kiosk.contract.tally_rules import Count  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402
from kiosk.contract.ttabok_judging import DEMO_LOT_SEED, add_judging  # noqa: E402
from sync.central.judging import Tallied, judge  # noqa: E402
from sync.central.selection import Project, greedy_by_points  # noqa: E402


def judged_count(election, rng: random.Random) -> Count:
    """A made-up count of the judged Ttabok vote (real ballots through Count.add)."""
    count = Count()
    for style in election.styles:
        contest = election.contest(style.contests[0])
        shown = [o.id for o in contest.options if o.id not in style.exclude]
        if contest.is_score:
            count.add(election, style.id, {contest.id: {o: rng.randint(1, 5) for o in shown}})
        else:
            for _ in range(rng.randint(3, 9)):
                count.add(election, style.id, {contest.id: rng.sample(shown, rng.randint(0, min(6, len(shown))))})
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--communities", type=int, default=872)
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--seed", type=int, default=2017)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    spec = add_judging(ttabok_spec(args.communities))
    election = format2_election(spec)
    rules = election.judging
    tallied = Tallied.from_count(election, judged_count(election, rng))
    scores = {"experts": {p.id: rng.randint(0, 30) for p in rules.projects}}
    plain = [Project(p.id, p.cost, rng.randint(0, 70)) for p in rules.projects]
    t_judge, t_plain, stages = [], [], None
    for _ in range(args.repeat):
        start = time.perf_counter()
        stages = judge(election, rules, tallied, scores, DEMO_LOT_SEED)
        t_judge.append(time.perf_counter() - start)
        start = time.perf_counter()
        greedy_by_points(plain, 3_100_000_000, str(args.seed))
        t_plain.append(time.perf_counter() - start)
    picked = [x for s in stages for x in s.selected]
    j, p = statistics.median(t_judge), statistics.median(t_plain)
    print(f"{len(rules.projects)} projects: {' + '.join(str(len(s.selected)) for s in stages)} = {len(picked)} selected, "
          f"{sum(x.cost for x in picked):,} won")
    print(f"judge (both stages, points from the count): median {j * 1000:.1f} ms over {args.repeat} runs")
    print(f"greedy_by_points (one stage, points given): median {p * 1000:.2f} ms; ratio {j / p:.0f}x")


if __name__ == "__main__":
    main()
