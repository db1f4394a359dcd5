"""Reported outcomes as SHANGRLA assertions: "the mean of this assorter is above 1/2". Pure.

A paper (or a cast vote record) is read as ``{option id: value}``: 1 for a chosen option (0
when absent), or the grade for a score rule. Option ids are unique across an election's
contests, so an option names its contest too. Three kinds of outcome are audited (Stark 2020,
"Sets of Half-Average Nulls Generate Risk-Limiting Audits: SHANGRLA", sections 2-3):

- **Plurality** (a ``single`` contest's winner): one :class:`Beats` per loser.
- **Top N** of a set of options by points = votes + a fixed offset (e.g. the Ttabok
  participation bonus, which no paper changes: turnout is counted and reconciled, not read
  from papers): one :class:`Beats` for every winner and loser (multi-winner approval).
- **Threshold**: an option's votes above (or below) a share t of the ballots that show its
  contest: :class:`Threshold`.

:class:`Beats` ``w`` over ``l`` with offsets o_w, o_l over N ballots holds when
V_w + o_w > V_l + o_l. With m_w, m_l the options' largest values (1, or a score rule's top
grade) and delta = (o_w - o_l) / N, the assorter

    A(b) = (b_w - b_l + m_l) / (2 (m_l - delta)),   upper bound u = (m_w + m_l) / (2 (m_l - delta))

has mean > 1/2 exactly when the assertion holds (SHANGRLA's pairwise assorter, (b_w - b_l + 1)/2
when both offsets are 0 and m = 1). When m_l <= delta the offsets alone decide: nothing to audit.
:class:`Threshold` is SHANGRLA's supermajority assorter over ballots rather than valid votes.

Anything else (ties, ranked rules, a threshold on a score rule) is named in
:attr:`AuditPlanOutcomes.not_auditable` and printed on the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping



@dataclass(frozen=True)
class Paper:
    """What one paper (or cast vote record) shows: its contests, and per option its value."""

    shown: frozenset[str]
    votes: Mapping[str, int]


BLANK = Paper(frozenset(), {})


@dataclass(frozen=True)
class Reported:
    """The reported result: votes per option and ballots per contest."""

    totals: Mapping[str, int]
    ballots: Mapping[str, int]


@dataclass(frozen=True)
class Beats:
    """Reported winner ``winner`` has more points than reported loser ``loser``."""

    winner: str
    loser: str
    contests: frozenset[str]      # the contests of the two options (the population shows one of them)
    offset: int                   # o_w - o_l, in points
    max_winner: int = 1
    max_loser: int = 1

    def name(self) -> str:
        """A stable name for the report and the audit files."""
        return f"{self.winner}>{self.loser}"

    def _denominator(self, population: int) -> float:
        return 2 * (self.max_loser - self.offset / population)

    def decided_by_offsets(self, population: int) -> bool:
        """True when no paper can change it (the offsets alone decide)."""
        return self._denominator(population) <= 0

    def upper(self, population: int) -> float:
        """The assorter's largest value."""
        return (self.max_winner + self.max_loser) / self._denominator(population)

    def assort(self, paper: Paper, population: int) -> float:
        """A(b) for one paper."""
        votes = paper.votes
        return (votes.get(self.winner, 0) - votes.get(self.loser, 0) + self.max_loser) / self._denominator(population)

    def reported_mean(self, reported: Reported, population: int) -> float:
        """The assorter's mean if the reported totals are right."""
        totals = reported.totals
        return ((totals.get(self.winner, 0) - totals.get(self.loser, 0)) / population + self.max_loser) \
            / self._denominator(population)


@dataclass(frozen=True)
class Threshold:
    """Option ``option`` is on more (``passes``) or fewer (not ``passes``) than a share of the
    ballots that show its contest.

    Over a population of N papers of which N_c show the contest: "V_c > t N_c" is
    mean(v_c - t s_c) > 0 with s_c = 1 on a paper that shows the contest, so
    A(b) = (v_c - t s_c + t) / (2t) (upper bound 1/(2t)); for "V_c < t N_c",
    A(b) = (t s_c - v_c + 1 - t) / (2 (1 - t)) (upper bound 1/(2(1-t))). A paper without the
    contest is worth 1/2 either way: it tells nothing.
    """

    option: str
    contest: str
    share: float
    passes: bool

    @property
    def contests(self) -> frozenset[str]:
        return frozenset({self.contest})

    def name(self) -> str:
        return f"{self.option}{'>' if self.passes else '<'}{self.share:g}"

    def decided_by_offsets(self, population: int) -> bool:
        return False

    def upper(self, population: int) -> float:
        return 1 / (2 * self.share) if self.passes else 1 / (2 * (1 - self.share))

    def _value(self, v: float, s: float) -> float:
        t = self.share
        return (v - t * s + t) / (2 * t) if self.passes else (t * s - v + 1 - t) / (2 * (1 - t))

    def assort(self, paper: Paper, population: int) -> float:
        return self._value(1 if paper.votes.get(self.option, 0) else 0, 1 if self.contest in paper.shown else 0)

    def reported_mean(self, reported: "Reported", population: int) -> float:
        return self._value(reported.totals.get(self.option, 0) / population,
                           reported.ballots.get(self.contest, 0) / population)


Assertion = Beats | Threshold


@dataclass
class AuditPlanOutcomes:
    """The assertions of the outcomes to audit, and what this tool cannot audit (named)."""

    assertions: list[Assertion] = field(default_factory=list)
    not_auditable: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """An option with its reported votes and fixed offset (points not read from papers)."""

    option: str
    contest: str
    votes: int
    offset: int = 0
    max_value: int = 1

    @property
    def points(self) -> int:
        return self.votes + self.offset


def plurality(contest: str, candidates: list[Candidate]) -> AuditPlanOutcomes:
    """A single-winner contest: the reported winner beats every other option."""
    return top_n(f"contest {contest}", candidates, 1)


def top_n(what: str, candidates: list[Candidate], n: int) -> AuditPlanOutcomes:
    """The ``n`` options with most points win; every winner must beat every loser."""
    out = AuditPlanOutcomes()
    if not 0 < n < len(candidates):
        out.not_auditable.append(f"{what}: top {n} of {len(candidates)} options is no contest")
        return out
    ranked = sorted(candidates, key=lambda c: (-c.points, c.option))
    if ranked[n - 1].points == ranked[n].points:
        out.not_auditable.append(f"{what}: reported tie at place {n} ({ranked[n - 1].option} and "
                                 f"{ranked[n].option}, {ranked[n].points} points): decided by lot, not by papers")
        return out
    for w in ranked[:n]:
        for loser in ranked[n:]:
            out.assertions.append(Beats(w.option, loser.option, frozenset({w.contest, loser.contest}),
                                        w.offset - loser.offset, w.max_value, loser.max_value))
    return out


def threshold(candidate: Candidate, share: float, ballots: int) -> AuditPlanOutcomes:
    """The reported pass (or fail) of ``candidate`` at ``share`` of the ``ballots`` showing its contest."""
    out = AuditPlanOutcomes()
    if candidate.max_value != 1:
        out.not_auditable.append(f"threshold on {candidate.option}: a score rule's grades have no share")
    elif not 0 < share < 1 or ballots <= 0:
        out.not_auditable.append(f"threshold on {candidate.option}: share {share} of {ballots} ballots")
    elif candidate.votes == share * ballots:
        out.not_auditable.append(f"threshold on {candidate.option}: exactly at the threshold")
    else:
        out.assertions.append(Threshold(candidate.option, candidate.contest, share, candidate.votes > share * ballots))
    return out


def merge(*parts: AuditPlanOutcomes) -> AuditPlanOutcomes:
    """All the assertions and exclusions of several outcomes."""
    out = AuditPlanOutcomes()
    for part in parts:
        out.assertions += part.assertions
        out.not_auditable += part.not_auditable
    return out
