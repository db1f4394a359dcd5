"""A node's public bulletin board: signed checkpoints, leaves by range, proofs (read-only).

Everything here reads what :class:`sync.central.node.CentralNode` already recorded: the board
only grows, and its leaf hashes and tiles are written in the same transaction as the leaves, so
a proof for any size up to the current one can be served without locking out new batches.
Expected outcomes (an unknown leaf, a size the board has not reached) are None, never errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.board_checkpoint import board_origin, sign_checkpoint
from kiosk.contract.proofs import TiledHashes, consistency_proof, inclusion_proof
from kiosk.contract.tracking import code_prefix, normalise_code, tracking_code
from sync.central.node import CentralNode

MAX_LEAVES_PER_REQUEST = 1000


@dataclass(frozen=True)
class Inclusion:
    """Where a leaf stands on the board and the proof of it in a tree of ``tree_size`` leaves."""

    leaf_index: int
    tree_size: int
    proof: list[bytes]


class Board:
    """The board of one node, as the public sees it."""

    def __init__(self, node: CentralNode) -> None:
        self.node = node
        self.origin = board_origin(node.election.fingerprint_hex, node.mode, node.node_id)
        self.tiles = TiledHashes(node.store.board_hashes)

    def checkpoint(self) -> bytes:
        """The current checkpoint note, signed by the node key."""
        size, root = self.node.store.checkpoint()
        return sign_checkpoint(self.node.key, self.origin, size, root)

    def size(self) -> int:
        """How many leaves the board holds now."""
        return self.node.store.checkpoint()[0]

    def leaves(self, start: int, end: int) -> list[bytes] | None:
        """The leaves [start, end) as the kiosks sealed them (canonical JSON), or None if out of range."""
        if not 0 <= start < end or end - start > MAX_LEAVES_PER_REQUEST or end > self.size():
            return None
        return [leaf.ballot.leaf() for leaf in self.node.store.leaves_at(list(range(start, end)))]

    def find(self, leaf_digest: bytes) -> int | None:
        """The index of the leaf with this hash, or None."""
        found = [i for i, h in self.node.store.leaf_hashes_with_prefix(leaf_digest) if h == leaf_digest]
        return found[0] if found else None

    def find_code(self, code: str) -> bytes | None:
        """The leaf hash a receipt's tracking code stands for (the first on the board if two ballots
        share its 45 bits, so neither voter is told "not found"), or None."""
        prefix, canonical = code_prefix(code), normalise_code(code)
        if prefix is None:
            return None
        found = [h for _, h in self.node.store.leaf_hashes_with_prefix(prefix) if tracking_code(h) == canonical]
        return found[0] if found else None

    def inclusion(self, leaf_digest: bytes, tree_size: int) -> Inclusion | None:
        """The inclusion proof of a leaf in the board's first ``tree_size`` leaves, or None."""
        index = self.find(leaf_digest)
        if index is None or not index < tree_size <= self.size():
            return None
        return Inclusion(index, tree_size, inclusion_proof(index, tree_size, self.tiles.subtree))

    def consistency(self, first: int, second: int) -> list[bytes] | None:
        """The proof that the board's first ``first`` leaves are a prefix of its first ``second``."""
        if not 0 <= first <= second <= self.size():
            return None
        return consistency_proof(first, second, self.tiles.subtree)
