"""The node's one acceptance function, ``acceptance.judge``, called directly (pure: facts in, verdict out).

Every refusal the node makes is :func:`sync.central.acceptance.judge`'s: a judge that accepted
everything fails here, and so do the node tests that go through HTTP.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest

from centralhelp import make_kiosk, serial_of, signed_batch
from kiosk.contract.batch import BatchHeader, SealedBatch, ballot_leaves, parse_batch
from kiosk.contract.keys import SigningKey, save_signing_key
from kiosk.contract.merkle import leaf_hashes
from kiosk.contract.tokens import token_refs
from sync.central import acceptance as acc
from sync.central.node import NODE_KEY, CentralNode


@dataclass
class Board:
    """What a store would answer: a plain table of accepted headers, and spent tokens by kiosk."""

    accepted: dict[tuple[str, int], BatchHeader] = field(default_factory=dict)
    spent: dict[bytes, frozenset[str]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    roll: dict[bytes, tuple[str, str]] = field(default_factory=dict)
    election_fp: bytes = b""

    def kiosk_facts(self, header: BatchHeader) -> acc.KioskFacts:
        self.asked.append("kiosk")
        same = self.accepted.get((header.kiosk_key_hex, header.number))
        return acc.KioskFacts(acc.HeldBatch(same.hash(), True) if same else None,
                              self.accepted.get((header.kiosk_key_hex, header.number - 1)))

    def token_facts(self, batch: SealedBatch) -> acc.TokenFacts:
        self.asked.append("tokens")
        refs = tuple(token_refs(self.election_fp, [b.serial for b in batch.ballots]))
        return acc.TokenFacts(refs, {r: self.roll.get(r) for r in refs}, {r: self.spent[r] for r in refs
                                                                          if r in self.spent})


@pytest.fixture
def setting(central, tmp_path):
    save_signing_key(tmp_path / "n1" / NODE_KEY, central.node_keys["n1"])
    kiosk = make_kiosk(central, tmp_path / "k")
    node = CentralNode(central.directory, tmp_path / "n1")
    roll = {r: entry for r, entry in node.roll.lookup_many(
        token_refs(central.election.fingerprint, [serial_of(p) for _, p in central.official[:6]])).items()}
    yield central, kiosk, node, roll
    node.close()


def judged(node, body: bytes, board: Board) -> acc.Verdict:
    batch = parse_batch(body)
    board.election_fp = node.election.fingerprint
    return acc.judge(batch, node.context(), leaf_hashes(ballot_leaves(body, batch)), board)


def test_a_good_batch_is_accepted_and_a_repeat_is_a_duplicate(setting):
    central, kiosk, node, roll = setting
    ballots = [(style, serial_of(p)) for style, p in central.official[:3]]
    body = signed_batch(kiosk, central.election, ballots)
    board = Board(roll=roll)
    assert judged(node, body, board).verdict == acc.ACCEPTED
    assert board.asked == ["kiosk", "tokens"]
    header = parse_batch(body).header
    board.accepted[(header.kiosk_key_hex, 1)] = header
    assert judged(node, body, board).verdict == acc.DUPLICATE


def test_every_kind_of_bad_batch_is_refused_with_its_reason(setting):
    central, kiosk, node, roll = setting
    good = [(style, serial_of(p)) for style, p in central.official[:3]]
    stranger = SigningKey.generate()
    cases = {
        "wrong_election": signed_batch(kiosk, central.election, good).replace(
            central.election.fingerprint_hex.encode(), b"ab" * 32),
        "wrong_mode": signed_batch(kiosk, central.election, good, mode="test"),
        "unknown_kiosk": signed_batch(kiosk, central.election, good, key=stranger),
        "not_on_roll": signed_batch(kiosk, central.election, good + [(good[0][0], os.urandom(16))]),
        "token_twice_in_batch": signed_batch(kiosk, central.election, good + [good[0]]),
    }
    for reason, body in cases.items():
        board = Board(roll=roll)
        verdict = judged(node, body, board)
        assert (verdict.verdict, verdict.reason) == (acc.REJECTED, reason), reason
        if reason in ("wrong_election", "wrong_mode", "unknown_kiosk"):
            assert board.asked == []  # refused before the store is asked anything


def test_an_early_batch_is_held_and_the_roll_is_not_read(setting):
    central, kiosk, node, roll = setting
    first = parse_batch(signed_batch(kiosk, central.election, [(s, serial_of(p)) for s, p in central.official[:2]]))
    body = signed_batch(kiosk, central.election, [(s, serial_of(p)) for s, p in central.official[2:4]], number=2,
                        previous=first.header)
    board = Board(roll=roll)
    assert judged(node, body, board).verdict == acc.HELD
    assert board.asked == ["kiosk"]


def test_a_token_this_kiosk_spent_rejects_and_another_kiosks_is_a_double_use(setting):
    central, kiosk, node, roll = setting
    ballots = [(style, serial_of(p)) for style, p in central.official[:3]]
    body = signed_batch(kiosk, central.election, ballots)
    kiosk_hex = parse_batch(body).header.kiosk_key_hex
    ref = token_refs(central.election.fingerprint, [ballots[1][1]])[0]
    verdict = judged(node, body, Board(roll=roll, spent={ref: frozenset({kiosk_hex})}))
    assert (verdict.verdict, verdict.reason) == (acc.REJECTED, "token_already_spent")
    verdict = judged(node, body, Board(roll=roll, spent={ref: frozenset({"cd" * 32})}))
    assert (verdict.verdict, verdict.double_use) == (acc.ACCEPTED, (ref,))
