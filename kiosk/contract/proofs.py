"""Merkle inclusion and consistency proofs for the bulletin board (RFC 9162 section 2.1; pure).

Generation walks the same splits as RFC 6962's recursive PATH and SUBPROOF definitions, but over
index ranges and through a ``subtree(start, end)`` function that gives MTH(D[start:end]), so the
caller decides where hashes come from (the node's stored tiles, a list in a test). Verification
follows RFC 9162 sections 2.1.3.2 and 2.1.4.2: it needs only the proof, the sizes and the roots,
and answers True or False (an altered proof is an expected outcome, not a bug). Every hash given
to a verifier (leaf, roots, proof) must be 32 bytes; any other length is refused, the empty one
included. A consistency proof from the empty tree to a larger one is refused as RFC 9162 2.1.4.2
says (an empty path fails, and there is no non-empty one): the empty tree is a prefix of every
tree, so a caller that starts from nothing (a witness's first cosignature) decides that itself.
The published transparency-dev/merkle vectors run against both in tests/test_merkle_vectors.py.

:class:`TiledHashes` answers ``subtree`` from hashes kept at every 8th height (leaf hashes at
height 0, then the roots of aligned perfect subtrees of 256, 65,536, ... leaves), so a proof in
a tree of millions of leaves reads a few thousand hashes instead of all of them.
"""

from __future__ import annotations

from typing import Callable, Sequence

from kiosk.contract.merkle import EMPTY_ROOT, node_hash

HASH_BYTES = 32
TILE_HEIGHT = 8  # heights kept: 0, 8, 16, ... (a tile of 256 hashes folds into one above it)
MAX_PROOF_HASHES = 64

Subtree = Callable[[int, int], bytes]
ReadHashes = Callable[[int, int, int], Sequence[bytes]]  # (height, first index, end index) -> hashes


def split_point(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2): where RFC 6962 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of the first ``size`` leaves, leaf side first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path, lo, hi = [], 0, size
    while hi - lo > 1:
        k = split_point(hi - lo)
        if index < lo + k:
            path.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            path.append(subtree(lo, lo + k))
            lo += k
    return path[::-1]  # collected root side first; a verifier starts at the leaf


def consistency_proof(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """The proof that the first ``old_size`` leaves are a prefix of the first ``new_size``."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    path, lo, hi, m, whole = [], 0, new_size, old_size, True
    while m != hi - lo:
        k = split_point(hi - lo)
        if m <= k:
            path.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            path.append(subtree(lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    if not whole:  # the old tree is not a left subtree of the new one: its last piece is needed
        path.append(subtree(lo, hi))
    return path[::-1]


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_BYTES


def _valid_hashes(proof: Sequence[bytes]) -> bool:
    return len(proof) <= MAX_PROOF_HASHES and all(_is_hash(p) for p in proof)


def root_from_inclusion(leaf_digest: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2), or None when it cannot be one."""
    if not 0 <= index < size or not _is_hash(leaf_digest) or not _valid_hashes(proof):
        return None
    fn, sn, r = index, size - 1, leaf_digest
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:  # climb past the levels where this node has no sibling
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(leaf_digest: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """True when ``proof`` shows leaf ``index`` of the tree of ``size`` leaves with head ``root``."""
    return _is_hash(root) and root_from_inclusion(leaf_digest, index, size, proof) == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """True when ``proof`` shows the tree (old_size, old_root) is a prefix of (new_size, new_root)."""
    if not 0 <= old_size <= new_size or not (_is_hash(old_root) and _is_hash(new_root) and _valid_hashes(proof)):
        return False
    if old_size == 0:  # only 0 -> 0 holds here; from the empty tree to more, RFC 9162 has no proof
        return new_size == 0 and not proof and old_root == new_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def fold_perfect(hashes: Sequence[bytes]) -> bytes:
    """The root of a perfect subtree given its 2**k bottom hashes in order."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


class TiledHashes:
    """MTH of any leaf range, from the hashes kept at heights 0, 8, 16, ... (see the module doc)."""

    def __init__(self, read: ReadHashes) -> None:
        self.read = read

    def perfect(self, height: int, index: int) -> bytes:
        """The root of the aligned perfect subtree of 2**height leaves starting at index * 2**height."""
        kept = height - height % TILE_HEIGHT
        span = 1 << (height - kept)
        found = self.read(kept, index * span, (index + 1) * span)
        if len(found) != span:
            raise LookupError(f"the board has no subtree at height {height}, index {index}")
        return fold_perfect(found)

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for 0 <= start < end."""
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self.perfect(n.bit_length() - 1, start // n)
        k = split_point(n)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))


def tiles_at(height: int, old_size: int, new_size: int, read: ReadHashes) -> list[tuple[int, bytes]]:
    """(index, hash) of the nodes at a kept ``height`` (8, 16, ...) completed between the sizes.

    ``read`` must already see the hashes one kept height below, including those just added:
    a store writes the leaf hashes, then height 8's new nodes, then height 16's, and so on.
    """
    span = 1 << height
    below = height - TILE_HEIGHT
    out = []
    for index in range(old_size // span, new_size // span):
        found = read(below, index << TILE_HEIGHT, (index + 1) << TILE_HEIGHT)
        out.append((index, fold_perfect(found)))
    return out
