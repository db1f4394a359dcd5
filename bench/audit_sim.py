"""Simulated risk-limiting audits with the audit's own code: how many papers, how often caught.

    .venv/bin/python bench/audit_sim.py [--trials 100] [--risk-limit 0.05] [--seed 2017] [--json]

Every figure comes from ``sync.central.audit`` (the assertions of ``planning.outcomes``, the
assorters of ``outcomes``, ALPHA's ``risk.alpha_stops_at`` and the comparison values of
``engine.Comparison``); papers are drawn without replacement, one seeded trial after another.

1. **The Ttabok replay** (bench/replay/plan.py, 872 communities, seed 2017): the audit of its real
   outcome, "the 200 proposals with most points" (likes + participation bonus), is planned with
   ``kiosk-central audit plan``'s own planning code.
2. **A national-style contest** of 4.7 million ballots, two candidates and 2 % blank:
   - *wide*: reported and true result 52 % to 46 %; a polling audit should stop early, beside
     BRAVO's expected sample number for the same shares (Lindeman, Stark and Yates 2012);
   - *close, flipped*: a kiosk moved 1 % of all ballots from B to A, so the reported 49.9 % to
     48.1 % hides a true 48.9 % to 49.1 % loss. A polling and a comparison audit must not confirm
     it: "caught" is the share of trials that had not confirmed when the sample reached
     ``--cap`` times BRAVO's ASN (then the audit has escalated towards a full hand count);
   - *close, right*: the same reported result, papers agreeing, for the papers it costs.

Prints medians and means of the sample sizes, and the shares stopped or caught.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from kiosk.contract.ttabok import ttabok_spec  # noqa: E402
from replay.plan import expected_results, make_plan  # noqa: E402
from sync.central.audit.engine import Comparison  # noqa: E402
from sync.central.audit.outcomes import Beats, Candidate, Paper, Reported  # noqa: E402
from sync.central.audit.planning import outcomes  # noqa: E402
from sync.central.audit.risk import D_COMPARISON, D_SHRINK, alpha_stops_at, bravo_asn  # noqa: E402

NATIONAL = 4_700_000
A, B, BLANK = 0, 1, 2
PAPERS = {A: Paper(frozenset({"k"}), {"A": 1}), B: Paper(frozenset({"k"}), {"B": 1}), BLANK: Paper(frozenset({"k"}), {})}


def ttabok(seed: int) -> dict:
    """The Ttabok replay's top-200 outcome, planned as ``audit plan --outcome top:200:all`` plans it."""
    spec = ttabok_spec(872)
    tokens = {s["id"]: list(range(i * 9, (i + 1) * 9)) for i, s in enumerate(spec["styles"])}
    plan = make_plan(spec, tokens, 12, seed)
    results = expected_results(spec, plan)
    election = parse_election_spec(spec)
    candidates: dict[str, list[Candidate]] = {}
    totals, ballots = {}, {}
    for (contest, option), r in results.items():
        candidates.setdefault(contest, []).append(Candidate(option, contest, r["likes"], r["bonus"]))
        totals[option], ballots[contest] = r["likes"], r["ballots"]
    planned = outcomes(election, ["top:200:all"], Reported(totals, ballots), candidates, [])
    points = sorted((c.points for cs in candidates.values() for c in cs), reverse=True)
    return {"ballots": len({v.token for v in plan.voters}), "assertions": len(planned.assertions),
            "not_auditable": planned.not_auditable, "points_at_places_195_to_205": points[194:205]}


def parse_election_spec(spec: dict):
    """The spec as the Election a package holds (its key from a seeded in-process ceremony)."""
    from ceremonyhelp import format2_election

    return format2_election(spec)


def _counts(share_a: float, share_b: float) -> tuple[int, int, int]:
    a, b = round(NATIONAL * share_a), round(NATIONAL * share_b)
    return a, b, NATIONAL - a - b


def _draw(rng: np.random.Generator, counts: tuple[int, ...], n: int) -> np.ndarray:
    """The kinds of ``n`` papers drawn without replacement (index ranges: A, then B, then blank...)."""
    idx = rng.choice(sum(counts), size=n, replace=False)
    return np.searchsorted(np.cumsum(counts), idx, side="right")


def polling(true: tuple[int, int, int], reported: tuple[int, int, int], trials: int, cap: int, alpha: float,
            rng: np.random.Generator, d: int = D_SHRINK) -> list[int | None]:
    """Sample sizes at which a polling audit of "A beats B" stopped (None: not within ``cap``)."""
    beats = Beats("A", "B", frozenset({"k"}), 0)
    eta0 = beats.reported_mean(Reported({"A": reported[A], "B": reported[B]}, {"k": NATIONAL}), NATIONAL)
    value = {k: beats.assort(p, NATIONAL) for k, p in PAPERS.items()}
    out = []
    for _ in range(trials):
        kinds = _draw(rng, true, cap)
        out.append(alpha_stops_at((value[k] for k in kinds.tolist()), NATIONAL, beats.upper(NATIONAL), eta0, alpha, d))
    return out


def comparison(true: tuple[int, int, int], flipped: int, trials: int, cap: int, alpha: float,
               rng: np.random.Generator, d: int = D_COMPARISON) -> list[int | None]:
    """Sample sizes of a comparison audit where ``flipped`` records say A and their papers B."""
    beats = Beats("A", "B", frozenset({"k"}), 0)
    a, b, blank = true
    # kinds: 0 A on both, 1 B on both, 2 blank on both, 3 record A / paper B (the flipped ones)
    counts = (a, b - flipped, blank, flipped)
    record_mean = ((a + flipped) * 1 + (b - flipped) * 0 + blank * 0.5) / NATIONAL
    setup = Comparison(beats.upper(NATIONAL), 2 * record_mean - 1, NATIONAL)
    pair = {0: (A, A), 1: (B, B), 2: (BLANK, BLANK), 3: (A, B)}
    value = {k: setup.value(beats.assort(PAPERS[r], NATIONAL), beats.assort(PAPERS[p], NATIONAL))
             for k, (r, p) in pair.items()}
    out = []
    for _ in range(trials):
        kinds = _draw(rng, counts, cap)
        out.append(alpha_stops_at((value[k] for k in kinds.tolist()), NATIONAL, setup.overstatement_upper,
                                  setup.eta0, alpha, d))
    return out


def _summary(sizes: list[int | None], asn: float | None = None) -> dict:
    stopped = [s for s in sizes if s is not None]
    out = {"trials": len(sizes), "stopped": len(stopped), "not_confirmed": len(sizes) - len(stopped)}
    if stopped:
        out |= {"median_papers": statistics.median(stopped), "mean_papers": round(statistics.mean(stopped), 1)}
    if asn is not None:
        out["bravo_asn"] = round(asn, 1)
        if stopped:
            out["mean_over_bravo"] = round(statistics.mean(stopped) / asn, 3)
    return out


def d_sweep(args: argparse.Namespace) -> int:
    """Papers needed and ties confirmed for each d, every d on the same seeded draws."""
    alpha, wide, tie, close = args.risk_limit, _counts(0.52, 0.46), _counts(0.49, 0.49), _counts(0.499, 0.481)
    rows = {}
    for d in (100, 1_000, 10_000):
        rng = np.random.default_rng(args.seed)
        right = [n for n in polling(wide, wide, args.trials, 40_000, alpha, rng, d) if n is not None]
        confirmed = sum(n is not None for n in polling(tie, wide, args.trials, 20_000, alpha, rng, d))
        records = [n for n in comparison(close, 0, args.trials, 20_000, alpha, rng, d) if n is not None]
        rows[d] = {"polling_52_46_mean_papers": round(statistics.mean(right), 1), "polling_stopped": len(right),
                   "tie_confirmed": confirmed, "comparison_49.9_48.1_median_papers": statistics.median(records)}
    rows["bravo_asn_52_46"] = round(bravo_asn(alpha, 0.52, 0.46), 1)
    print(json.dumps(rows, indent=1) if args.json else "\n".join(f"d = {k}: {v}" for k, v in rows.items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=100)
    p.add_argument("--risk-limit", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--cap", type=float, default=4.0, help="give up (caught) at this many times BRAVO's ASN")
    p.add_argument("--d-sweep", action="store_true",
                   help="instead: ALPHA's d (100, 1,000, 10,000) on the wide right result, a 49/49 tie and the "
                        "close comparison audit: the figures behind risk.D_SHRINK and D_COMPARISON")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.d_sweep:
        return d_sweep(args)
    rng = np.random.default_rng(args.seed)
    alpha = args.risk_limit
    figures: dict = {"ttabok_replay_top_200": ttabok(args.seed)}
    wide = _counts(0.52, 0.46)
    asn = bravo_asn(alpha, 0.52, 0.46)
    figures["national_wide_52_46_polling_right"] = _summary(polling(wide, wide, args.trials, NATIONAL // 100, alpha,
                                                                    rng), asn)
    reported, true = _counts(0.499, 0.481), _counts(0.489, 0.491)
    flipped = reported[A] - true[A]
    asn_close = bravo_asn(alpha, 0.499, 0.481)
    cap = int(args.cap * asn_close)
    figures["national_close_49.9_48.1_polling_right"] = _summary(
        polling(reported, reported, args.trials, cap, alpha, rng), asn_close)
    figures["national_close_polling_1pct_flipped"] = _summary(polling(true, reported, args.trials, cap, alpha, rng))
    figures["national_close_comparison_right"] = _summary(comparison(reported, 0, args.trials, cap, alpha, rng))
    figures["national_close_comparison_1pct_flipped"] = _summary(comparison(true, flipped, args.trials, cap, alpha,
                                                                            rng))
    figures["cap_papers"] = cap
    if args.json:
        print(json.dumps(figures, indent=1, ensure_ascii=False))
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
