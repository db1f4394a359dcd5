"""Selecting projects within a budget: greedy by points, ties broken by a published lot (pure).

This is the plain rule that the central side has without the optional ``pabutools`` extra
(``pb``, GPL-3.0-or-later): projects in order of points, highest first, each selected when its
cost fits in what is left of the budget, skipped otherwise (the rule pabutools calls
``greedy_utilitarian_welfare``; not yet checked against it). Equal points are ordered by a lot
that anyone can redraw: SHA-256 of the seed (committed before the polls open) and the project id,
smallest first. Projects an earlier stage selected are left out and say so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

LOST_BUDGET = "budget"       # its turn came when less than its cost was left
LOST_EARLIER = "selected_earlier"


@dataclass(frozen=True)
class Project:
    """One candidate: its id, cost (won) and points."""

    id: str
    cost: int
    points: int


@dataclass(frozen=True)
class Selection:
    """The outcome of one stage: selected ids in order of selection, budget used and left, why others lost."""

    selected: tuple[str, ...]
    budget: int
    used: int
    lost: dict
    order: tuple[str, ...]

    @property
    def left(self) -> int:
        """The budget not spent."""
        return self.budget - self.used


def lot_key(seed: str, project_id: str) -> bytes:
    """The project's place in the lot drawn from ``seed``: smaller comes first among equal points."""
    return hashlib.sha256(b"kiosk-lot/1\x00" + seed.encode() + b"\x00" + project_id.encode()).digest()


def greedy_by_points(projects: list[Project], budget: int, seed: str, exclude: frozenset = frozenset()) -> Selection:
    """Greedy selection by points within ``budget``; ties by the lot of ``seed``; ``exclude`` left out."""
    if budget < 0:
        raise ValueError("the budget must not be negative")
    ids = [p.id for p in projects]
    if len(set(ids)) != len(ids):
        raise ValueError("a project id is used twice")
    if any(p.cost < 0 for p in projects):
        raise ValueError("a project cost must not be negative")
    order = sorted((p for p in projects if p.id not in exclude), key=lambda p: (-p.points, lot_key(seed, p.id)))
    selected, lost, used = [], {p.id: LOST_EARLIER for p in projects if p.id in exclude}, 0
    for p in order:
        if used + p.cost <= budget:
            selected.append(p.id)
            used += p.cost
        else:
            lost[p.id] = LOST_BUDGET
    return Selection(tuple(selected), budget, used, lost, tuple(p.id for p in order))
