"""The published selection: ``selection.json``, ``selection.csv``, a table, and one pabulib ``.pb`` per stage.

The ``.pb`` files (pabulib's format: META, PROJECTS) carry what the count publishes and nothing
more: there is no VOTES section, because single ballots are secret (only totals are ever
decrypted). Each project row has its cost, its points (the stage's published total, to 6
decimals), category, whether it was selected, the exact points as ``n/d`` (``points_exact``: the
ranking used them) and the project's place in the package (``package_order``, for the tie-breaks
that use it), so that ``sync.central.pb_recompute`` can have pabutools recompute the stage from the
file alone; META records what the format has no field for: the stage's quotas, its count, the
projects an earlier stage selected (``excluded``), the tie-break and the revealed lot seed.
"""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path

from kiosk.contract.election import Election
from kiosk.contract.judging_rules import JudgingRules
from kiosk.files import write_atomic
from sync.central.judging import StageResult
from sync.central.selection import LOST_EARLIER

CSV_COLUMNS = ("stage", "rank", "project", "category", "cost", "points", "selected", "lost")


def shown(points: Fraction, places: int = 2) -> str:
    """Exact points as a decimal string rounded half up to ``places`` (ranking never uses this)."""
    scaled = points * 10 ** places
    whole = int(scaled + Fraction(1, 2)) if scaled >= 0 else -int(-scaled + Fraction(1, 2))
    sign, whole = ("-" if whole < 0 else ""), abs(whole)
    return f"{sign}{whole // 10 ** places}.{whole % 10 ** places:0{places}d}" if places else f"{sign}{whole}"


def selection_json(election: Election, stages: list[StageResult], seed: str) -> dict:
    """Everything a person or program needs to check the selection (exact points as 'n/d')."""
    return {"election": election.id, "format": "kiosk-selection/1", "lot_seed": seed, "stages": [
        {"stage": r.stage.id, "budget": r.budget, "used": r.used, "left": r.left, "count": r.stage.count,
         "quotas": dict(r.stage.quotas), "tie_break": r.stage.tie_break,
         "selected": [x.project for x in r.selected],
         "projects": [{"project": x.project, "category": x.category, "cost": x.cost, "rank": x.rank,
                       "points": shown(x.points), "points_exact": f"{x.points.numerator}/{x.points.denominator}",
                       "parts": [shown(p) for p in x.parts], "selected": x.selected, "lost": x.lost}
                      for x in sorted(r.rows, key=_order)]} for r in stages]}


def _order(x) -> tuple:
    return (x.rank is None, x.rank or 0, x.project)


def selection_csv(stages: list[StageResult]) -> str:
    """One row per project and stage, in the stage's order."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in stages:
        for x in sorted(r.rows, key=_order):
            w.writerow([r.stage.id, x.rank or "", x.project, x.category or "", x.cost, shown(x.points),
                        "yes" if x.selected else "no", x.lost or ""])
    return out.getvalue()


def table(stages: list[StageResult], rules: JudgingRules) -> str:
    """The human-readable selection: per stage its budget, the selected projects (each category by its English
    title) and why others lost."""
    def category(x) -> str:
        found = rules.category(x.category)
        return found.title.en if found else x.category or ""

    width = max([12] + [len(category(x)) for r in stages for x in r.rows])
    lines = []
    for r in stages:
        money = "no budget" if r.budget is None else f"budget {r.budget:,} won, used {r.used:,}, left {r.left:,}"
        lines.append(f"stage {r.stage.id}: {len(r.selected)} selected; {money}")
        lines.append(f"{'rank':>5} {'project':10} {'category':{width}} {'cost':>14} {'points':>9}  outcome")
        for x in sorted(r.rows, key=_order):
            outcome = "selected" if x.selected else f"not selected: {x.lost}"
            lines.append(f"{x.rank or '':>5} {x.project:10} {category(x):{width}} {x.cost:>14,} "
                         f"{shown(x.points):>9}  {outcome}")
    return "\n".join(lines)


def _cell(value: object) -> str:
    return str(value).replace(";", ",").replace("\n", " ")


def stage_pb(election: Election, result: StageResult, seed: str) -> str:
    """One stage as a pabulib ``.pb`` file: META and PROJECTS, no VOTES (see the module docstring)."""
    stage = result.stage
    excluded = sorted(x.project for x in result.rows if x.lost == LOST_EARLIER)
    meta = [("description", f"{election.title.en}: stage {stage.id} ({stage.title.en})"),
            ("country", "South Korea"), ("unit", election.id), ("instance", stage.id),
            ("num_projects", len(result.rows)), ("num_votes", 0),
            ("budget", result.budget if result.budget is not None else sum(x.cost for x in result.rows)),
            ("vote_type", "scoring"), ("rule", "greedy"),
            ("comment", "no VOTES section: ballots are secret, only the published totals are given as score"),
            ("points", " + ".join(f"{t.electorate} x {t.scale if t.scale is not None else t.weight}"
                                  f"{' (share)' if t.scale is not None else ''}" for t in stage.points)),
            ("quotas", ",".join(f"{c}:{n}" for c, n in sorted(stage.quotas.items()))),
            ("max_projects", stage.count if stage.count is not None else ""),
            ("excluded", ",".join(excluded)), ("tie_break", stage.tie_break), ("lot_seed", seed)]
    lines = ["META", "key;value"] + [f"{k};{_cell(v)}" for k, v in meta]
    place = {x.project: i for i, x in enumerate(result.rows)}   # rows are in package order
    lines += ["PROJECTS", "project_id;cost;score;category;selected;points_exact;package_order"]
    lines += [f"{x.project};{x.cost};{shown(x.points, 6)};{x.category or ''};{1 if x.selected else 0};"
              f"{x.points.numerator}/{x.points.denominator};{place[x.project]}"
              for x in sorted(result.rows, key=_order)]
    return "\n".join(lines) + "\n"


def write_selection(election: Election, stages: list[StageResult], seed: str, folder: Path) -> list[Path]:
    """``selection.json``, ``selection.csv`` and ``STAGE.pb`` per stage in ``folder``."""
    folder = Path(folder)
    paths = [folder / "selection.json", folder / "selection.csv"]
    body = json.dumps(selection_json(election, stages, seed), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_atomic(paths[0], body.encode("utf-8"))
    write_atomic(paths[1], selection_csv(stages).encode("utf-8"))
    for r in stages:
        paths.append(folder / f"{r.stage.id}.pb")
        write_atomic(paths[-1], stage_pb(election, r, seed).encode("utf-8"))
    return paths
