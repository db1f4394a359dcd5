"""The funded projects the judged replay must end with, from the plan alone (pure).

Written from the spec's ``selection`` section and the rules as docs/election-spec.md and
docs/formats.md state them, not from the project's judging code (``sync/central/judging.py``): a
stage's points per project are its terms summed (``scale`` x the share of the electorate's maximum:
grades or likes over the top grade x the ballots of that electorate that showed the project; the
experts' score over ``scores_max``; or ``weight`` x the raw points: likes plus the bonus), exact
fractions; projects in order of points, equal points by the lot (SHA-256 of ``kiosk-lot/1`` 0x00
seed 0x00 project id, smallest first); each taken while the stage's count is not reached, its
category's quota not full and its cost fits what is left of the stage's budget and of the total.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from fractions import Fraction


def _lot(seed: str, project: str) -> bytes:
    return hashlib.sha256(b"kiosk-lot/1\x00" + seed.encode() + b"\x00" + project.encode()).digest()


def _term(spec: dict, term: dict, project: dict, rows: dict, by_style: Counter, experts: dict) -> Fraction:
    electorate = next(e for e in spec["electorates"] if e["id"] == term["electorate"])
    if "scores_max" in electorate:
        got = Fraction(experts[project["id"]])
        return term["weight"] * got if "weight" in term else term["scale"] * got / electorate["scores_max"]
    contests = {o["id"]: c for c in spec["contests"] for o in c["options"]}
    styles = [s for s in spec["styles"] if s["id"] in electorate["styles"]]
    got = most = raw = 0
    for option in project["options"]:
        contest = contests[option]
        showing = [s["id"] for s in styles if contest["id"] in s["contests"] and option not in s["exclude"]]
        if not showing:
            continue
        row = rows[(contest["id"], option)]
        got, raw = got + (row["likes"] or 0), raw + (row["score"] or 0)
        most += (contest["max"] if contest["rule"] == "score" else 1) * sum(by_style[s] for s in showing)
    if "weight" in term:
        return Fraction(term["weight"] * raw)
    return term["scale"] * Fraction(got, most) if most else Fraction(0)


def expected_selection(spec: dict, rows: dict, by_style: Counter, experts: dict, seed: str) -> list[tuple[str, list[str]]]:
    """(stage, the projects it selects in order) for every stage; ``rows`` are :func:`plan.expected_results`,
    ``by_style`` the ballots counted per style, ``experts`` the experts' score per project."""
    rules = spec["selection"]
    cost = {p["id"]: p["cost"] for p in rules["projects"]}
    chosen, spent, out = set(), 0, []
    for stage in rules["stages"]:
        pool = [p for p in rules["projects"] if "categories" not in stage or p["category"] in stage["categories"]]
        if stage.get("exclude_earlier", True):
            pool = [p for p in pool if p["id"] not in chosen]
        points = {p["id"]: sum((_term(spec, t, p, rows, by_style, experts) for t in stage["points"]), Fraction(0))
                  for p in pool}
        assert stage.get("tie_break", "lot") == "lot", "the replay's stages break ties by lot"
        order = sorted(pool, key=lambda p: (-points[p["id"]], _lot(seed, p["id"])))
        budget = stage.get("budget")
        if "budget" in rules:
            budget = rules["budget"] - spent if budget is None else min(budget, rules["budget"] - spent)
        taken, used, per_category = [], 0, Counter()
        for p in order:
            if "count" in stage and len(taken) >= stage["count"]:
                continue
            if p["category"] in stage.get("quotas", {}) and per_category[p["category"]] >= stage["quotas"][p["category"]]:
                continue
            if budget is not None and used + p["cost"] > budget:
                continue
            taken.append(p["id"])
            used += p["cost"]
            per_category[p["category"]] += 1
        out.append((stage["id"], taken))
        chosen.update(taken)
        spent += sum(cost[i] for i in taken)
    return out
