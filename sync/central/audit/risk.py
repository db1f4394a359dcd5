"""The risk measurements of a risk-limiting audit: the ALPHA martingale and BRAVO. Pure.

Every assertion of an audit (:mod:`sync.central.audit.outcomes`) is a claim that the mean of
an *assorter* over the ballots is greater than 1/2. The audit tests the complementary null
"the mean is at most 1/2"; the measured risk is the p-value of that test, and the assertion is
confirmed when it falls to the risk limit.

- :func:`alpha_risk` is the ALPHA test supermartingale of Stark (2023), "ALPHA: Audit that
  Learns from Previously Hand-Audited Ballots", Annals of Applied Statistics 17(1), eq. (2)-(4),
  for sampling *without* replacement, with the truncated shrinkage estimator of section 2.5.2:

      mu_j  = (N/2 - S_{j-1}) / (N - j + 1)                      (the null mean of what is left)
      eta_j = min(max((d*eta0 + S_{j-1}) / (d + j - 1), mu_j + c/sqrt(d + j - 1)), u*(1 - 1e-12))
      T_j   = T_{j-1} * (x_j*eta_j/mu_j + (u - x_j)*(u - eta_j)/(u - mu_j)) / u
      risk  = min(1, 1 / max_j T_j)

  with S the sum of the values seen, u the assorter's upper bound, d = 1,000 (:data:`D_SHRINK`; 10,000
  for a comparison audit, :data:`D_COMPARISON`) and c = (eta0 - 1/2)/2 (SHANGRLA's c). When mu_j < 0 the null is impossible (risk 0); when mu_j > u it can
  no longer be rejected.
- :func:`bravo_risk` is BRAVO (Lindeman, Stark and Yates 2012, section 5) for a plurality pair
  w, l: each ballot for w multiplies T by 2*s_w, each for l by 2*(1 - s_w), with s_w the reported
  share of w among the votes for w and l; :func:`bravo_asn` its expected sample size (their
  approximation, eq. on p. 6): (ln(1/alpha) + ln(2 s_w)/2) / (p_w ln(2 s_w) + p_l ln(2 - 2 s_w)).

Both are checked against the published figures in ``tests/test_audit_risk.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Iterator

# ALPHA's d for a polling audit: how strongly eta stays at eta0 before the sample speaks.
# SHANGRLA's default is 100. `bench/audit_sim.py --d-sweep --trials 60` (a right 52/46 result of
# 4.7 million ballots; BRAVO's ASN 1,646): mean 1,882 papers with d = 100, 1,565 with 1,000,
# 1,386 with 10,000; a 49/49 tie confirmed 2, 3 and 4 times of 60. 1,000 takes most of the gain
# while the estimate still learns from the sample when the reported margin is too large.
D_SHRINK = 1_000
# A comparison audit whose records are right sees one constant value, u_B/2, paper after paper:
# with d = 100 the estimate sinks to that constant and T all but stops growing (2,921 papers for
# a 1.8 % margin in the same sweep, 444 with d = 1,000, 375 with d = 10,000). d = 10,000 keeps
# the bet near eta0 for the few hundred papers such an audit needs; an overstatement still cuts
# T at once. Any predictable eta keeps the test valid (Stark 2023, section 2).
D_COMPARISON = 10_000
TOP = 1 - 1e-12     # eta must stay below u


@dataclass(frozen=True)
class Measured:
    """What a sequence of sampled assorter values says: the risk and how many were used."""

    risk: float
    sampled: int


def alpha_trajectory(values: Iterable[float], population: int, upper: float, eta0: float,
                     d: int = D_SHRINK) -> Iterator[float]:
    """The ALPHA p-value of "mean <= 1/2" after each of ``values``, drawn without replacement.

    ``values`` are assorter values in [0, ``upper``] in sample order, ``population`` the number
    of ballots the sample is drawn from, ``eta0`` the alternative's mean guessed in advance (for
    a polling audit the reported assorter mean; for a comparison audit the mean with no errors).
    The p-value never rises: it is 1 / the largest T so far.
    """
    if population <= 0:
        raise ValueError("an audit needs a population of at least one ballot")
    if upper <= 0.5:
        raise ValueError("an assorter's upper bound must be above 1/2")
    eta0 = min(max(eta0, 0.5 + 1e-9), upper * TOP)
    c = (eta0 - 0.5) / 2
    t, best, total, j = 1.0, 1.0, 0.0, 0
    for x in values:
        j += 1
        if x < 0 or x > upper + 1e-12:
            raise ValueError(f"assorter value {x} outside [0, {upper}]")
        if j > population:
            raise ValueError("more values than ballots in the population")
        mu = (population * 0.5 - total) / (population - j + 1)
        total += x
        if mu < 0:      # what was seen already exceeds the null's whole total
            best = math.inf
        elif mu < upper:  # (at mu >= u the null can no longer be rejected: T stays)
            eta = min(max((d * eta0 + total - x) / (d + j - 1), mu + c / math.sqrt(d + j - 1)),
                      upper * TOP)
            if mu == 0:
                t = math.inf if x > 0 else t
            else:
                t *= (x * eta / mu + (upper - x) * (upper - eta) / (upper - mu)) / upper
            best = max(best, t)
        if j == population and total > population * 0.5:
            best = math.inf   # every ballot seen: the mean is known, and it is above 1/2
        yield min(1.0, 1.0 / best)


def alpha_risk(values: Iterable[float], population: int, upper: float, eta0: float, d: int = D_SHRINK) -> Measured:
    """The ALPHA p-value after all of ``values`` (see :func:`alpha_trajectory`), and how many."""
    risk, n = 1.0, 0
    for n, risk in enumerate(alpha_trajectory(values, population, upper, eta0, d), 1):
        pass
    return Measured(risk, n)


def alpha_stops_at(values: Iterable[float], population: int, upper: float, eta0: float,
                   risk_limit: float, d: int = D_SHRINK) -> int | None:
    """The sample size at which a sequential ALPHA audit stops (None: never, within ``values``)."""
    for n, risk in enumerate(alpha_trajectory(values, population, upper, eta0, d), 1):
        if risk <= risk_limit:
            return n
    return None


def bravo_risk(votes: Iterable[str], winner: str, loser: str, share_winner: float) -> Measured:
    """BRAVO's p-value that ``loser`` really got at least as many votes as ``winner``.

    ``votes`` is the sample in order: the candidate each paper shows ("" for neither);
    ``share_winner`` is s_w, the winner's reported share of the votes for the two.
    """
    if not 0.5 < share_winner <= 1:
        raise ValueError("BRAVO needs the reported winner ahead of the loser")
    t, best, n = 1.0, 1.0, 0
    for vote in votes:
        n += 1
        if vote == winner:
            t *= 2 * share_winner
        elif vote == loser:
            t *= 2 * (1 - share_winner)
        best = max(best, t)
    return Measured(min(1.0, 1.0 / best), n)


def bravo_asn(risk_limit: float, p_winner: float, p_loser: float) -> float:
    """BRAVO's approximate expected sample size; ``p_*`` are shares of *all* ballots."""
    s = p_winner / (p_winner + p_loser)
    z_w, z_l = math.log(2 * s), math.log(2 - 2 * s)
    return (math.log(1 / risk_limit) + z_w / 2) / (p_winner * z_w + p_loser * z_l)
