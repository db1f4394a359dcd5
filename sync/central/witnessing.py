"""A node as a witness of the others' boards, and as a log collecting its own cosignatures.

:class:`Witnessing` ties :func:`kiosk.contract.witness.judge` to the node's key and package and to its
durable :class:`~sync.central.witness_store.WitnessStore`. It is what the witness routes of
:mod:`sync.central.witness_api` and ``kiosk-central witness`` call.
"""

from __future__ import annotations

from typing import Sequence

from kiosk.contract.board_checkpoint import BoardCheckpoint, parse_checkpoint, sign_checkpoint, witness_name
from kiosk.errors import FormatError, SignatureError
from kiosk.contract.keys import VerifyKey
from kiosk.contract.merkle import EMPTY_ROOT
from kiosk.contract.witness import Cosigned, Refused, Tree, judge, origin_keys, quorum, read_checkpoint
from sync.central.board import Board
from sync.central.witness_store import WitnessStore, witness_path


class Witnessing:
    """One node's witnessing: cosign others' checkpoints, collect cosignatures of its own."""

    def __init__(self, board: Board) -> None:
        node = board.node
        self.board, self.election = board, node.election
        self.keys = origin_keys(node.election, node.mode, node.node_id)
        self.name = witness_name(node.election.fingerprint_hex, node.node_id)
        self.store = WitnessStore(witness_path(node.data_dir, node.mode))

    def close(self) -> None:
        """Close the witness store."""
        self.store.close()

    def cosign(self, note: bytes, old_size: int, proof: Sequence[bytes]) -> Cosigned | Refused:
        """Cosign another node's checkpoint, or refuse it; the new state is stored first."""
        checkpoint = read_checkpoint(note, self.keys)
        if isinstance(checkpoint, Refused):
            return checkpoint
        return self.store.cosign(checkpoint.origin, lambda last: judge(
            last, note, self.keys, old_size, proof, self.board.node.key, self.name))

    def last(self, origin: str) -> Tree | None:
        """The tree this node last cosigned for ``origin``."""
        return self.store.last(origin)

    def _own_root(self, size: int) -> bytes | None:
        if not 0 <= size <= self.board.size():
            return None
        return self.board.tiles.subtree(0, size) if size else EMPTY_ROOT

    def collect(self, note: bytes) -> int:
        """Keep the valid cosignatures on a checkpoint of this node's own board; how many were kept.

        The checkpoint must carry this node's signature and be its board at that size (a
        witness cannot make it show a tree it never had); lines from keys the package does
        not list for another node are ignored.
        """
        node = self.board.node
        try:
            checkpoint = parse_checkpoint(note, self.board.origin, node.key.verify_key)
        except (FormatError, SignatureError):
            return 0
        if self._own_root(checkpoint.tree_size) != checkpoint.root:
            return 0
        tree, kept = Tree(checkpoint.tree_size, checkpoint.root), 0
        for entry in self.election.nodes:
            name = witness_name(self.election.fingerprint_hex, entry.id)
            if entry.id != node.node_id and checkpoint.signed_by(name, VerifyKey.from_hex(entry.key_hex)):
                self.store.collect(tree, next(s for s in checkpoint.signatures if s.name == name))
                kept += 1
        return kept

    def cosigned(self) -> dict:
        """The latest checkpoint with the cosignatures collected, and whether it reaches the quorum."""
        found = self.store.latest_collected()
        if found is None:
            note = self.board.checkpoint()
            checkpoint, cosigners = parse_checkpoint(note, self.board.origin, None), []
        else:
            tree, signatures = found
            # the root was checked against this board when collected: the node signs it again
            own = parse_checkpoint(sign_checkpoint(self.board.node.key, self.board.origin, tree.size, tree.root),
                                   self.board.origin, None)
            checkpoint = BoardCheckpoint(own.origin, tree.size, tree.root, own.signatures + tuple(signatures))
            cosigners = [s.name.rsplit("/", 1)[1] for s in signatures]
        signers, needed = 1 + len(cosigners), quorum(self.election)
        return {"note": checkpoint.note().decode("utf-8"), "tree_size": checkpoint.tree_size,
                "cosigners": cosigners, "signers": signers, "quorum": needed, "quorate": signers >= needed}
