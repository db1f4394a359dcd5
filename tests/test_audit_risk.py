"""The audit's statistics: ALPHA and BRAVO against simulation and the published figures, the
consistent sampler, and the SHANGRLA assorters against the outcomes they stand for."""

from __future__ import annotations

import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.central.audit import sampling
from sync.central.audit.outcomes import BLANK, Beats, Candidate, Paper, Reported, Threshold, top_n
from sync.central.audit.risk import alpha_risk, alpha_stops_at, alpha_trajectory, bravo_asn, bravo_risk

SEED = "31415926535897932384626"
SHOWN = frozenset({"c"})


def _papers(counts: dict[str, int], blank: int = 0) -> list[Paper]:
    out = [Paper(SHOWN, {option: 1}) for option, n in counts.items() for _ in range(n)]
    return out + [Paper(SHOWN, {})] * blank


# -- BRAVO ------------------------------------------------------------------------------------

def test_bravo_asn_known_answer():
    # Lindeman, Stark and Yates (2012): ASN = (ln(1/a) + z_w/2) / (p_w z_w + p_l z_l),
    # z_w = ln 2s_w, z_l = ln(2 - 2s_w). At a = 10%, 60/40: (2.302585 + 0.091161) / 0.020136 = 118.88
    assert bravo_asn(0.10, 0.60, 0.40) == pytest.approx(118.88, abs=0.01)
    assert bravo_asn(0.10, 0.30, 0.20) == pytest.approx(2 * 118.88, abs=0.02)  # half the ballots valid


def _first(prefix_risk, most: int, limit: float) -> int:
    """The least n with prefix_risk(n) <= limit (the risk of a prefix never rises with n)."""
    lo, hi = 1, most
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if prefix_risk(mid) <= limit else (mid + 1, hi)
    return lo


def test_bravo_sample_sizes_by_simulation_agree_with_its_asn():
    rng = random.Random(2017)
    sizes = []
    for _ in range(300):
        ballots = rng.choices(["w", "l"], weights=[6, 4], k=3000)  # with replacement, as BRAVO assumes
        assert bravo_risk(ballots, "w", "l", 0.6).risk <= 0.1
        sizes.append(_first(lambda n: bravo_risk(ballots[:n], "w", "l", 0.6).risk, len(ballots), 0.1))
    assert 0.85 < statistics.mean(sizes) / bravo_asn(0.1, 0.6, 0.4) < 1.15


def test_bravo_refuses_a_reported_loser():
    with pytest.raises(ValueError):
        bravo_risk(["w"], "w", "l", 0.5)


# -- ALPHA ------------------------------------------------------------------------------------

def _stops(assertion: Beats, papers: list[Paper], eta0: float, rng: random.Random, limit=0.05) -> int | None:
    n = len(papers)
    drawn = rng.sample(papers, n)
    return alpha_stops_at((assertion.assort(p, n) for p in drawn), n, assertion.upper(n), eta0, limit)


def test_alpha_confirms_a_right_outcome_with_fewer_papers_than_bravo():
    rng = random.Random(19)
    beats = Beats("w", "l", SHOWN, 0)
    papers = _papers({"w": 1200, "l": 800})
    reported = beats.reported_mean(Reported({"w": 1200, "l": 800}, {"c": 2000}), 2000)
    sizes = [_stops(beats, papers, reported, rng) for _ in range(100)]
    assert all(s is not None for s in sizes)
    # without replacement from 2,000 ballots ALPHA needs fewer than BRAVO's with-replacement ASN
    assert statistics.median(sizes) < bravo_asn(0.05, 0.6, 0.4)


def test_alpha_rarely_confirms_a_tie_its_risk_is_valid():
    """The null is true (a tie): the chance to confirm must be at most the risk limit."""
    rng = random.Random(7)
    beats = Beats("w", "l", SHOWN, 0)
    papers = _papers({"w": 1000, "l": 1000})
    confirmed = sum(_stops(beats, papers, 0.6, rng, limit=0.10) is not None for _ in range(300))
    # 10% of 300 is 30; 45 is beyond three standard deviations (5.2) of that
    assert confirmed <= 45


def test_alpha_rarely_confirms_a_wrong_outcome():
    rng = random.Random(11)
    beats = Beats("w", "l", SHOWN, 0)
    papers = _papers({"w": 950, "l": 1050})
    confirmed = sum(_stops(beats, papers, 0.55, rng, limit=0.05) is not None for _ in range(200))
    assert confirmed <= 10 + 9  # 5% of 200, plus three standard deviations (3.1)


def test_alpha_trajectory_never_rises_and_refuses_values_out_of_range():
    beats = Beats("w", "l", SHOWN, 0)
    values = [beats.assort(p, 100) for p in _papers({"w": 60, "l": 30}, blank=10)]
    random.Random(3).shuffle(values)
    path = list(alpha_trajectory(values, 100, beats.upper(100), 0.65))
    assert all(b <= a for a, b in zip(path, path[1:])) and len(path) == 100
    assert path[-1] == 0.0  # the whole population was seen: the null is impossible
    with pytest.raises(ValueError):
        alpha_risk([2.0], 10, 1.0, 0.6)
    with pytest.raises(ValueError):
        alpha_risk([0.5] * 11, 10, 1.0, 0.6)


# -- consistent sampling --------------------------------------------------------------------------

def test_seed_must_be_twenty_public_digits():
    for bad in ["123", "1234567890123456789a", "１２３４５６７８９０１２３４５６７８９０"]:
        with pytest.raises(sampling.SeedRefused, match="20"):
            sampling.check_seed(bad)
    assert sampling.check_seed(SEED) == SEED


@given(st.sets(st.text(min_size=1, max_size=12), min_size=1, max_size=60), st.integers(0, 70), st.integers(0, 70))
def test_a_larger_sample_keeps_every_paper_drawn(labels, a, b):
    small, large = sorted((a, b))
    first, more = sampling.draw(SEED, labels, small), sampling.draw(SEED, labels, large)
    assert more[:len(first)] == first and len(set(more)) == len(more) == min(large, len(labels))
    assert sampling.draw(SEED, sorted(labels, reverse=True), large) == more  # the input order does not matter


def test_sampling_is_uniform():
    counts = {label: 0 for label in map(str, range(20))}
    for i in range(2000):
        for label in sampling.draw(f"{SEED}{i:04d}", counts, 5):
            counts[label] += 1
    # each label is drawn with chance 1/4: 500 of 2,000 expected, sd 19.4
    assert all(420 < n < 580 for n in counts.values()), counts


def test_sampling_has_a_known_answer():
    # the published rule: SHA-256("kiosk-audit-ticket/1" 0x00 seed 0x00 label), smallest first
    import hashlib

    labels = [f"S-0001/1/{i}" for i in range(1, 11)]
    by_hand = sorted(labels, key=lambda s: hashlib.sha256(b"kiosk-audit-ticket/1\x00" + SEED.encode() + b"\x00"
                                                          + s.encode()).digest())
    assert sampling.draw(SEED, labels, 10) == by_hand


# -- assorters --------------------------------------------------------------------------------

votes = st.integers(0, 400)


@given(votes, votes, st.integers(0, 200), st.integers(-60, 60))
def test_beats_assorter_mean_is_above_half_exactly_when_the_winner_leads(w, l, blank, offset):
    n = w + l + blank
    if n == 0:
        return
    beats = Beats("w", "l", SHOWN, offset)
    if beats.decided_by_offsets(n):
        assert offset >= n  # only a bonus bigger than every ballot decides alone
        return
    papers = _papers({"w": w, "l": l}, blank)
    mean = sum(beats.assort(p, n) for p in papers) / n
    assert mean == pytest.approx(beats.reported_mean(Reported({"w": w, "l": l}, {"c": n}), n))
    assert (mean > 0.5 + 1e-12) == (w + offset > l) or abs(mean - 0.5) < 1e-9
    assert all(0 <= beats.assort(p, n) <= beats.upper(n) + 1e-12 for p in papers[:3] + [BLANK])


@given(votes, st.integers(0, 400), st.integers(0, 100), st.sampled_from([0.25, 0.5, 2 / 3]))
def test_threshold_assorter_mean_is_above_half_exactly_when_the_claim_holds(yes, others, unshown, share):
    shown = yes + others
    n = shown + unshown
    if n == 0 or yes == share * shown:
        return
    for passes in (True, False):
        t = Threshold("yes", "c", share, passes)
        papers = _papers({"yes": yes}, others) + [BLANK] * unshown
        mean = sum(t.assort(p, n) for p in papers) / n
        holds = yes > share * shown if passes else yes < share * shown
        assert (mean > 0.5) == holds
        assert mean == pytest.approx(t.reported_mean(Reported({"yes": yes}, {"c": shown}), n))


def test_top_n_names_a_tie_at_the_cut_and_gives_every_pair():
    cands = [Candidate("a", "g1", 10), Candidate("b", "g1", 8, offset=2), Candidate("c", "g2", 9)]
    tied = top_n("top", cands, 1)
    assert not tied.assertions and "tie" in tied.not_auditable[0]
    two = top_n("top", cands, 2)
    assert {(a.winner, a.loser) for a in two.assertions} == {("a", "c"), ("b", "c")}
    assert [a.offset for a in two.assertions if a.winner == "b"] == [2]


# -- SHANGRLA's worked examples (pbstark/SHANGRLA, shangrla/tests/test_NonnegMean.py) -------------

def test_shangrla_values_at_one_half_give_no_evidence():
    assert alpha_risk([0.5] * 5, 10**6, 1.0, 0.6).risk == pytest.approx(1.0)


@pytest.mark.parametrize("value, papers", [(1.0, 8), (0.75, 14)])
def test_shangrla_sample_sizes_with_a_fixed_alternative(value, papers):
    # eta = 0.75, u = 1, N = 1000, alpha = 0.05: (1.5 x + 0.5 (1 - x))^n passes 20 at n = 8 for x = 1
    # and n = 14 for x = 0.75. A huge d holds ALPHA's estimate at eta0: SHANGRLA's fixed alternative.
    assert alpha_stops_at([value] * 100, 1000, 1.0, 0.75, 0.05, d=10**12) == papers


def test_shangrla_whole_population_seen():
    # N = 7: once every ballot is seen, the mean is known: 4/7 > 1/2 gives risk 0, 3/7 does not,
    # and the two paths agree up to the last value (SHANGRLA's example, with the null at 1/2)
    path = list(alpha_trajectory([1, 0, 1, 1, 0, 0, 1], 7, 1.0, 0.6))
    assert path[-1] == 0.0
    other = list(alpha_trajectory([1, 0, 1, 1, 0, 0, 0], 7, 1.0, 0.6))
    assert other[:-1] == path[:-1] and other[-1] > 0
