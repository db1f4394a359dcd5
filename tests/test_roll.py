"""The token roll: Merkle root (checked against a naive RFC 6962), freezing, tampering."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.errors import FormatError
from kiosk.contract.merkle import EMPTY_ROOT, MerkleFrontier, leaf_hashes, merkle_root
from kiosk.contract.minting import mint_tokens
from ceremonyhelp import format2_package
from kiosk.contract.roll import ROLL_FILE, RollFrozen
from kiosk.contract.ttabok import ttabok_spec


def naive_mth(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 6962 section 2.1."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(leaves[:k]) + naive_mth(leaves[k:])).digest()


def test_merkle_root_matches_rfc6962_for_every_size_up_to_130():
    leaves = [bytes([i % 256, i // 256]) for i in range(130)]
    for n in range(131):
        assert merkle_root(leaves[:n]) == naive_mth(leaves[:n]), n
    assert merkle_root([]) == EMPTY_ROOT


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=300))
def test_merkle_root_matches_rfc6962_on_random_leaves(leaves):
    assert merkle_root(leaves) == naive_mth(leaves)


@pytest.mark.parametrize("chunk", [1, 2, 4, 8, 16])
def test_the_root_read_in_chunks_equals_the_naive_root(chunk):
    """Memory stays bounded by reading leaf hashes a chunk at a time; the root must not change."""
    from kiosk.contract.merkle import root_from_leaf_hashes

    leaves = [bytes([i % 256, i // 256]) for i in range(131)]
    for n in range(0, 131):
        hashes = leaf_hashes(leaves[:n])
        assert root_from_leaf_hashes(iter(hashes), chunk) == (n, naive_mth(leaves[:n]) if n else EMPTY_ROOT), n


def test_the_frontier_grown_in_batches_matches_rfc6962_at_every_size():
    leaves = [bytes([i % 256, i // 256]) for i in range(70)]
    frontier, digests = MerkleFrontier(), leaf_hashes(leaves)
    for start in range(0, 70, 7):  # extend by 3, append one, extend by 3
        frontier.extend(digests[start:start + 3])
        frontier.append(digests[start + 3])
        frontier.extend(digests[start + 4:start + 7])
        assert (frontier.size, frontier.root()) == (start + 7, naive_mth(leaves[:start + 7])), start


def test_freeze_then_no_more_minting(tmp_path):
    package = format2_package(tmp_path / "e", ttabok_spec(4))[0]
    mint_tokens(package, [("C001", 3), ("C002", 2)], "official")
    roll = package.roll()
    root = roll.freeze(package.authority_key())
    assert root.size == 5 and root.counts == {"official": 5, "test": 0}
    assert roll.frozen and roll.verify()
    roll.close()
    with pytest.raises(RollFrozen):
        mint_tokens(package, [("C001", 1)], "official")


def test_root_does_not_depend_on_minting_order(tmp_path):
    package = format2_package(tmp_path / "e", ttabok_spec(4))[0]
    entries = [(bytes([i]) * 32, "official", f"C00{1 + i % 4}") for i in range(20)]
    roll = package.roll()
    roll.add(entries[10:])
    roll.add(entries[:10])
    size, root = roll.compute_root()
    roll.close()
    package2 = format2_package(tmp_path / "f", ttabok_spec(4))[0]
    roll2 = package2.roll()
    roll2.add(entries)
    assert roll2.compute_root() == (size, root)
    roll2.close()


def frozen_roll_then(tmp_path, sql: str, args: tuple = ()):
    """A package with three frozen tokens whose roll file is then changed behind its back by ``sql``."""
    package = format2_package(tmp_path / "e", ttabok_spec(4))[0]
    mint_tokens(package, [("C001", 3)], "official")
    roll = package.roll()
    roll.freeze(package.authority_key())
    roll.close()
    db = sqlite3.connect(tmp_path / "e" / ROLL_FILE)
    db.execute(sql, args)
    db.commit()
    db.close()
    return package.roll()


def test_a_row_added_after_freezing_is_noticed(tmp_path):
    roll = frozen_roll_then(tmp_path, "INSERT INTO entries VALUES (?, 'official', 'C002')", (b"\x01" * 32,))
    with pytest.raises(FormatError, match="changed after freezing"):
        roll.frozen
    roll.close()


def test_an_edited_row_fails_verify(tmp_path):
    roll = frozen_roll_then(tmp_path, "UPDATE entries SET style = 'C004' WHERE ref = (SELECT min(ref) FROM entries)")
    assert roll.frozen and not roll.verify()
    roll.close()
