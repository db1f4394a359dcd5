"""RFC 6962 Merkle tree hashing (section 2.1): leaf = H(0x00 || d), node = H(0x01 || l || r).

The tree of n leaves splits at the largest power of two smaller than n; this module computes
the same root iteratively, in one pass and O(log n) memory.
"""

from __future__ import annotations

import hashlib
from itertools import islice
from typing import Iterable

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962 leaf hash."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleFrontier:
    """An RFC 6962 tree that grows one leaf at a time, holding only its perfect subtrees.

    The frontier is a stack of (height, hash) of perfect subtrees, merged as in a binary
    counter: appending is O(log n) and the root is a fold of at most log2(n) hashes, so a node
    can give its board's root after every batch without reading its leaves again.
    """

    def __init__(self, size: int = 0, stack: list[tuple[int, bytes]] | None = None) -> None:
        self.size = size
        self.stack = list(stack or [])

    def append(self, leaf_digest: bytes) -> None:
        """Add the next leaf hash."""
        self.extend((leaf_digest,))

    def extend(self, leaf_digests: Iterable[bytes]) -> None:
        """Add the next leaf hashes, in order."""
        stack, sha256 = self.stack, hashlib.sha256
        for node in leaf_digests:
            self.size += 1
            height = 0
            while stack and stack[-1][0] == height:
                node = sha256(b"\x01" + stack.pop()[1] + node).digest()
                height += 1
            stack.append((height, node))

    def root(self) -> bytes:
        """The Merkle tree head of the leaves appended so far."""
        if not self.stack:
            return EMPTY_ROOT
        root = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):  # right-to-left: the unbalanced right edge
            root = node_hash(left, root)
        return root


CHUNK = 1 << 16   # leaf hashes held at once by root_from_leaf_hashes (a power of two)


def _level_root(level: list[bytes]) -> bytes:
    """RFC 6962 root of a non-empty list of leaf hashes, level by level.

    Pair neighbours, carry an odd last node up unchanged: that is RFC 6962's split at the
    largest power of two (the left subtrees are perfect, the right edge is the carried node),
    computed without a Python call per node.
    """
    sha256 = hashlib.sha256
    while len(level) > 1:
        odd = level[-1] if len(level) % 2 else None
        level = [sha256(b"\x01" + left + right).digest() for left, right in zip(level[::2], level[1::2])]
        if odd is not None:
            level.append(odd)
    return level[0]


def root_from_leaf_hashes(hashes: Iterable[bytes], chunk: int = CHUNK) -> tuple[int, bytes]:
    """Return (tree size, Merkle tree head) over leaf hashes given in order.

    Reads ``chunk`` hashes at a time, so memory stays bounded whatever the size (a national
    roll holds millions of tokens): each full chunk is a perfect subtree, merged with its equal
    neighbour as they come (the sizes of n's binary digits, largest first); the last, partial
    chunk is the rightmost subtree, and the root folds them right to left, as RFC 6962 splits.
    """
    items = iter(hashes)
    stack: list[tuple[int, bytes]] = []      # perfect subtrees (leaves, root), sizes decreasing
    size = 0
    while block := list(islice(items, chunk)):
        size += len(block)
        n, node = len(block), _level_root(block)
        while stack and stack[-1][0] == n:
            n, node = 2 * n, node_hash(stack.pop()[1], node)
        stack.append((n, node))
    if not stack:
        return 0, EMPTY_ROOT
    root = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        root = node_hash(left, root)
    return size, root


def leaf_hashes(leaves: Iterable[bytes]) -> list[bytes]:
    """RFC 6962 leaf hashes of the given leaf data, in order."""
    sha256 = hashlib.sha256
    return [sha256(b"\x00" + d).digest() for d in leaves]


def merkle_root(leaves: Iterable[bytes]) -> bytes:
    """Merkle tree head of the given leaf data."""
    return root_from_leaf_hashes(leaf_hashes(leaves))[1]
