"""Board proofs against a naive RFC 6962 section 2.1 implementation, and altered proofs fail.

The naive functions below are the RFC's recursive definitions of MTH, PATH and PROOF/SUBPROOF
written over Python lists, as plainly as possible; :mod:`kiosk.contract.proofs` must produce exactly the
same hashes, for every tree size up to 300 and every index and old size in it.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.contract.merkle import EMPTY_ROOT, leaf_hash, merkle_root, node_hash
from kiosk.contract.proofs import (TILE_HEIGHT, TiledHashes, consistency_proof, inclusion_proof, tiles_at,
                          verify_consistency, verify_inclusion)


# -- RFC 6962 section 2.1, straight from the text ------------------------------------------------
MTH_CACHE: dict[tuple[bytes, int], bytes] = {}


def mth(d: list[bytes]) -> bytes:
    # cached on (first leaf, length): the test trees' leaves are distinct, so that names a slice,
    # and the exhaustive comparison stays fast without changing the definition
    key = (d[0], len(d)) if d else (b"", 0)
    if key not in MTH_CACHE:
        MTH_CACHE[key] = _mth(d)
    return MTH_CACHE[key]


def _mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hash(d[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    return subproof(m, d, True)


# -- a cheap subtree source for the code under test -------------------------------------------
LEAVES = [i.to_bytes(2, "big") for i in range(300)]
HASHES = [leaf_hash(x) for x in LEAVES]


def memo_subtree(hashes: list[bytes]):
    memo: dict[tuple[int, int], bytes] = {}

    def subtree(start: int, end: int) -> bytes:
        if (start, end) not in memo:
            if end - start == 1:
                memo[start, end] = hashes[start]
            else:
                k = 1
                while k * 2 < end - start:
                    k *= 2
                memo[start, end] = node_hash(subtree(start, start + k), subtree(start + k, end))
        return memo[start, end]
    return subtree


SUBTREE = memo_subtree(HASHES)


def test_every_size_and_index_up_to_300_matches_the_rfc_definitions():
    roots = {n: SUBTREE(0, n) for n in range(1, 301)}
    for n in (1, 2, 3, 7, 8, 9, 100, 255, 256, 257, 300):
        assert roots[n] == mth(LEAVES[:n]) == merkle_root(LEAVES[:n])
    for n in range(1, 301):
        d = LEAVES[:n]
        for m in range(n):
            got = inclusion_proof(m, n, SUBTREE)
            assert got == path(m, d), (m, n)
            assert verify_inclusion(HASHES[m], m, n, got, roots[n]), (m, n)
        for m in range(1, n + 1):
            got = consistency_proof(m, n, SUBTREE)
            assert got == proof(m, d), (m, n)
            assert verify_consistency(m, n, roots[m], roots[n], got), (m, n)
        assert consistency_proof(0, n, SUBTREE) == [] and not verify_consistency(0, n, EMPTY_ROOT, roots[n], [])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])  # RFC 9162 has no proof from 0 to more


def test_random_larger_trees_match_the_rfc_definitions():
    rng = random.Random(6962)
    for _ in range(6):
        n = rng.randrange(301, 2000)
        d = [i.to_bytes(4, "big") for i in range(n)]
        subtree = memo_subtree([leaf_hash(x) for x in d])
        root = mth(d)
        for m in (rng.randrange(n) for _ in range(4)):
            assert inclusion_proof(m, n, subtree) == path(m, d)
            assert verify_inclusion(leaf_hash(d[m]), m, n, path(m, d), root)
            if m:
                assert consistency_proof(m, n, subtree) == proof(m, d)
                assert verify_consistency(m, n, mth(d[:m]), root, proof(m, d))


def test_tiled_hashes_give_the_same_subtrees():
    n = 70_000  # past one tile of tiles (65,536) so heights 8 and 16 are both used
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    kept: dict[int, list[bytes]] = {0: hashes}
    for height in (8, 16):
        kept[height] = [h for _, h in tiles_at(height, 0, n, lambda ht, a, b: kept[ht][a:b])]
    assert len(kept[8]) == n >> 8 and len(kept[16]) == 1
    tiled = TiledHashes(lambda ht, a, b: kept[ht][a:b])
    reference = memo_subtree(hashes)
    for start, end in ((0, n), (0, 65_536), (65_536, n), (256, 512), (1000, 1001), (0, 300), (65_536, 65_537)):
        assert tiled.subtree(start, end) == reference(start, end), (start, end)
    for m in (0, 255, 256, 65_535, 65_536, n - 1):
        assert inclusion_proof(m, n, tiled.subtree) == inclusion_proof(m, n, reference)
    assert consistency_proof(65_536, n, tiled.subtree) == consistency_proof(65_536, n, reference)
    assert TILE_HEIGHT == 8


def test_tiles_grow_in_steps_like_all_at_once():
    hashes = HASHES + [leaf_hash(b"x" + i.to_bytes(2, "big")) for i in range(300)]
    grown: list[bytes] = []
    size = 0
    for step in (1, 254, 2, 300, 43):
        grown += [h for _, h in tiles_at(8, size, size + step, lambda ht, a, b: hashes[a:b])]
        size += step
    assert grown == [h for _, h in tiles_at(8, 0, size, lambda ht, a, b: hashes[a:b])]


# -- every altered proof fails ---------------------------------------------------------------
ROOTS = {n: SUBTREE(0, n) for n in range(1, 301)}
ROOTS[0] = EMPTY_ROOT
sizes = st.integers(1, 300)


def flip(proof_hashes: list[bytes], which: int, bit: int) -> list[bytes]:
    out = list(proof_hashes)
    h = bytearray(out[which])
    h[bit // 8] ^= 1 << (bit % 8)
    out[which] = bytes(h)
    return out


# A proof alone does not bind the tree size (sizes with the same path shape compute alike): the
# signed checkpoint binds size to root. So a wrong size or index is checked against the honest
# root of that size, as a verifier holding that size's checkpoint would.
@settings(max_examples=300, deadline=None)
@given(sizes, st.data())
def test_altered_inclusion_proofs_fail(n, data):
    m = data.draw(st.integers(0, n - 1))
    good = inclusion_proof(m, n, SUBTREE)
    assert verify_inclusion(HASHES[m], m, n, good, ROOTS[n])
    bad = [(m, n, good + [data.draw(st.binary(min_size=32, max_size=32))])]
    if good:
        bad.append((m, n, flip(good, data.draw(st.integers(0, len(good) - 1)), data.draw(st.integers(0, 255)))))
        bad.append((m, n, good[:-1]))
    for other in {data.draw(st.integers(0, 299)), m - 1, m + 1} - {m}:
        bad.append((other, n, good))
    for other_n in {data.draw(sizes), n - 1, n + 1} - {n, 0, 301}:
        bad.append((m, other_n, good))
    for index, size, altered in bad:
        assert not verify_inclusion(HASHES[m], index, size, altered, ROOTS.get(size, ROOTS[n])), (index, size)
    assert not verify_inclusion(HASHES[(m + 1) % 300], m, n, good, ROOTS[n])


@settings(max_examples=300, deadline=None)
@given(sizes, st.data())
def test_altered_consistency_proofs_fail(n, data):
    m = data.draw(st.integers(1, n))
    good = consistency_proof(m, n, SUBTREE)
    assert verify_consistency(m, n, ROOTS[m], ROOTS[n], good)
    bad = [(m, n, good + [data.draw(st.binary(min_size=32, max_size=32))])]
    if good:
        bad.append((m, n, flip(good, data.draw(st.integers(0, len(good) - 1)), data.draw(st.integers(0, 255)))))
        bad.append((m, n, good[:-1]))
        bad.append((m, n, good[1:]))
    for other_m in {data.draw(sizes), m - 1, m + 1} - {m, 0, 301}:
        bad.append((other_m, n, good))
    for other_n in {data.draw(sizes), n - 1, n + 1} - {n, 0, 301}:
        bad.append((m, other_n, good))
    for old, new, altered in bad:
        assert not verify_consistency(old, new, ROOTS[old], ROOTS[new], altered), (old, new)
    if m < n:  # a forked history: the same old size, another old root
        assert not verify_consistency(m, n, flip([ROOTS[m]], 0, 3)[0], ROOTS[n], good)
