"""Where an audit stands: each assertion's risk from the papers read so far. Pure.

Two methods (Lindeman and Stark 2012, "A Gentle Introduction to Risk-Limiting Audits"; Stark
2020, SHANGRLA, section 3.2):

- **Ballot polling**: positions drawn from the whole manifest; each paper read gives the
  assorter's value directly. A drawn position with no paper, or a paper of another election,
  counts as the worst value, 0.
- **Ballot-level comparison**: cast vote records drawn by ballot id among the records whose
  ballot style shows the assertion's contests (the style is bound to the token by the signed
  roll, so the kiosk cannot move a ballot between styles); for each, the overstatement
  omega = A(cvr) - A(paper) gives B = (1 - omega/u) / (2 - v/u), v = 2 * mean A(cvr) - 1 the
  diluted margin. A paper not found, without a readable QR or of another election, counts as
  A(paper) = 0 (the largest overstatement). Papers beyond the records (a box holding more
  papers than its kiosks reported) add records of value 0, which only shrink the margin.

Both feed :func:`~sync.central.audit.risk.alpha_risk`; papers are used in drawing order up to
the first one not yet recorded (a sequential test must not skip).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from sync.central.audit.outcomes import BLANK, Assertion, Beats, Paper, Reported
from sync.central.audit.risk import D_COMPARISON, alpha_risk

POLLING, COMPARISON = "polling", "comparison"
METHODS = (POLLING, COMPARISON)
READ, MISSING, NO_QR, OTHER_ELECTION = "read", "missing", "no_qr", "other_election"
STATUSES = (READ, MISSING, NO_QR, OTHER_ELECTION)


@dataclass(frozen=True)
class Reading:
    """What the audit board (both members agreeing) found at one drawn label."""

    label: str
    status: str
    paper: Paper | None = None

    def value(self, assertion: Assertion, population: int, comparison: bool) -> float:
        """A(paper); the worst case, 0, when there is no paper of this election to read."""
        usable = self.status == READ or (self.status == NO_QR and not comparison)
        return assertion.assort(self.paper, population) if usable and self.paper is not None else 0.0


@dataclass(frozen=True)
class AssertionState:
    """One assertion's risk now."""

    name: str
    contests: tuple[str, ...]
    population: int
    risk: float
    sampled: int
    note: str = ""

    def met(self, risk_limit: float) -> bool:
        return self.risk <= risk_limit


def _prefix(order: Iterable[str], readings: Mapping[str, Reading]) -> list[Reading]:
    out = []
    for label in order:
        reading = readings.get(label)
        if reading is None:
            break
        out.append(reading)
    return out


def polling_state(assertion: Assertion, reported: Reported, population: int, order: Sequence[str],
                  readings: Mapping[str, Reading]) -> AssertionState:
    """The risk of a polling audit: ``order`` is every manifest label in drawing order."""
    contests = tuple(sorted(assertion.contests))
    if assertion.decided_by_offsets(population):
        return AssertionState(assertion.name(), contests, population, 0.0, 0, "decided by the offsets alone")
    values = [r.value(assertion, population, False) for r in _prefix(order, readings)]
    eta0 = assertion.reported_mean(reported, population)
    if eta0 <= 0.5:
        return AssertionState(assertion.name(), contests, population, 1.0, len(values),
                              "the reported result does not support this outcome")
    measured = alpha_risk(values, population, assertion.upper(population), eta0)
    return AssertionState(assertion.name(), contests, population, measured.risk, measured.sampled)


@dataclass(frozen=True)
class Comparison:
    """The numbers of a comparison assertion over its population of cast vote records."""

    upper: float          # u of the assorter
    margin: float         # v = 2 mean A(cvr) - 1
    population: int

    @property
    def overstatement_upper(self) -> float:
        return 2 / (2 - self.margin / self.upper)

    @property
    def eta0(self) -> float:
        """ALPHA's guess of B's mean: most of the way from 1/2 to B's upper bound.

        With no errors every B is u_B/2; betting that the mean is near u_B grows T fastest
        when the records are right, and one large overstatement (B = 0) then cuts T by ten,
        after which the shrinkage estimator learns from the sample (Stark 2023, section 2.5).
        """
        return 0.5 + 0.9 * (self.overstatement_upper - 0.5)

    def value(self, cvr: float, paper: float) -> float:
        """B for one drawn record."""
        return (1 - (cvr - paper) / self.upper) / (2 - self.margin / self.upper)


def comparison_setup(assertion: Assertion, cvrs: Mapping[str, Paper]) -> Comparison:
    """u and v of ``assertion`` over its population ``cvrs`` (label -> the record's reading)."""
    n = len(cvrs)
    mean = sum(assertion.assort(p, n) for p in cvrs.values()) / n
    return Comparison(assertion.upper(n), 2 * mean - 1, n)


def comparison_state(assertion: Assertion, cvrs: Mapping[str, Paper], order: Sequence[str],
                     readings: Mapping[str, Reading]) -> AssertionState:
    """The risk of a comparison audit: ``cvrs`` the assertion's population, ``order`` all labels drawn."""
    contests = tuple(sorted(assertion.contests))
    n = len(cvrs)
    if n == 0:
        return AssertionState(assertion.name(), contests, 0, 1.0, 0, "no cast vote record shows these contests")
    if assertion.decided_by_offsets(n):
        return AssertionState(assertion.name(), contests, n, 0.0, 0, "decided by the offsets alone")
    setup = comparison_setup(assertion, cvrs)
    if setup.margin <= 0:
        return AssertionState(assertion.name(), contests, n, 1.0, 0,
                              "the cast vote records do not show the reported outcome")
    mine = [label for label in order if label in cvrs]
    values = [setup.value(assertion.assort(cvrs[r.label], n), r.value(assertion, n, True))
              for r in _prefix(mine, readings)]
    measured = alpha_risk(values, n, setup.overstatement_upper, setup.eta0, D_COMPARISON)
    return AssertionState(assertion.name(), contests, n, measured.risk, measured.sampled)


def _growth(values: list[tuple[float, float]], upper: float, eta: float) -> float:
    """Expected log of ALPHA's factor at mu = 1/2 for values drawn with the given probabilities."""
    mu = 0.5
    return sum(p * math.log((x * eta / mu + (upper - x) * (upper - eta) / (upper - mu)) / upper)
               for x, p in values if p > 0)


def estimate_polling(assertion: Assertion, reported: Reported, population: int, risk_limit: float) -> int | None:
    """Papers a polling audit expects to need if the reported result is right (None: cannot stop)."""
    if assertion.decided_by_offsets(population):
        return 0
    u, eta = assertion.upper(population), assertion.reported_mean(reported, population)
    if eta <= 0.5:
        return None
    eta = min(eta, u * (1 - 1e-9))
    if isinstance(assertion, Beats):
        p_w = reported.totals.get(assertion.winner, 0) / (population * assertion.max_winner)
        p_l = reported.totals.get(assertion.loser, 0) / (population * assertion.max_loser)
        points = [(assertion.assort(Paper(frozenset(), {assertion.winner: assertion.max_winner}), population), p_w),
                  (assertion.assort(Paper(frozenset(), {assertion.loser: assertion.max_loser}), population), p_l),
                  (assertion.assort(BLANK, population), max(0.0, 1 - p_w - p_l))]
    else:
        p_c = reported.totals.get(assertion.option, 0) / population
        p_s = reported.ballots.get(assertion.contest, 0) / population
        shown = frozenset({assertion.contest})
        points = [(assertion.assort(Paper(shown, {assertion.option: 1}), population), p_c),
                  (assertion.assort(Paper(shown, {}), population), max(0.0, p_s - p_c)),
                  (assertion.assort(BLANK, population), max(0.0, 1 - p_s))]
    growth = _growth(points, u, eta)
    return None if growth <= 0 else min(population, math.ceil(math.log(1 / risk_limit) / growth))


def estimate_comparison(assertion: Assertion, cvrs: Mapping[str, Paper], risk_limit: float) -> int | None:
    """Records a comparison audit expects to need with no errors (None: cannot stop)."""
    if not cvrs:
        return None
    if assertion.decided_by_offsets(len(cvrs)):
        return 0
    setup = comparison_setup(assertion, cvrs)
    if setup.margin <= 0:
        return None
    u = setup.overstatement_upper
    growth = _growth([(u / 2, 1.0)], u, setup.eta0)
    return None if growth <= 0 else min(len(cvrs), math.ceil(math.log(1 / risk_limit) / growth))
