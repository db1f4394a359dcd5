"""The package's judging: electorates, projects with cost and category, and staged selection rules.

Two optional top-level sections of ``election.json`` (docs/election-spec.md, "Judging and
selection"), checked strictly by :func:`check_judging` when the package is parsed, so that
``election init`` refuses a bad plan with the place named, long before the polls open:

``electorates``
    who judges: a kiosk electorate lists its ballot ``styles`` (members, representatives; tokens
    are minted per style as before); a signed-scores electorate (experts) has ``scores_max`` and
    gives its points in a file the authority signs (``kiosk-central scores add``).
``selection``
    ``projects`` (id, cost in won, category, the options that stand for it on the ballots),
    ``categories`` (id and title), an optional total ``budget``, ``lot_seed_sha256`` (the SHA-256 of the lot's
    seed, committed in the signed package before the polls open; the seed is revealed with
    ``--lot-seed`` when the selection is published) and ``stages`` in order. Each stage has its
    points formula (terms ``{electorate, scale}``: that electorate's share of its maximum, times
    scale; or ``{electorate, weight}``: its raw points, likes plus bonus, times weight), its pool
    (``categories``, default all), ``quotas`` per category (at most that many), a ``budget`` and/or
    a ``count``, ``exclude_earlier`` (default true) and a ``tie_break``: ``lot``, ``lower_cost`` or
    ``package_order``.

:func:`judging_rules` gives the parsed, frozen rules of a parsed election (None without them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

TIE_BREAKS = ("lot", "lower_cost", "package_order")
MAX_WON = 10 ** 15       # a cost or budget: whole won, up to a quadrillion
MAX_FACTOR = 1_000_000   # a term's scale or weight
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Electorate:
    """Who judges: ballot styles voting on kiosks, or (``scores_max`` set) a signed file of scores."""

    id: str
    title: Any
    styles: frozenset[str] = frozenset()
    scores_max: int | None = None
    privacy_floor: int | None = None   # its own k (kiosk electorates only); None: the election's

    @property
    def signed_scores(self) -> bool:
        """True for an electorate (experts) whose points come in an authority-signed file."""
        return self.scores_max is not None


@dataclass(frozen=True)
class Category:
    """A kind of project (a quota counts per category), named in Korean and English for the results."""

    id: str
    title: Any


@dataclass(frozen=True)
class Project:
    """A fundable project: cost in won, category, and the option ids that stand for it on ballots."""

    id: str
    cost: int
    category: str | None
    options: tuple[str, ...]


@dataclass(frozen=True)
class Term:
    """One part of a stage's points: ``scale`` x share of the maximum, or ``weight`` x raw points."""

    electorate: str
    scale: int | None = None
    weight: int | None = None


@dataclass(frozen=True)
class Stage:
    """One stage of the selection, applied in order."""

    id: str
    title: Any
    points: tuple[Term, ...]
    categories: tuple[str, ...] | None   # the pool; None: every project
    quotas: dict
    budget: int | None
    count: int | None
    exclude_earlier: bool
    tie_break: str


@dataclass(frozen=True)
class JudgingRules:
    """The parsed ``electorates`` and ``selection`` sections."""

    electorates: tuple[Electorate, ...]
    projects: tuple[Project, ...]
    categories: tuple[Category, ...]
    budget: int | None
    lot_seed_sha256: str | None
    stages: tuple[Stage, ...]

    def electorate(self, electorate_id: str) -> Electorate | None:
        return next((e for e in self.electorates if e.id == electorate_id), None)

    def category(self, category_id: object) -> Category | None:
        """The category of an id (None when the package declares none such)."""
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def pool(self, stage: Stage) -> list[Project]:
        """The projects a stage may select from, in package order (before earlier stages are left out)."""
        return [p for p in self.projects if stage.categories is None or p.category in stage.categories]


def check_judging(c, top: dict, contests: list, styles: list) -> JudgingRules | None:
    """Check both sections with the election parser's checker ``c`` (problems are added to it)."""
    if "electorates" not in top and "selection" not in top:
        return None
    electorates = _electorates(c, top.get("electorates", []), {s.id for s in styles})
    options = {o.id: k for k in contests for o in k.options}
    sel = top.get("selection")
    if sel is None:
        return JudgingRules(tuple(electorates), (), (), None, None, ())
    d = c.obj(sel, "selection", {"projects", "stages"}, {"categories", "budget", "lot_seed_sha256"})
    if d is None:
        return None
    categories = _categories(c, d.get("categories", []))
    projects = _projects(c, d.get("projects"), options, tuple(k.id for k in categories))
    budget = c.integer(d["budget"], "selection.budget", 0, MAX_WON) if "budget" in d else None
    seed = d.get("lot_seed_sha256")
    if seed is not None and (not isinstance(seed, str) or not _HEX64.fullmatch(seed)):
        c.fail("selection.lot_seed_sha256", "must be the SHA-256 of the lot's seed in lowercase hex (64 characters)")
    rules = JudgingRules(tuple(electorates), tuple(projects), tuple(categories), budget, seed, ())
    stages = _stages(c, d.get("stages"), rules, {e.id: e for e in electorates}, styles, options)
    return JudgingRules(tuple(electorates), tuple(projects), tuple(categories), budget, seed, tuple(stages))


def _electorates(c, value: Any, style_ids: set[str]) -> list[Electorate]:
    out, seen, owner = [], set(), {}
    for i, raw in enumerate(c.items(value, "electorates", 0, 100)):
        path = f"electorates[{i}]"
        d = c.obj(raw, path, {"id", "title"}, {"styles", "scores_max", "privacy_floor"})
        if d is None:
            continue
        eid = c.unique_ident(d.get("id"), f"{path}.id", seen, "electorate")
        title = c.title(d.get("title"), f"{path}.title")
        if ("styles" in d) == ("scores_max" in d):
            c.fail(path, "needs exactly one of 'styles' (it votes on kiosks) or 'scores_max' (its scores come "
                         "in a signed file)")
            continue
        floor = c.integer(d["privacy_floor"], f"{path}.privacy_floor", 1, 1000) if "privacy_floor" in d else None
        if "scores_max" in d:
            if "privacy_floor" in d:
                c.fail(f"{path}.privacy_floor", "an electorate with signed scores casts no ballots: it has no floor")
            top = c.integer(d["scores_max"], f"{path}.scores_max", 1, MAX_FACTOR)
            if eid and title and top:
                out.append(Electorate(eid, title, scores_max=top))
            continue
        names = c.items(d["styles"], f"{path}.styles", 1, 100_000)
        for j, s in enumerate(names):
            if not isinstance(s, str) or s not in style_ids:
                c.fail(f"{path}.styles[{j}]", f"names ballot style {s!r}, which does not exist")
            elif s in owner:
                c.fail(f"{path}.styles[{j}]", f"ballot style {s!r} is already in electorate {owner[s]!r}")
            else:
                owner[s] = eid
        if eid and title:
            out.append(Electorate(eid, title, styles=frozenset(s for s in names if isinstance(s, str)),
                                  privacy_floor=floor))
    return out


def _categories(c, value: Any) -> list[Category]:
    out: list[Category] = []
    for i, raw in enumerate(c.items(value, "selection.categories", 0, 1000)):
        path = f"selection.categories[{i}]"
        d = c.obj(raw, path, {"id", "title"})
        if d is None:
            continue
        cid = c.ident(d.get("id"), f"{path}.id")
        title = c.title(d.get("title"), f"{path}.title")
        if any(k.id == cid for k in out):
            c.fail(f"{path}.id", f"category id {cid!r} is used twice")
        elif cid:   # kept with a bad title too (refused all the same): projects naming it are not refused twice
            out.append(Category(cid, title))
    return out


def _projects(c, value: Any, options: dict, categories: tuple[str, ...]) -> list[Project]:
    out, seen, used = [], set(), {}
    for i, raw in enumerate(c.items(value, "selection.projects", 1, 100_000)):
        path = f"selection.projects[{i}]"
        d = c.obj(raw, path, {"id", "cost", "options"}, {"category"})
        if d is None:
            continue
        pid = c.unique_ident(d.get("id"), f"{path}.id", seen, "project")
        cost = c.integer(d.get("cost"), f"{path}.cost", 0, MAX_WON)
        category = d.get("category")
        if categories and category not in categories:
            c.fail(f"{path}.category", f"must be one of the categories {', '.join(categories)}, got {category!r}")
        elif not categories and category is not None:
            c.fail(f"{path}.category", "names a category, but selection.categories declares none")
        names = c.items(d.get("options"), f"{path}.options", 1, 100)
        for j, o in enumerate(names):
            if not isinstance(o, str) or o not in options:
                c.fail(f"{path}.options[{j}]", f"names option {o!r}, which is in no contest")
            elif o in used:
                c.fail(f"{path}.options[{j}]", f"option {o!r} already stands for project {used[o]!r}")
            else:
                used[o] = pid
        if pid and cost is not None:
            out.append(Project(pid, cost, category if isinstance(category, str) else None,
                               tuple(o for o in names if isinstance(o, str))))
    return out


def _terms(c, value: Any, path: str, electorates: dict, shown: dict) -> list[Term]:
    out = []
    for i, raw in enumerate(c.items(value, f"{path}.points", 1, 20)):
        tpath = f"{path}.points[{i}]"
        d = c.obj(raw, tpath, {"electorate"}, {"scale", "weight"})
        if d is None:
            continue
        e = electorates.get(d.get("electorate"))
        if e is None:
            c.fail(f"{tpath}.electorate", f"names electorate {d.get('electorate')!r}, which is not in 'electorates'")
        elif not e.signed_scores and not shown.get(e.id):
            c.fail(f"{tpath}.electorate", f"electorate {e.id!r} is shown no option of any project")
        if ("scale" in d) == ("weight" in d):
            c.fail(tpath, "needs exactly one of 'scale' (share of the maximum x scale) or 'weight' (raw points x weight)")
            continue
        key = "scale" if "scale" in d else "weight"
        n = c.integer(d[key], f"{tpath}.{key}", 1, MAX_FACTOR)
        if e is not None and n is not None:
            out.append(Term(e.id, **{key: n}))
    return out


def _stages(c, value: Any, rules: JudgingRules, electorates: dict, styles: list, options: dict) -> list[Stage]:
    project_options = {o for p in rules.projects for o in p.options}
    by_id = {k.id: k for k in options.values()}
    shown = {e.id: any(o.id in project_options and o.id not in s.exclude
                       for s in styles if s.id in e.styles for k in s.contests for o in getattr(by_id.get(k), "options", ()))
             for e in electorates.values()}
    out, seen = [], set()
    for i, raw in enumerate(c.items(value, "selection.stages", 1, 20)):
        path = f"selection.stages[{i}]"
        d = c.obj(raw, path, {"id", "title", "points"},
                  {"categories", "quotas", "budget", "count", "exclude_earlier", "tie_break"})
        if d is None:
            continue
        sid = c.unique_ident(d.get("id"), f"{path}.id", seen, "stage")
        title = c.title(d.get("title"), f"{path}.title")
        terms = _terms(c, d.get("points"), path, electorates, shown)
        pool_cats = None
        if "categories" in d:
            pool_cats = tuple(x for x in c.items(d["categories"], f"{path}.categories", 1, 1000) if isinstance(x, str))
            for j, x in enumerate(d["categories"] if isinstance(d["categories"], list) else []):
                if x not in rules.category_ids:
                    c.fail(f"{path}.categories[{j}]", f"names category {x!r}, which is not in selection.categories")
        stage = Stage(sid, title, tuple(terms), pool_cats, {}, None, None, True, "lot")
        pool = rules.pool(stage)
        if not pool:
            c.fail(path, "its pool is empty: no project is in its categories")
        quotas = _quotas(c, d.get("quotas", {}), path, rules.category_ids, pool)
        budget = c.integer(d["budget"], f"{path}.budget", 0, MAX_WON) if "budget" in d else None
        count = c.integer(d["count"], f"{path}.count", 1, 100_000) if "count" in d else None
        if budget is None and count is None and rules.budget is None:
            c.fail(path, "needs a 'budget', a 'count', or a total selection.budget to draw on")
        cheapest = min((p.cost for p in pool), default=0)
        for where, money in ((f"{path}.budget", budget), ("selection.budget", rules.budget)):
            if money is not None and pool and money < cheapest:
                c.fail(where, f"{money:,} won is less than the cheapest project of stage {sid!r} ({cheapest:,} won)")
        if count is not None and pool and count > len(pool):
            c.fail(f"{path}.count", f"is more than the {len(pool)} projects of its pool")
        earlier = d.get("exclude_earlier", True)
        if not isinstance(earlier, bool):
            c.fail(f"{path}.exclude_earlier", "must be true or false")
        tie = d.get("tie_break", "lot")
        if tie not in TIE_BREAKS:
            c.fail(f"{path}.tie_break", f"must be one of {', '.join(TIE_BREAKS)}, got {tie!r}")
        elif tie == "lot" and rules.lot_seed_sha256 is None:
            c.fail(f"{path}.tie_break", "is 'lot', so selection.lot_seed_sha256 must commit to the seed before the "
                                        "polls open (kiosk-central election init --lot-seed-sha256, or name another rule)")
        if sid and title:
            out.append(Stage(sid, title, tuple(terms), pool_cats, quotas, budget, count,
                             earlier if isinstance(earlier, bool) else True, tie if tie in TIE_BREAKS else "lot"))
    return out


def _quotas(c, value: Any, path: str, categories: tuple, pool: list[Project]) -> dict:
    if not isinstance(value, dict):
        c.fail(f"{path}.quotas", "must be a table of category: at most so many projects")
        return {}
    out = {}
    for cat, n in value.items():
        if cat not in categories:
            c.fail(f"{path}.quotas.{cat}", f"names category {cat!r}, which is not in selection.categories")
            continue
        size = sum(1 for p in pool if p.category == cat)
        q = c.integer(n, f"{path}.quotas.{cat}", 0, 100_000)
        if q is not None and q > size:
            c.fail(f"{path}.quotas.{cat}", f"asks for {q} projects, more than the {size} of category {cat!r} in its pool")
        elif q is not None:
            out[cat] = q
    return out


def judging_rules(election) -> JudgingRules | None:
    """The judging rules of a parsed election (None when it has none)."""
    return election.judging
