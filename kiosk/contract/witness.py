"""Witnessing another node's board: cosign a checkpoint or refuse it, with a reason (pure).

In the manner of C2SP tlog-witness: a witness remembers, per origin, the last checkpoint it
cosigned (tree size and root). It cosigns a new checkpoint only when the log's own signature
verifies with the key the election package lists, and a consistency proof shows the tree it
cosigned last is a prefix of the new one. Whatever else it is shown is refused with a reason,
as a value (a fork is an expected outcome here, not a bug):

==========================  ===========================================================
``malformed``               not a checkpoint note at all
``unknown_origin``          not the board of a node the package lists (or the witness's own)
``bad_signature``           the log's signature does not verify with the package's key
``older_than_cosigned``     a smaller tree than the one already cosigned (a rollback)
``fork``                    the same size as the one cosigned, with another root
``wrong_old_size``          the proof starts from another size than the cosigned one
                            (C2SP's conflict: ask again from ``cosigned_size``)
``not_consistent``          the proof does not show the cosigned tree is a prefix of the
                            new one (a fork further back, or a bad proof)
==========================  ===========================================================

The caller keeps the state durably and must store the new state before the cosignature
leaves (see :mod:`sync.central.witness_store`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from kiosk.contract.board_checkpoint import BoardCheckpoint, NoteSignature, board_origin, cosign, parse_checkpoint
from kiosk.contract.election import Election
from kiosk.errors import FormatError, SignatureError
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.contract.merkle import EMPTY_ROOT
from kiosk.contract.proofs import verify_consistency

REASONS = ("malformed", "unknown_origin", "bad_signature", "older_than_cosigned", "fork",
           "wrong_old_size", "not_consistent")


@dataclass(frozen=True)
class Tree:
    """A tree head: how many leaves, and the root."""

    size: int
    root: bytes


EMPTY_TREE = Tree(0, EMPTY_ROOT)


@dataclass(frozen=True)
class Cosigned:
    """The witness cosigned: the checkpoint (with the new line) and the witness's signature line."""

    checkpoint: BoardCheckpoint
    signature: NoteSignature

    @property
    def tree(self) -> Tree:
        """The tree the witness now remembers for this origin."""
        return Tree(self.checkpoint.tree_size, self.checkpoint.root)


@dataclass(frozen=True)
class Refused:
    """The witness refused; ``reason`` is one of :data:`REASONS`, ``cosigned_size`` what it holds."""

    reason: str
    detail: str
    cosigned_size: int | None = None


def origin_keys(election: Election, mode: str, witness_node_id: str | None = None) -> dict[str, VerifyKey]:
    """The board origin of every node of the package (but the witness itself) and its key."""
    return {board_origin(election.fingerprint_hex, mode, n.id): VerifyKey.from_hex(n.key_hex)
            for n in election.nodes if n.id != witness_node_id}


def quorum(election: Election) -> int:
    """How many of the package's nodes must sign a checkpoint (its own node included): a majority."""
    return len(election.nodes) // 2 + 1


def read_checkpoint(note: bytes, keys: Mapping[str, VerifyKey]) -> BoardCheckpoint | Refused:
    """The checkpoint, its log signature checked with the package's key, or why it cannot be."""
    try:
        checkpoint = parse_checkpoint(note, None, None)
    except FormatError as e:
        return Refused("malformed", str(e))
    key = keys.get(checkpoint.origin)
    if key is None:
        return Refused("unknown_origin", f"{checkpoint.origin[:120]} is not a board this witness follows")
    try:
        return parse_checkpoint(note, checkpoint.origin, key)
    except SignatureError as e:
        return Refused("bad_signature", str(e))


def _extends(last: Tree, new: Tree, proof: Sequence[bytes]) -> bool:
    """True when ``proof`` shows ``last`` is a prefix of the larger ``new``; the empty tree needs none."""
    if last.size == 0:  # a prefix of every tree (RFC 9162 has no proof from it, so none is taken)
        return not proof and last.root == EMPTY_ROOT
    return verify_consistency(last.size, new.size, last.root, new.root, proof)


def judge(last: Tree | None, note: bytes, keys: Mapping[str, VerifyKey], old_size: int,
          proof: Sequence[bytes], key: SigningKey, name: str) -> Cosigned | Refused:
    """Cosign ``note`` under ``name`` with ``key``, or refuse it (see the module doc).

    ``last`` is the tree this witness cosigned last for the note's origin (None: never; then
    the proof is from the empty tree, i.e. ``old_size`` 0 and no hashes).
    """
    checkpoint = read_checkpoint(note, keys)
    if isinstance(checkpoint, Refused):
        return checkpoint
    last = last or EMPTY_TREE
    new = Tree(checkpoint.tree_size, checkpoint.root)
    if new.size < last.size:
        return Refused("older_than_cosigned", f"{new.size} leaves, but {last.size} were already cosigned", last.size)
    if new.size == last.size and new.root != last.root:
        return Refused("fork", f"a second root for size {new.size}: the node shows two histories", last.size)
    if new.size > last.size and old_size != last.size:
        return Refused("wrong_old_size", f"the proof is from {old_size}; this witness cosigned {last.size}",
                       last.size)
    if new.size > last.size and not _extends(last, new, proof):
        return Refused("not_consistent", f"the tree of {last.size} cosigned is not shown to be a prefix "
                                         f"of the new one of {new.size} (a fork, or a bad proof)", last.size)
    try:
        cosigned = cosign(checkpoint, key, name)
    except ValueError as e:  # already 16 other signature lines: no room for this witness's
        return Refused("malformed", str(e), last.size)
    return Cosigned(cosigned, cosigned.signatures[-1])
