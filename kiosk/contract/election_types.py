"""The parts of an election definition: titles, options, contests, ballot styles, bonus bands, nodes.

Frozen values made by :func:`kiosk.contract.election.parse_election` (which checks every field)
and re-exported by :mod:`kiosk.contract.election`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RULES = ("single", "approval", "score")
MAX_GRADE = 100  # a score contest grades each option min..max, at most 0..100
LANGUAGES = ("ko", "en")
ID_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,39}\Z")   # \Z: "$" would let "S01\n" through


@dataclass(frozen=True)
class Title:
    """A name in Korean and English."""

    ko: str
    en: str

    def in_language(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Option:
    id: str
    title: Title
    proposed_by: str | None = None  # the ballot style (community) whose proposal this is


@dataclass(frozen=True)
class Contest:
    id: str
    title: Title
    rule: str
    min: int
    max: int
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option | None:
        return self._options.get(option_id)

    @property
    def is_score(self) -> bool:
        """A score contest: each option gets a grade in min..max (0 = no grade, when min is 0)."""
        return self.rule == "score"

    @property
    def grades(self) -> tuple[int, ...]:
        """The grades a voter may give one option of a score contest, highest first (empty otherwise)."""
        return tuple(range(self.max, self.min - 1, -1)) if self.is_score else ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_options", {o.id: o for o in self.options})


@dataclass(frozen=True)
class BallotStyle:
    id: str
    title: Title
    contests: tuple[str, ...]
    exclude: frozenset[str] = frozenset()
    stations: frozenset[str] | None = None   # None: any station may accept it; else only these


@dataclass(frozen=True)
class BonusBand:
    min_participants: int
    points: int


@dataclass(frozen=True)
class Node:
    id: str
    url: str
    key_hex: str
