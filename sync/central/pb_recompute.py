"""pabutools recomputes each published selection stage from its pabulib ``.pb`` file alone.

Run with a Python that has ``pabutools`` (GPL-3.0-or-later, so never this project's environment:
``make test`` builds ``.venv-pb`` apart, see the README), from the repository's root::

    PYTHONPATH=. .venv-pb/bin/python -m sync.central.pb_recompute RECORD_FOLDER_OR_PB_FILE... [--json]

Each file is read by ``pabutools.election.parse_pabulib``; the stage's exact points (column
``points_exact``), its budget, count (``max_projects``), ``quotas``, ``excluded`` projects and
tie-break come from the file, nothing from this project's selection code but the lot's formula.

1. pabutools' ``greedy_utilitarian_welfare`` ranks the stage's pool: every cost 1 and a budget for
   all, one cardinal ballot giving each project its points, the stage's tie-break as pabutools'
   ``TieBreakingRule``; the allocation it returns is the greedy order.
2. The same rule with the real costs within the stage's budget (one ballot of points x cost, since
   the rule divides satisfaction by cost) gives what the budget alone selects.
3. What pabutools lacks, on top (the README says so): the count and the quotas. Walking step 2's
   projects in step 1's order, the first one past the count or past its category's quota is one
   the stage lost, and so is every later project of that category (or, for the count, every later
   project); those leave the pool and step 2 runs again. A category (and the count) is cut at most
   once, so there are at most as many reruns as limits (quotas and the count).

A stage's result is the same as the file's ``selected`` column or it is not; exit 0 when every
stage agrees, 1 when one differs, 2 when a file cannot be read as a stage of ours.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

from sync.central.selection import lot_key

COUNT = object()   # the count's cut, in the same table as the categories' quotas


def stage_of(path: Path) -> dict:
    """The stage in a ``.pb`` file as pabutools parses it: instance, projects by id, META's rules."""
    from pabutools.election import parse_pabulib

    instance, _profile = parse_pabulib(str(path))
    meta = instance.meta
    if "points_exact" not in next(iter(instance.project_meta.values()), {}):
        raise ValueError(f"{path.name}: no points_exact column; it was not written by kiosk-central select")
    projects = {p.name: p for p in instance}
    points = {p.name: Fraction(instance.project_meta[p]["points_exact"]) for p in instance}
    if any(x < 0 for x in points.values()):
        raise ValueError(f"{path.name}: a project has negative points, which the greedy rule cannot rank")
    quotas = {c: int(n) for c, n in (q.split(":") for q in meta.get("quotas", "").split(",") if q)}
    excluded = {x for x in meta.get("excluded", "").split(",") if x}
    return {"file": path.name, "stage": meta.get("instance", path.stem), "instance": instance,
            "projects": projects, "points": points, "budget": int(meta["budget"]), "quotas": quotas,
            "count": int(meta["max_projects"]) if meta.get("max_projects") else None, "excluded": excluded,
            "tie_break": meta.get("tie_break", "lot"), "seed": meta.get("lot_seed", ""),
            "claimed": {p.name for p in instance if instance.project_meta[p].get("selected") == "1"}}


def _tie_key(stage: dict):
    """The stage's tie-break as a key on a project (smaller first), as the package names it."""
    meta = {p.name: m for p, m in stage["instance"].project_meta.items()}
    place = {name: int(meta[name]["package_order"]) for name in meta}
    cost = {name: stage["projects"][name].cost for name in meta}
    if stage["tie_break"] == "lot":
        return lambda name: lot_key(stage["seed"], name)
    if stage["tie_break"] == "lower_cost":
        return lambda name: (cost[name], place[name])
    if stage["tie_break"] == "package_order":
        return lambda name: place[name]
    raise ValueError(f"{stage['file']}: unknown tie_break {stage['tie_break']!r}")


def pabutools_greedy(names: list[str], cost: dict, value: dict, budget: int, tie) -> list[str]:
    """pabutools' greedy_utilitarian_welfare on one cardinal ballot: the selected ids in its order."""
    from pabutools.election import Additive_Cardinal_Sat, CardinalBallot, CardinalProfile, Instance, Project
    from pabutools.rules import greedy_utilitarian_welfare
    from pabutools.tiebreaking import TieBreakingRule

    instance = Instance(budget_limit=budget)
    made = {n: Project(n, cost[n]) for n in names}
    instance.update(made.values())
    profile = CardinalProfile([CardinalBallot({made[n]: value[n] for n in names})], instance=instance)
    rule = TieBreakingRule(lambda _inst, _prof, project: tie(project.name))
    return [p.name for p in greedy_utilitarian_welfare(instance, profile, sat_class=Additive_Cardinal_Sat,
                                                       tie_breaking=rule)]


def recompute(stage: dict) -> dict:
    """pabutools' selection for one stage (steps 1-3 of the module docstring)."""
    pool = sorted(set(stage["projects"]) - stage["excluded"])
    scale = math.lcm(*(stage["points"][n].denominator for n in pool)) if pool else 1
    points = {n: int(stage["points"][n] * scale) for n in pool}   # whole numbers: pabutools compares exactly
    cost = {n: int(stage["projects"][n].cost) for n in pool}
    tie = _tie_key(stage)
    rank = {n: i for i, n in enumerate(pabutools_greedy(pool, dict.fromkeys(pool, 1), points, len(pool), tie))}
    limits = dict(stage["quotas"]) | ({COUNT: stage["count"]} if stage["count"] is not None else {})
    category = {p.name: next(iter(p.categories), None) for p in stage["projects"].values()}
    runs = 0
    while True:
        runs += 1
        chosen = sorted(pabutools_greedy(pool, cost, {n: points[n] * cost[n] for n in pool}, stage["budget"], tie),
                        key=rank.get)
        cut = _first_cut(chosen, category, limits)
        if cut is None:
            return {"file": stage["file"], "stage": stage["stage"], "selected": chosen, "pabutools_runs": runs + 1,
                    "same": set(chosen) == stage["claimed"]}
        limit, last = cut
        kept = rank[last] if last is not None else -1   # a quota of 0 keeps none of its category
        pool = [n for n in pool if rank[n] <= kept or (limit is not COUNT and category[n] != limit)]
        del limits[limit]


def _first_cut(chosen: list[str], category: dict, limits: dict):
    """(limit, last project kept under it) at the first selected project past a limit, or None."""
    taken: dict = {}
    last: dict = {}
    for n in chosen:
        for limit in (COUNT, category[n]):
            if limit in limits:
                if taken.get(limit, 0) == limits[limit]:
                    return limit, last.get(limit)
                taken[limit] = taken.get(limit, 0) + 1
                last[limit] = n
    return None


def pb_files(paths: list[Path]) -> list[Path]:
    """The ``.pb`` files named, and those in the folders named, in order."""
    out = []
    for p in paths:
        out.extend(sorted(p.glob("*.pb")) if p.is_dir() else [p])
    return out


ROOT = Path(__file__).resolve().parents[2]


def pabutools_python() -> Path | None:
    """The interpreter with pabutools: ``KIOSK_PB_PYTHON``, else ``.venv-pb`` (``make test``), else None."""
    python = Path(os.environ.get("KIOSK_PB_PYTHON") or ROOT / ".venv-pb" / "bin" / "python")
    return python if python.exists() else None


def run_apart(python: str | Path, *paths: Path, as_json: bool = True) -> tuple[int, dict | str, str]:
    """This module under another interpreter (one with pabutools): exit code, the stages (``--json``)
    or the text, and what it wrote to stderr. Importable without pabutools."""
    args = [str(python), "-m", "sync.central.pb_recompute", *map(str, paths)] + (["--json"] if as_json else [])
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    out = json.loads(done.stdout) if as_json and done.returncode in (0, 1) else done.stdout
    return done.returncode, out, done.stderr


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path, help="a published record folder or .pb files")
    ap.add_argument("--json", action="store_true", help="one JSON object: the stages recomputed")
    args = ap.parse_args(argv)
    files = pb_files(args.paths)
    if not files:
        print("no .pb file found: name a record folder holding STAGE.pb files, or the files", file=sys.stderr)
        return 2
    try:
        results = [recompute(stage_of(f)) for f in files]
    except (OSError, ValueError, KeyError) as e:
        print(f"cannot recompute: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"stages": results}, ensure_ascii=False, indent=1))
    else:
        for r in results:
            verdict = "the same as the file's selected column" if r["same"] else "NOT the file's selected column"
            print(f"{r['file']}: stage {r['stage']}: pabutools selects {len(r['selected'])} projects "
                  f"({r['pabutools_runs']} runs of greedy_utilitarian_welfare), {verdict}")
    return 0 if all(r["same"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
