"""A whole ballot of an election encrypted for the verifiable count (kiosk/contract/crypto/encrypted_ballot)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from ceremonyhelp import format2_election
from kiosk.contract.crypto import group
from kiosk.contract.crypto.elgamal import DiscreteLog, decrypt_point
from kiosk.contract.crypto.encrypted_ballot import (EncryptedBallot, aggregate_ballots, ballot_bytes, encrypt_ballot,
                                                    encrypted_length, open_with_seed, parse_ballot_bytes,
                                                    shown_options, verify_ballot)
from kiosk.contract.crypto.contest import EncryptedContest
from kiosk.contract.crypto.proofs import Proof
from kiosk.contract.ttabok import ttabok_spec
from kiosk.errors import FormatError, ProofError

ELECTION = format2_election(ttabok_spec(24), "11" * 32)
X = group.SeededScalars(b"ballot key")()
Y = group.mul_base(X)
SEED = bytes(range(32))


def likes(style_id, n):
    contest = ELECTION.contest(ELECTION.style(style_id).contests[0])
    return {contest.id: shown_options(ELECTION, style_id, contest)[:n]}


def test_a_ttabok_ballot_encrypts_only_the_shown_options_and_verifies():
    ballot = encrypt_ballot(Y, ELECTION, "C001", "b-1", likes("C001", 6), SEED)
    (cid, contest), = ballot.contests
    assert cid == "G01" and len(contest.ciphertexts) == 11          # 12 proposals, its own excluded
    parsed = EncryptedBallot.from_json(json.loads(json.dumps(ballot.to_json())), ELECTION, "C001", "b-1")
    assert parsed == ballot
    verify_ballot(Y, ELECTION, parsed)


def test_the_proofs_are_bound_to_ballot_id_and_style():
    ballot = encrypt_ballot(Y, ELECTION, "C001", "b-1", likes("C001", 2), SEED)
    with pytest.raises(ProofError, match="ballot b-2: contest G01 option P002"):
        verify_ballot(Y, ELECTION, EncryptedBallot("C001", "b-2", ballot.contests))
    with pytest.raises(ProofError, match="contest G01"):   # same shown count, another style
        verify_ballot(Y, ELECTION, EncryptedBallot("C002", "b-1", ballot.contests))


def test_a_tampered_proof_names_the_option_by_its_id():
    ballot = encrypt_ballot(Y, ELECTION, "C005", "b-9", likes("C005", 1), SEED)
    (cid, c), = ballot.contests
    proofs = list(c.option_proofs)
    proofs[3] = (Proof(proofs[3][0].c, (proofs[3][0].v + 1) % group.L), proofs[3][1])
    bad = EncryptedBallot("C005", "b-9", ((cid, EncryptedContest(c.ciphertexts, tuple(proofs), c.sum_proof)),))
    # style C005 excludes P005: the fourth shown option is P004
    with pytest.raises(ProofError, match="ballot b-9: contest G01 option P004"):
        verify_ballot(Y, ELECTION, bad)


def test_selections_that_break_the_rules_are_not_encrypted():
    with pytest.raises(ValueError):
        encrypt_ballot(Y, ELECTION, "C001", "b", likes("C001", 7), SEED)
    with pytest.raises(ValueError):
        encrypt_ballot(Y, ELECTION, "C001", "b", {"G01": ["P001"]}, SEED)   # its own proposal


def test_the_benaloh_check_recovers_the_selections_from_the_seed_alone():
    chosen = {"G01": ["P002", "P007", "P012"]}
    ballot = encrypt_ballot(Y, ELECTION, "C001", "b-3", chosen, SEED)
    assert open_with_seed(Y, ELECTION, ballot, SEED) == chosen
    with pytest.raises(ProofError, match="not an encryption with this seed"):
        open_with_seed(Y, ELECTION, ballot, bytes(32))


def test_ballots_of_different_styles_aggregate_by_option():
    ballots = [encrypt_ballot(Y, ELECTION, s, f"b{n}", likes(s, n % 7), bytes([n]) * 32)
               for n, s in enumerate(["C001", "C002", "C003", "C001", "C004", "C012"])]
    agg = aggregate_ballots(ELECTION, ballots)
    expected: dict = {}
    for b, (s, n) in zip(ballots, [("C001", 0), ("C002", 1), ("C003", 2), ("C001", 3), ("C004", 4), ("C012", 5)]):
        for o in shown_options(ELECTION, s, ELECTION.contest("G01")):
            expected[("G01", o)] = expected.get(("G01", o), 0) + (o in likes(s, n)["G01"])
    dl = DiscreteLog(6)
    assert {k: dl.find(decrypt_point(X, ct)) for k, (ct, _) in agg.items()} == expected
    assert agg[("G01", "P001")][1] == 4       # shown on 4 of the 6 ballots (not on C001's two)


def test_a_ballot_missing_a_contest_or_an_option_does_not_parse():
    ballot = encrypt_ballot(Y, ELECTION, "C001", "b-1", likes("C001", 1), SEED).to_json()
    with pytest.raises(FormatError, match="exactly the contests of style C001"):
        EncryptedBallot.from_json({}, ELECTION, "C001", "b-1")
    short = dict(ballot["G01"], ciphertexts=ballot["G01"]["ciphertexts"][:10])
    with pytest.raises(FormatError, match="expected 11 ciphertexts"):
        EncryptedBallot.from_json({"G01": short}, ELECTION, "C001", "b-1")
    with pytest.raises(FormatError, match="not in this election"):
        EncryptedBallot.from_json(ballot, ELECTION, "C999", "b-1")


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(["G01", "ciphertexts", "proofs", "sum_proof", "x"]), c, max_size=4),
                    max_leaves=16))
def test_the_ballot_parser_refuses_junk_with_a_format_error(value):
    with pytest.raises(FormatError):
        EncryptedBallot.from_json(value, ELECTION, "C001", "b")


def test_every_ballot_of_a_style_has_the_same_length_whatever_it_holds():
    from itertools import combinations
    style = "C007"
    shown = shown_options(ELECTION, style, ELECTION.contest("G01"))
    lengths = set()
    for n in (0, 1, 3, 6):
        for chosen in list(combinations(shown, n))[:3]:
            data = ballot_bytes(encrypt_ballot(Y, ELECTION, style, "b", {"G01": list(chosen)}, bytes([n]) * 32))
            lengths.add(len(data))
            assert parse_ballot_bytes(data, ELECTION, style, "b").to_json() == json.loads(data)
    assert lengths == {encrypted_length(ELECTION, style)}
    assert encrypted_length(ELECTION, style) < 65_536          # fits a sealed ballot's field


def test_non_canonical_ballot_bytes_are_refused():
    data = ballot_bytes(encrypt_ballot(Y, ELECTION, "C001", "b", likes("C001", 1), SEED))
    with pytest.raises(FormatError, match="not canonical"):
        parse_ballot_bytes(json.dumps(json.loads(data), indent=1).encode(), ELECTION, "C001", "b")
