"""The witness core: cosign what extends the cosigned tree, refuse forks, rollbacks and bad proofs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.contract.board_checkpoint import board_origin, parse_checkpoint, sign_checkpoint, witness_name
from kiosk.contract.keys import SigningKey
from kiosk.contract.merkle import leaf_hash, root_from_leaf_hashes
from kiosk.contract.proofs import consistency_proof
from kiosk.contract.witness import Cosigned, Refused, Tree, judge

LOG, WITNESS, OTHER = SigningKey(bytes(32)), SigningKey(bytes([1]) * 32), SigningKey(bytes([2]) * 32)
ORIGIN = board_origin("ab" * 32, "official", "n1")
KEYS = {ORIGIN: LOG.verify_key}
NAME = witness_name("ab" * 32, "n2")
LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(40)]
FORKED = LEAVES[:5] + [leaf_hash(b"other %d" % i) for i in range(35)]


def tree(leaves: list[bytes], size: int) -> Tree:
    return Tree(*root_from_leaf_hashes(leaves[:size]))


def note(leaves: list[bytes], size: int, key: SigningKey = LOG) -> bytes:
    return sign_checkpoint(key, ORIGIN, size, tree(leaves, size).root)


def proof(leaves: list[bytes], old: int, new: int) -> list[bytes]:
    return consistency_proof(old, new, lambda a, b: root_from_leaf_hashes(leaves[a:b])[1])


def witness(last: Tree | None, leaves: list[bytes], old: int, new: int, key: SigningKey = LOG):
    return judge(last, note(leaves, new, key), KEYS, old, proof(leaves, old, new), WITNESS, NAME)


def test_first_and_later_checkpoints_are_cosigned_with_a_verifying_line():
    first = witness(None, LEAVES, 0, 7)
    assert isinstance(first, Cosigned) and first.tree == tree(LEAVES, 7)
    later = witness(first.tree, LEAVES, 7, 30)
    assert isinstance(later, Cosigned) and later.tree == tree(LEAVES, 30)
    parsed = parse_checkpoint(later.checkpoint.note(), ORIGIN, LOG.verify_key)
    assert parsed.signed_by(NAME, WITNESS.verify_key) and later.signature.line() in later.checkpoint.note().decode()
    again = witness(later.tree, LEAVES, 30, 30)  # the same tree again is cosigned again
    assert isinstance(again, Cosigned) and again.checkpoint.note() == later.checkpoint.note()


def test_the_same_size_with_another_root_is_a_fork():
    assert witness(tree(LEAVES, 20), FORKED, 20, 20) == Refused(
        "fork", "a second root for size 20: the node shows two histories", 20)


def test_a_larger_tree_that_does_not_extend_the_cosigned_one_is_not_consistent():
    found = witness(tree(LEAVES, 20), FORKED, 20, 30)
    assert isinstance(found, Refused) and (found.reason, found.cosigned_size) == ("not_consistent", 20)


def test_a_rollback_is_refused():
    found = witness(tree(LEAVES, 20), LEAVES, 0, 10)
    assert isinstance(found, Refused) and (found.reason, found.cosigned_size) == ("older_than_cosigned", 20)


def test_a_bad_proof_a_bad_signature_an_unknown_origin_and_a_wrong_old_size_are_refused():
    last = tree(LEAVES, 12)
    good = proof(LEAVES, 12, 30)
    bad = [good[0][:-1] + bytes([good[0][-1] ^ 1])] + good[1:]
    reasons = [
        judge(last, note(LEAVES, 30), KEYS, 12, bad, WITNESS, NAME),
        judge(last, note(LEAVES, 30), KEYS, 12, good[:-1], WITNESS, NAME),
        witness(last, LEAVES, 12, 30, key=OTHER),
        judge(last, sign_checkpoint(LOG, board_origin("cd" * 32, "official", "n1"), 30, last.root), KEYS, 12, good,
              WITNESS, NAME),
        witness(last, LEAVES, 11, 30),
        judge(last, b"not a note", KEYS, 12, good, WITNESS, NAME),
    ]
    assert [r.reason for r in reasons] == ["not_consistent", "not_consistent", "bad_signature", "unknown_origin",
                                           "wrong_old_size", "malformed"]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(0, 40), st.integers(0, 40))
def test_cosigned_exactly_when_the_new_tree_extends_the_cosigned_one(last_size, new_size, fork_at):
    """Property: with an honest proof the witness cosigns iff the histories agree up to last_size."""
    history = LEAVES[:fork_at] + [leaf_hash(b"fork %d" % i) for i in range(40 - fork_at)]
    last = tree(LEAVES, last_size)
    old = last_size if new_size >= last_size else 0
    found = witness(last, history, old, new_size)
    agrees = new_size >= last_size and fork_at >= last_size
    assert isinstance(found, Cosigned) == agrees
    if not agrees:
        expected = ("older_than_cosigned" if new_size < last_size else "fork" if new_size == last_size
                    else "not_consistent")
        assert found.reason == expected
