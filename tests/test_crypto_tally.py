"""Counting encrypted ballots gives exactly the results of counting the plain ones (kiosk/contract/crypto/tally.py)."""

from __future__ import annotations

import random

from ceremonyhelp import format2_election
from kiosk.contract.crypto import group
from kiosk.contract.crypto.elgamal import DiscreteLog
from kiosk.contract.crypto.encrypted_ballot import encrypt_ballot, shown_options
from kiosk.contract.crypto.tally import aggregates_for, count_from_results
from kiosk.contract.crypto.threshold import Ceremony, combine, election_key, make_trustee, partial_decrypt, \
    secret_key_share
from kiosk.contract.tally_rules import Count, contest_results
from kiosk.contract.ttabok import ttabok_spec

ELECTION = format2_election(ttabok_spec(24), "11" * 32)
CEREMONY = Ceremony(ELECTION.id, 3, 2)
RNG = group.SeededScalars(b"tally")
MADE = [make_trustee(CEREMONY, i, RNG) for i in (1, 2, 3)]
ANNOUNCEMENTS = {a.index: a for _, a in MADE}
Y = election_key(ANNOUNCEMENTS)
SHARES = {s.index: secret_key_share({t.index: t.share_for(s.index) for t, _ in MADE}) for s, _ in MADE}


def cast(per_style: dict[str, int], seed=7):
    rnd = random.Random(seed)
    plain, ballots = Count(), []
    for style, n in per_style.items():
        contest = ELECTION.contest(ELECTION.style(style).contests[0])
        for b in range(n):
            shown = shown_options(ELECTION, style, contest)
            picked = set(rnd.sample(shown, rnd.randint(0, contest.max)))
            chosen = [o for o in shown if o in picked]
            selections = {contest.id: chosen}
            plain.add(ELECTION, style, selections)
            ballots.append(encrypt_ballot(Y, ELECTION, style, f"{style}-{b}", selections, rnd.randbytes(32), RNG))
    return plain, ballots


def decrypt(aggregates, trustees=(1, 3)):
    parts = [partial_decrypt(CEREMONY, i, SHARES[i], aggregates.ciphertexts, aggregates.ballots,
                             ELECTION.privacy_floor, aggregates.context, RNG) for i in trustees]
    dl = DiscreteLog(max(aggregates.ballots, default=0))
    return [dl.find(p) for p in combine(CEREMONY, ANNOUNCEMENTS, aggregates.ciphertexts, parts, aggregates.context)]


def test_the_encrypted_count_equals_the_plain_count_row_for_row():
    # group 1 (C001..C012): 2 ballots per style, every option on >= 10 ballots; group 2: too few
    per_style = {f"C{i:03d}": 2 for i in range(1, 13)} | {"C013": 3, "C014": 2}
    plain, ballots = cast(per_style)
    aggregates = aggregates_for(ELECTION, ballots)
    assert {c for c, _, _, _ in aggregates.items} == {"G01"}          # G02 is below the floor: never decrypted
    assert all(n >= ELECTION.privacy_floor for n in aggregates.ballots)
    count = count_from_results(ELECTION, ballots, aggregates, decrypt(aggregates))
    assert count.ballots_by_style == plain.ballots_by_style and count.ballots_by_contest == plain.ballots_by_contest
    assert count.selections["G01"] == plain.selections["G01"]
    results = contest_results(ELECTION, count)
    assert results == contest_results(ELECTION, plain)      # likes, bonus and score; G02's likes suppressed


def test_a_count_outside_its_aggregate_is_refused():
    import pytest
    per_style = {f"C{i:03d}": 1 for i in range(1, 13)}
    _, ballots = cast(per_style, seed=3)
    aggregates = aggregates_for(ELECTION, ballots)
    assert aggregates.items and all(n == 11 for n in aggregates.ballots)   # each option: the 11 styles showing it
    counts = decrypt(aggregates)
    for bad in (None, 12, -1):
        with pytest.raises(ValueError, match="did not decrypt"):
            count_from_results(ELECTION, ballots, aggregates, [bad] + counts[1:])
