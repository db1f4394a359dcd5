"""RFC 6962 Merkle tree hashing (section 2.1): leaf = H(0x00 || d), node = H(0x01 || l || r).

The tree of n leaves splits at the largest power of two smaller than n; this module computes
the same root iteratively, in one pass and O(log n) memory.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962 leaf hash."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_leaf_hashes(hashes: Iterable[bytes]) -> tuple[int, bytes]:
    """Return (tree size, Merkle tree head) over leaf hashes given in order."""
    # stack of (height, hash): perfect subtrees, merged as in a binary counter
    stack: list[tuple[int, bytes]] = []
    size = 0
    for h in hashes:
        size += 1
        height, node = 0, h
        while stack and stack[-1][0] == height:
            _, left = stack.pop()
            node = node_hash(left, node)
            height += 1
        stack.append((height, node))
    if not stack:
        return 0, EMPTY_ROOT
    _, root = stack.pop()
    while stack:  # right-to-left: the unbalanced right edge of the tree
        _, left = stack.pop()
        root = node_hash(left, root)
    return size, root


def merkle_root(leaves: Iterable[bytes]) -> bytes:
    """Merkle tree head of the given leaf data."""
    return root_from_leaf_hashes(leaf_hash(d) for d in leaves)[1]
