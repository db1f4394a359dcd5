"""The judging: each stage's points per project from the count and the experts' scores, then the selection (pure).

Built on what the count publishes, never inside it: :class:`Tallied` is read from a
:class:`~kiosk.contract.tally_rules.Count` or from the tally's ``results.json`` (either count path
writes it), so anyone holding the package, the results, the signed expert scores and the revealed
lot seed recomputes the selection.

A stage's points for a project are the sum of its terms (kiosk/contract/judging_rules.py):

* ``{electorate, scale}``: ``scale`` x got / most. For a kiosk electorate, over the project's
  options that its styles show: got = the likes (approval, single) or grades (score) the option
  received, most = the contest's max per option (1, or the top grade) x the ballots of that
  electorate's styles that showed the option (a style that excludes it, the community's own
  proposal, does not count). For experts: their score over ``scores_max``.
* ``{electorate, weight}``: ``weight`` x the raw points: the tally's score (likes or grades plus
  the participation bonus) of those options; for experts, their score.

Points are exact fractions (ranked exactly, shown to 2 decimals). A stage then selects greedily
(:func:`sync.central.selection.select_stage`) within its budget (and what earlier stages left of
the total), its count and its quotas, equal points ordered by its tie-break.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

from kiosk.contract.election import Election
from kiosk.contract.judging_rules import JudgingRules, Stage
from kiosk.contract.tally_rules import Count, contest_results
from kiosk.errors import FormatError, KioskError
from sync.central.selection import Project, Selection, by_lot, select_stage


@dataclass(frozen=True)
class Tallied:
    """What the count published: per option (likes, score), None where the privacy floor withheld them;
    ballots counted per style."""

    options: Mapping[str, tuple[int | None, int | None]]
    ballots_by_style: Mapping[str, int]

    @classmethod
    def from_count(cls, election: Election, count: Count) -> "Tallied":
        """From a count (either count path ends in one), the privacy floor applied as in the results."""
        rows = {o.option: (o.likes, o.score) for c in contest_results(election, count) for o in c.options}
        return cls(rows, dict(count.ballots_by_style))

    @classmethod
    def from_results(cls, election: Election, results: object) -> "Tallied":
        """From a tally's ``results.json`` (outside input: every field checked, the place named)."""
        if not isinstance(results, dict) or not isinstance(results.get("results"), list) \
                or not isinstance(results.get("styles"), dict):
            raise FormatError("this is not a tally's results.json (no results list or styles table)",
                              hint="give the results.json that kiosk-central tally --out wrote")
        ballots = {}
        for style, row in results["styles"].items():
            n = row.get("counted") if isinstance(row, dict) else None
            if election.style(style) is None or not _count(n):
                raise FormatError(f"results.json: styles.{style} is not a style of this election with a counted number",
                                  hint="give this election's results.json")
            ballots[style] = n
        rows = {}
        for i, c in enumerate(results["results"]):
            contest = election.contest(c.get("contest")) if isinstance(c, dict) else None
            if contest is None or not isinstance(c.get("options"), list):
                raise FormatError(f"results.json: results[{i}] is not a contest of this election",
                                  hint="give this election's results.json")
            for j, o in enumerate(c["options"]):
                ok = isinstance(o, dict) and contest.option(o.get("option")) is not None \
                    and all(o.get(k) is None or _count(o.get(k)) for k in ("likes", "score"))
                if not ok:
                    raise FormatError(f"results.json: results[{i}].options[{j}] is not an option of contest "
                                      f"{contest.id!r} with whole likes and score", hint="give this election's results.json")
                rows[o["option"]] = (o.get("likes"), o.get("score"))
        return cls(rows, ballots)


def _count(n: object) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 10 ** 12


@dataclass(frozen=True)
class Ranked:
    """One project in one stage: its points (exact), each term's part, and the outcome."""

    project: str
    category: str | None
    cost: int
    points: Fraction
    parts: tuple[Fraction, ...]
    rank: int | None            # place in the stage's order (1 = most points); None when left out
    selected: bool
    lost: str | None            # selection.LOST_*: why it was not selected


@dataclass(frozen=True)
class StageResult:
    """One stage's outcome: every project of its pool ranked, the budget it had, used and left."""

    stage: Stage
    rows: tuple[Ranked, ...]
    budget: int | None
    used: int

    @property
    def selected(self) -> list[Ranked]:
        """The selected projects, in order of selection."""
        return sorted((r for r in self.rows if r.selected), key=lambda r: r.rank)

    @property
    def left(self) -> int | None:
        return None if self.budget is None else self.budget - self.used


def check_lot_seed(rules: JudgingRules, seed: str | None) -> str:
    """The revealed seed, checked against the package's commitment ('' when no stage draws lots)."""
    if not any(s.tie_break == "lot" for s in rules.stages):
        return seed or ""
    if seed is None:
        raise KioskError("a stage breaks ties by lot, so the lot's seed is needed",
                         hint="give the seed committed in the package with --lot-seed")
    if hashlib.sha256(seed.encode("utf-8")).hexdigest() != rules.lot_seed_sha256:
        raise KioskError("the lot seed given is not the one the package committed to (its SHA-256 differs)",
                         hint="give the exact seed published before the polls opened (spaces and case count)")
    return seed


def shown_to(election: Election, styles: frozenset) -> dict[str, tuple]:
    """Per option shown on at least one of ``styles``: (its contest, the styles that show it)."""
    out: dict[str, tuple] = {}
    for s in election.styles:
        if s.id not in styles:
            continue
        for contest_id in s.contests:
            contest = election.contest(contest_id)
            for o in contest.options:
                if o.id not in s.exclude:
                    out.setdefault(o.id, (contest, []))[1].append(s.id)
    return out


def stage_points(election: Election, rules: JudgingRules, stage: Stage, tallied: Tallied,
                 scores: Mapping[str, Mapping[str, int]], shown: dict | None = None) -> dict[str, tuple[Fraction, ...]]:
    """Each pool project's part per term of ``stage`` (see the module docstring)."""
    shown = {} if shown is None else shown
    for t in stage.points:
        e = rules.electorate(t.electorate)
        if not e.signed_scores and e.id not in shown:
            shown[e.id] = shown_to(election, e.styles)
    return {p.id: tuple(_term(rules, t, p, tallied, scores, shown) for t in stage.points) for p in rules.pool(stage)}


def _term(rules: JudgingRules, term, project, tallied: Tallied, scores, shown: dict) -> Fraction:
    e = rules.electorate(term.electorate)
    if e.signed_scores:
        given = scores.get(e.id, {})
        if project.id not in given:
            raise KioskError(f"electorate {e.id!r} gave no score for project {project.id!r}",
                             hint=f"add its score with kiosk-central scores add --electorate {e.id}")
        got = Fraction(given[project.id])
        return term.weight * got if term.weight is not None else term.scale * got / e.scores_max
    got = most = raw = 0
    for option_id in project.options:
        if option_id not in shown[e.id]:
            continue  # this electorate does not judge the project on this contest
        contest, styles = shown[e.id][option_id]
        ballots = sum(tallied.ballots_by_style.get(s, 0) for s in styles)
        likes, score = tallied.options.get(option_id, (None, None))
        if likes is None and ballots == 0:
            continue  # nobody of this electorate voted on it: nothing was withheld, the share is 0
        if likes is None:
            raise KioskError(f"the count withheld option {option_id!r} of contest {contest.id!r} (privacy floor), "
                             f"so project {project.id!r} cannot be ranked",
                             hint="a stage can only use counts the results publish: lower the floor before the polls "
                                  "open, or rank by another electorate")
        got, raw = got + likes, raw + score
        most += (contest.max if contest.is_score else 1) * ballots
    if term.weight is not None:
        return Fraction(term.weight * raw)
    return term.scale * Fraction(got, most) if most else Fraction(0)


def judge(election: Election, rules: JudgingRules, tallied: Tallied, scores: Mapping[str, Mapping[str, int]],
          seed: str | None) -> list[StageResult]:
    """Every stage in order: points, then the greedy selection with quotas, budget, count and tie-break."""
    seed = check_lot_seed(rules, seed)
    place = {p.id: i for i, p in enumerate(rules.projects)}
    ties = {"lot": by_lot(seed), "lower_cost": lambda p: (p.cost, place[p.id]), "package_order": lambda p: place[p.id]}
    chosen: set[str] = set()
    spent, out, shown = 0, [], {}
    for stage in rules.stages:
        parts = stage_points(election, rules, stage, tallied, scores, shown)
        pool = [Project(p.id, p.cost, sum(parts[p.id], Fraction(0)), p.category) for p in rules.pool(stage)]
        budget = stage.budget
        if rules.budget is not None:
            budget = rules.budget - spent if budget is None else min(budget, rules.budget - spent)
        exclude = frozenset(chosen) if stage.exclude_earlier else frozenset()
        result = select_ranked(stage, pool, parts, budget, ties[stage.tie_break], exclude)
        out.append(result)
        chosen.update(x.project for x in result.selected)
        spent += result.used
    return out


def select_ranked(stage: Stage, pool: list[Project], parts: Mapping[str, tuple], budget: int | None,
                  tie_break, exclude: frozenset) -> StageResult:
    """One stage's selection on its ``pool`` (points given, in package order), every project ranked."""
    s: Selection = select_stage(pool, budget, tie_break, stage.count, stage.quotas, exclude)
    rank = {pid: i + 1 for i, pid in enumerate(s.order)}
    rows = tuple(Ranked(p.id, p.category, p.cost, p.points, parts[p.id], rank.get(p.id), p.id in s.selected,
                        s.lost.get(p.id)) for p in pool)
    return StageResult(stage, rows, budget, s.used)
