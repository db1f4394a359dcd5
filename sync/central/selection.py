"""Selecting projects within a budget: greedy by points, quotas per category, a published tie-break (pure).

This is the plain rule that the central side has without the optional ``pabutools`` extra
(``pb``, GPL-3.0-or-later): projects in order of points, highest first, each selected when the
stage's count is not yet reached, its category's quota is not yet full and its cost fits in what is
left of the budget, skipped otherwise (without count and quotas, the rule pabutools calls
``greedy_utilitarian_welfare``; quotas are ours, pabutools has none). Equal points are ordered by
the stage's tie-break; :func:`lot_key` is the lot anyone can redraw: SHA-256 of the seed (committed
before the polls open) and the project id, smallest first. Projects an earlier stage selected are
left out and say so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

LOST_BUDGET = "budget"       # its turn came when less than its cost was left
LOST_QUOTA = "quota"         # its turn came when its category's quota was full
LOST_POINTS = "points"       # its turn came after the stage's count was reached: points short
LOST_EARLIER = "selected_earlier"


@dataclass(frozen=True)
class Project:
    """One candidate: its id, cost (won), points (a whole number or a Fraction) and category."""

    id: str
    cost: int
    points: object
    category: str | None = None


@dataclass(frozen=True)
class Selection:
    """The outcome of one stage: selected ids in order of selection, budget used and left, why others lost.

    ``budget`` is None for a stage limited by count alone.
    """

    selected: tuple[str, ...]
    budget: int | None
    used: int
    lost: dict
    order: tuple[str, ...]

    @property
    def left(self) -> int | None:
        """The budget not spent (None without a budget)."""
        return None if self.budget is None else self.budget - self.used


def lot_key(seed: str, project_id: str) -> bytes:
    """The project's place in the lot drawn from ``seed``: smaller comes first among equal points."""
    return hashlib.sha256(b"kiosk-lot/1\x00" + seed.encode() + b"\x00" + project_id.encode()).digest()


def by_lot(seed: str) -> Callable[[Project], object]:
    """Tie-break: the lot of ``seed``."""
    return lambda p: lot_key(seed, p.id)


def select_stage(projects: list[Project], budget: int | None, tie_break: Callable[[Project], object],
                 count: int | None = None, quotas: dict | None = None,
                 exclude: frozenset = frozenset()) -> Selection:
    """One stage: greedy by points within ``budget`` (None: no budget), at most ``count`` projects and
    ``quotas[category]`` per category; equal points ordered by ``tie_break``; ``exclude`` left out."""
    if budget is not None and budget < 0:
        raise ValueError("the budget must not be negative")
    ids = [p.id for p in projects]
    if len(set(ids)) != len(ids):
        raise ValueError("a project id is used twice")
    if any(p.cost < 0 for p in projects):
        raise ValueError("a project cost must not be negative")
    quotas = dict(quotas or {})
    order = sorted((p for p in projects if p.id not in exclude), key=lambda p: (-p.points, tie_break(p)))
    selected, lost, used = [], {p.id: LOST_EARLIER for p in projects if p.id in exclude}, 0
    taken: dict = {}
    for p in order:
        if count is not None and len(selected) >= count:
            lost[p.id] = LOST_POINTS
        elif p.category in quotas and taken.get(p.category, 0) >= quotas[p.category]:
            lost[p.id] = LOST_QUOTA
        elif budget is not None and used + p.cost > budget:
            lost[p.id] = LOST_BUDGET
        else:
            selected.append(p.id)
            used += p.cost
            taken[p.category] = taken.get(p.category, 0) + 1
    return Selection(tuple(selected), budget, used, lost, tuple(p.id for p in order))


def greedy_by_points(projects: list[Project], budget: int, seed: str, exclude: frozenset = frozenset()) -> Selection:
    """Greedy selection by points within ``budget``; ties by the lot of ``seed``; ``exclude`` left out."""
    return select_stage(projects, budget, by_lot(seed), exclude=exclude)
