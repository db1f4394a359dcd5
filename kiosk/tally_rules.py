"""Counting opened ballots and applying the election's tally rules (pure).

:class:`Count` adds up (ballot style, selections) pairs; :func:`contest_results` turns a count
into published rows: per option the selections ("likes"), the participation bonus of the
community that proposed it (the band its participation reaches, participation = ballots cast
with that community's ballot style), and the score = likes + bonus. A contest with fewer than
the privacy floor *k* ballots has its selection counts suppressed (never shown, not merely
flagged); participation counts show no selection and are always shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kiosk.election import Election, bonus_points


@dataclass
class Count:
    """Running totals of counted ballots."""

    ballots_by_style: Counter = field(default_factory=Counter)
    ballots_by_contest: Counter = field(default_factory=Counter)
    selections: dict[str, Counter] = field(default_factory=dict)

    def add(self, election: Election, style: str, selections: dict) -> None:
        """Count one valid ballot (its selections already checked against the style's rules)."""
        self.ballots_by_style[style] += 1
        by_contest, chosen = self.ballots_by_contest, self.selections
        for contest_id in election.style(style).contests:
            by_contest[contest_id] += 1
            counter = chosen.get(contest_id)
            if counter is None:
                counter = chosen[contest_id] = Counter()
            for option_id in selections.get(contest_id, ()):
                counter[option_id] += 1

    def merge(self, other: "Count") -> None:
        """Add another count (from a worker) to this one."""
        self.ballots_by_style.update(other.ballots_by_style)
        self.ballots_by_contest.update(other.ballots_by_contest)
        for contest_id, counter in other.selections.items():
            self.selections.setdefault(contest_id, Counter()).update(counter)

    @property
    def ballots(self) -> int:
        """Ballots counted in all."""
        return sum(self.ballots_by_style.values())


@dataclass(frozen=True)
class OptionResult:
    """One published row; ``likes`` and ``score`` are None when the contest is below the floor."""

    option: str
    proposed_by: str | None
    participation: int | None
    bonus: int
    likes: int | None
    score: int | None


@dataclass(frozen=True)
class ContestResult:
    """One contest's published rows; ``suppressed`` when it has fewer ballots than the privacy floor."""

    contest: str
    ballots: int
    suppressed: bool
    options: tuple[OptionResult, ...]


def contest_results(election: Election, count: Count) -> list[ContestResult]:
    """Every contest's rows in ballot order, with bonus and score, the privacy floor applied."""
    out = []
    for contest in election.contests:
        ballots = count.ballots_by_contest[contest.id]
        suppressed = ballots < election.privacy_floor
        chosen = count.selections.get(contest.id, Counter())
        rows = []
        for option in contest.options:
            participation = count.ballots_by_style[option.proposed_by] if option.proposed_by else None
            bonus = bonus_points(election.bonus_bands, participation) if participation is not None else 0
            likes = None if suppressed else chosen[option.id]
            rows.append(OptionResult(option.id, option.proposed_by, participation, bonus, likes,
                                     None if likes is None else likes + bonus))
        out.append(ContestResult(contest.id, ballots, suppressed, tuple(rows)))
    return out
