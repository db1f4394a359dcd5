"""Counting opened ballots and applying the election's tally rules (pure).

:class:`Count` adds up (ballot style, selections) pairs; :func:`contest_results` turns a count
into published rows: per option the selections ("likes"), the participation bonus of the
community that proposed it (the band its participation reaches, participation = ballots cast
with that community's ballot style), and the score = likes + bonus. In a ``score`` contest the
"likes" of an option are the sum of the grades its ballots gave it. A contest's selection counts
are shown only when every one of its options was on at least the privacy floor *k* ballots
(:func:`counts_shown`); otherwise they are suppressed (never shown, not merely flagged).
Participation counts show no selection and are always shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from kiosk.contract.election import Election, bonus_points


def counts_shown(election: Election, contest_id: str, ballots_by_style: Mapping[str, int]) -> bool:
    """May a contest's option counts be shown? Only when every option was on at least k ballots.

    A ballot style may leave an option out (a Ttabok community's own proposal): that option can
    be chosen only on the other styles' ballots. Were those fewer than k, its count would tell
    how those few voted, even when the contest as a whole has k ballots. When every style shows
    every option, this is the contest's ballots >= k. The station's tape, its signed closing
    statement and the central tally all decide with this one rule. *k* is the contest's floor
    (:attr:`Election.contest_floors`: an electorate may have its own).
    """
    contest = election.contest(contest_id)
    on = Counter()
    for style_id, n in ballots_by_style.items():
        style = election.style(style_id)
        if style is not None and contest_id in style.contests:
            on.update({o.id: n for o in contest.options if o.id not in style.exclude})
    floor = election.contest_floors.get(contest_id, election.privacy_floor)
    return all(on[o.id] >= floor for o in contest.options)


def turnout_withheld(ballots: int, floor: int) -> bool:
    """Is a slice's turnout withheld as "under k"? When it has some ballots but fewer than ``floor``.

    None at all is said as 0: "under k" stands for 1 to k - 1 ballots (the results tape leaves a style
    nobody voted with out, and withholds the others under k), and under a floor of 1 nothing is withheld.
    """
    return 0 < ballots < floor


def floor_warnings(election: Election, tokens_by_style: Mapping[str, int], most: int = 10) -> list[str]:
    """Contests whose counts can never be published: an option on fewer ballots than its floor even if
    every token of ``tokens_by_style`` (the official tokens on the roll) is cast.

    A Ttabok representative's style has one token, so a proposal graded by the 7 representatives of
    the last group of 8 never reaches *k* = 10: its contest would always be withheld, and a selection
    stage ranking by it could not rank. ``election show`` and ``tokens freeze`` say so (at most
    ``most`` lines, then how many more), while more tokens can still be minted or the package made
    again with a floor of the electorate's own (:attr:`Election.contest_floors`). A contest none of
    whose styles has a token yet is not named: its tokens are still to be minted.
    """
    out = []
    for contest in election.contests:
        floor = election.contest_floors.get(contest.id, election.privacy_floor)
        showing = [s for s in election.styles if contest.id in s.contests]
        if not any(tokens_by_style.get(s.id, 0) for s in showing):
            continue   # none of its styles' tokens minted yet
        most_ballots, option = min((sum(tokens_by_style.get(s.id, 0) for s in showing if o.id not in s.exclude), o.id)
                                   for o in contest.options)
        if most_ballots < floor:
            out.append(f"contest {contest.id}: option {option} can be on at most {most_ballots} ballots (every official "
                       f"token of the styles showing it cast), fewer than the contest's privacy floor {floor}: its "
                       "counts will never be published")
    return out if len(out) <= most else out[:most] + [f"... and {len(out) - most} more contests like these"]


@dataclass
class Count:
    """Running totals of counted ballots."""

    ballots_by_style: Counter = field(default_factory=Counter)
    ballots_by_contest: Counter = field(default_factory=Counter)
    selections: dict[str, Counter] = field(default_factory=dict)

    def add(self, election: Election, style: str, selections: dict) -> None:
        """Count one valid ballot (its selections already checked against the style's rules)."""
        self.ballots_by_style[style] += 1
        by_contest, counters = self.ballots_by_contest, self.selections
        for contest_id in election.style(style).contests:
            by_contest[contest_id] += 1
            counter = counters.get(contest_id)
            if counter is None:
                counter = counters[contest_id] = Counter()
            chosen = selections.get(contest_id, ())
            if isinstance(chosen, dict):  # a score contest: the grades add up
                for option_id, grade in chosen.items():
                    counter[option_id] += grade
            else:
                for option_id in chosen:
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
        suppressed = not counts_shown(election, contest.id, count.ballots_by_style)
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
