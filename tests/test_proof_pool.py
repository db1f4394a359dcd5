"""Encrypted ballots' proofs checked on a pool of processes (sync/central/proof_pool.py)."""

from __future__ import annotations

import json

from ceremonyhelp import format2_election
from kiosk.contract.crypto import group
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot, shown_options
from kiosk.contract.ttabok import ttabok_spec
from sync.central.proof_pool import check_all

ELECTION = format2_election(ttabok_spec(24), "11" * 32)
Y = group.mul_base(group.SeededScalars(b"pool")())


def items(n):
    out = []
    for b in range(n):
        style = ELECTION.styles[b % len(ELECTION.styles)].id
        contest = ELECTION.contest(ELECTION.style(style).contests[0])
        chosen = shown_options(ELECTION, style, contest)[:b % 5]
        out.append((style, f"b{b}", ballot_bytes(encrypt_ballot(Y, ELECTION, style, f"b{b}", {contest.id: chosen},
                                                                bytes([b]) * 32))))
    return out


def test_good_ballots_pass_and_every_bad_one_is_named_with_one_or_two_workers():
    good = items(24)
    bad = list(good)
    bad[3] = (bad[3][0], "b-other", bad[3][2])                               # proofs bound to another id
    body = json.loads(bad[9][2])
    contest = next(iter(body))
    body[contest]["proofs"][0][0][1] = body[contest]["proofs"][0][1][1]      # a response swapped
    bad[9] = (bad[9][0], bad[9][1], json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    bad[17] = (bad[17][0], bad[17][1], bad[17][2] + b" ")                    # not canonical
    bad[20] = ("C999", bad[20][1], bad[20][2])
    assert check_all(Y, ELECTION, good, workers=1) == [] and check_all(Y, ELECTION, good, workers=2, chunk=5) == []
    one = check_all(Y, ELECTION, bad, workers=1)
    assert one == check_all(Y, ELECTION, bad, workers=2, chunk=4)
    assert [n for n, _ in one] == [3, 9, 17, 20]
    assert one[0][1].startswith("ballot b-other: contest") and "option" in one[1][1]
    assert "not canonical" in one[2][1] and "C999" in one[3][1]
