"""The node's decision on a batch of format 2, ``acceptance.judge``, called directly (facts in, verdict out).

The facts are plain tables (a roll by token key, spenders, accepted headers); the signatures and
proofs are checked by the node's real pool (:func:`sync.central.proof_pool.check_sealed_all`).
The node-level tests go through HTTP and the stores (tests/test_node.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest

from ceremonyhelp import format2_body, format2_election
from kiosk.contract.ballot import SEALED_BALLOT_CONTEXT, SealedBallot, seal_ballot, token_signing_key
from kiosk.contract.batch import BatchHeader
from kiosk.contract.sealed_batch import SealedBatch, SpoiledBallot, build_batch
from kiosk.contract.crypto import group
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot
from kiosk.contract.election import parse_election
from kiosk.contract.keys import SigningKey
from kiosk.contract.merkle import leaf_hashes
from kiosk.contract.roster import Roster, RosterEntry
from kiosk.contract.ttabok import ttabok_spec
from sync.central import acceptance as acc
from sync.central.proof_pool import check_sealed_all

ELECTION = format2_election(ttabok_spec(24), "11" * 32)
Y = group.mul_base(group.SeededScalars(b"acceptance v2")())
KIOSK, OTHER = SigningKey(bytes(range(32))), SigningKey(bytes(range(1, 33)))
SERIALS = [bytes([i]) * 16 for i in range(1, 9)]
KEYS = [token_signing_key(ELECTION.fingerprint, s).verify_key.raw for s in SERIALS]
ROSTER = Roster(ELECTION.fingerprint_hex, (RosterEntry("S-0001", KIOSK.verify_key.hex, 0),
                                           RosterEntry("S-0002", OTHER.verify_key.hex, 0)))
CTX = acc.NodeContext(ELECTION, "official", ROSTER)


def ballot(n: int, style: str = "C001", kiosk: SigningKey = KIOSK, chosen=("P002",), ballot_id: bytes | None = None,
           serial: bytes | None = None) -> SealedBallot:
    ballot_id = ballot_id or os.urandom(16)
    encrypted = ballot_bytes(encrypt_ballot(Y, ELECTION, style, ballot_id.hex(), {"G01": list(chosen)}, os.urandom(32)))
    return seal_ballot(kiosk, ELECTION, serial or SERIALS[n], ballot_id, style, encrypted)


@dataclass
class Facts:
    """What a store and the roll would answer, as plain tables; the proofs checked for real."""

    roll: dict = field(default_factory=lambda: {k: ("official", "C001") for k in KEYS})
    spent: dict = field(default_factory=dict)
    held: dict = field(default_factory=dict)  # token key -> the ballot this kiosk already sent
    accepted: dict = field(default_factory=dict)
    asked: list = field(default_factory=list)

    def kiosk_facts(self, header: BatchHeader) -> acc.KioskFacts:
        self.asked.append("kiosk")
        same = self.accepted.get((header.kiosk_key_hex, header.number))
        return acc.KioskFacts(acc.HeldBatch(same.hash(), True) if same else None,
                              self.accepted.get((header.kiosk_key_hex, header.number - 1)))

    def token_facts(self, batch: SealedBatch) -> acc.TokenFacts:
        self.asked.append("tokens")
        keys = [b.token_key for b in batch.ballots] + [s.ballot.token_key for s in batch.spoiled]
        return acc.TokenFacts({k: self.roll.get(k) for k in keys}, {k: self.spent[k] for k in keys if k in self.spent},
                              frozenset(b.token_key for b in batch.ballots if self.held.get(b.token_key) == b))

    def ballot_failures(self, batch: SealedBatch) -> list[acc.BallotFailure]:
        self.asked.append("proofs")
        kiosk = batch.header.kiosk_key_hex
        items = [(kiosk, b) for b in batch.ballots] + [(kiosk, s.ballot) for s in batch.spoiled]
        return [acc.BallotFailure(*f) for f in check_sealed_all(Y, ELECTION, items)]


def judged(batch: SealedBatch, facts: Facts | None = None) -> acc.Verdict:
    return acc.judge(batch, CTX, leaf_hashes([b.leaf() for b in batch.ballots]), facts or Facts())


def batch_of(ballots, spoiled=(), key: SigningKey = KIOSK, number: int = 1, previous=None) -> SealedBatch:
    return build_batch(key, ELECTION.fingerprint_hex, "official", number, previous, ballots, spoiled, False)


def test_a_good_batch_with_a_spoiled_ballot_is_accepted_and_its_token_may_still_be_cast():
    spoiled = SpoiledBallot(ballot(0, chosen=("P005",)), bytes(32))
    facts = Facts()
    verdict = judged(batch_of([ballot(0), ballot(1), ballot(2, chosen=())], [spoiled]), facts)
    assert (verdict.verdict, verdict.double_use) == (acc.ACCEPTED, ())
    assert facts.asked == ["kiosk", "tokens", "proofs"]


@pytest.mark.parametrize("facts, reason", [
    (Facts(roll={}), "not_on_roll"),
    (Facts(roll={k: ("test", "C001") for k in KEYS}), "not_on_roll"),
    (Facts(roll={k: ("official", "C002") for k in KEYS}), "not_on_roll"),
    (Facts(spent={KEYS[1]: frozenset({KIOSK.verify_key.hex})}), "token_already_spent"),
])
def test_the_roll_and_spent_tokens_are_checked_before_any_proof(facts, reason):
    verdict = judged(batch_of([ballot(0), ballot(1)]), facts)
    assert (verdict.verdict, verdict.reason) == (acc.REJECTED, reason)
    assert "proofs" not in facts.asked                     # a cheap refusal costs no proof check


def test_a_spoiled_ballot_off_the_roll_is_refused_too():
    stray = SpoiledBallot(ballot(0, serial=os.urandom(16)), bytes(32))
    assert judged(batch_of([ballot(1)], [stray])).reason == "not_on_roll"


def test_one_token_key_twice_among_cast_ballots_is_refused():
    assert judged(batch_of([ballot(0), ballot(0)])).reason == "token_twice_in_batch"


def test_the_same_ballot_again_from_the_same_kiosk_is_one_ballot_and_another_kiosks_use_is_a_double_use():
    again = ballot(0)
    mine = Facts(spent={KEYS[0]: frozenset({KIOSK.verify_key.hex})}, held={KEYS[0]: again})
    assert judged(batch_of([again, ballot(1)]), mine).verdict == acc.ACCEPTED
    theirs = Facts(spent={KEYS[2]: frozenset({OTHER.verify_key.hex})})
    verdict = judged(batch_of([ballot(2), ballot(3)]), theirs)
    assert (verdict.verdict, verdict.double_use) == (acc.ACCEPTED, (KEYS[2],))


def test_issue_21_a_roster_kiosk_with_the_boards_token_keys_cannot_replace_a_vote():
    """The attacker holds a roster kiosk's key and every token key the board shows, but no serial."""
    victim = ballot(3)                                            # on the board: its token key is public
    forged_id = os.urandom(16)
    encrypted = ballot_bytes(encrypt_ballot(Y, ELECTION, "C001", forged_id.hex(), {"G01": ["P003"]}, os.urandom(32)))
    own_token = token_signing_key(ELECTION.fingerprint, os.urandom(16))  # a signature it can make
    half = SealedBallot(forged_id, "C001", encrypted, victim.token_key, b"", b"")
    half = SealedBallot(forged_id, "C001", encrypted, victim.token_key,
                        own_token.sign("kiosk-token-ballot/2", half.token_message()), b"")
    forged = SealedBallot(half.ballot_id, half.style, half.encrypted, half.token_key, half.token_sig,
                          OTHER.sign(SEALED_BALLOT_CONTEXT, half.kiosk_message()))
    facts = Facts(spent={victim.token_key: frozenset({KIOSK.verify_key.hex})})
    verdict = judged(batch_of([forged], key=OTHER), facts)
    assert (verdict.verdict, verdict.reason) == (acc.REJECTED, "bad_token_signature")
    assert forged.ballot_id.hex() in verdict.detail and "token's signature" in verdict.detail
    assert verdict.double_use == ()                               # refused whole: nothing set aside


def test_a_ballot_signed_by_another_kiosk_and_a_ballot_whose_proofs_fail_are_refused_and_named():
    assert judged(batch_of([ballot(0), ballot(1, kiosk=OTHER)])).reason == "bad_ballot_signature"
    good = ballot(2)
    moved_id = os.urandom(16)                                      # proofs bound to another ballot id
    moved = seal_ballot(KIOSK, ELECTION, SERIALS[2], moved_id, "C001", good.encrypted)
    verdict = judged(batch_of([ballot(0), moved]))
    assert verdict.reason == "bad_proof" and moved_id.hex() in verdict.detail


def test_the_first_failing_ballot_in_file_order_names_the_verdict():
    bad = [ballot(1, kiosk=OTHER), seal_ballot(KIOSK, ELECTION, SERIALS[2], os.urandom(16), "C001",
                                               ballot(2).encrypted)]
    batch = batch_of([ballot(0)] + bad)
    first = min((b for b in batch.ballots if b.token_key != KEYS[0]), key=lambda b: b.ballot_id)
    verdict = judged(batch)
    assert first.ballot_id.hex() in verdict.detail


def test_wrong_lengths_unknown_styles_and_changed_roots_are_refused():
    short = ballot(0)
    short = seal_ballot(KIOSK, ELECTION, SERIALS[0], short.ballot_id, "C001", short.encrypted[:-1])
    assert judged(batch_of([short])).reason == "bad_encrypted_length"
    odd = seal_ballot(KIOSK, ELECTION, SERIALS[0], os.urandom(16), "C999", ballot(0).encrypted)
    assert judged(batch_of([odd])).reason == "unknown_style"
    b = batch_of([ballot(0)], [SpoiledBallot(ballot(1), bytes(32))])
    dropped = SealedBatch(b.header, b.signature, b.ballots, ())
    assert judged(dropped).reason == "spoiled_root_mismatch"
    swapped = SealedBatch(b.header, b.signature, (ballot(0),), b.spoiled)
    assert judged(swapped).reason == "merkle_root_mismatch"


def test_the_chain_rules():
    first = batch_of([ballot(0)])
    second = batch_of([ballot(1)], number=2, previous=first.header)
    assert judged(second).verdict == acc.HELD
    facts = Facts(accepted={(KIOSK.verify_key.hex, 1): first.header})
    assert judged(second, facts).verdict == acc.ACCEPTED
    assert judged(first, facts).verdict == acc.DUPLICATE
    assert judged(batch_of([ballot(2)]), facts).reason == "conflicting_batch"
    stranger = batch_of([ballot(0)], key=SigningKey(bytes(32)))
    assert judged(stranger).reason == "unknown_kiosk"


def test_a_ballot_style_bound_to_other_stations_is_refused_at_the_node():
    """Issue 21: the package's optional ``stations`` per style; the roster names the sending kiosk's station."""
    from kiosk.contract.crypto.encrypted_ballot import encrypted_length
    bound = format2_body(ttabok_spec(24), "11" * 32)
    bound["styles"] = [dict(s, stations=["S-0002"]) if s["id"] == "C001" else s for s in bound["styles"]]
    election = parse_election(bound)
    ctx = acc.NodeContext(election, "official", ROSTER)
    assert acc.style_not_here(ctx, KIOSK.verify_key.hex, "C001").reason == "style_not_here"   # S-0001
    assert acc.style_not_here(ctx, OTHER.verify_key.hex, "C001") is None                        # S-0002
    assert acc.style_not_here(ctx, KIOSK.verify_key.hex, "C002") is None                        # not bound
    facts = Facts()
    lengths = {s.id: encrypted_length(election, s.id) for s in election.styles}
    verdict = acc.judge_tokens(batch_of([ballot(0)]), ctx, lengths,
                               facts.token_facts(batch_of([ballot(0)])))
    assert (verdict.verdict, verdict.reason) == (acc.REJECTED, "style_not_here") and "S-0001" in verdict.detail


def test_the_wrong_election_or_mode_and_an_unknown_kiosk_are_refused_before_the_store_is_asked():
    cases = {"wrong_election": build_batch(KIOSK, "ab" * 32, "official", 1, None, [ballot(0)], (), False),
             "wrong_mode": build_batch(KIOSK, ELECTION.fingerprint_hex, "test", 1, None, [ballot(0)], (), False),
             "unknown_kiosk": batch_of([ballot(0)], key=SigningKey(bytes(32)))}
    for reason, batch in cases.items():
        facts = Facts()
        assert judged(batch, facts).reason == reason
        assert facts.asked == []


def test_an_early_batch_is_held_and_neither_the_roll_nor_the_proofs_are_read():
    first = batch_of([ballot(0)])
    facts = Facts()
    assert judged(batch_of([ballot(1)], number=2, previous=first.header), facts).verdict == acc.HELD
    assert facts.asked == ["kiosk"]
