"""Tracking codes on receipts, read back and checked against a board (pure).

A receipt shows :func:`kiosk.contract.tracking.tracking_code` of the voter's sealed leaf (ten
characters, the last a check, read back by :func:`kiosk.contract.tracking.parse_code`); :func:`check_receipt` decides
whether a board's answer proves the code's ballot is on a signed checkpoint, and says only yes or
"not found": a refused proof and an unknown code look the same, so a check leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from kiosk.contract.board_checkpoint import BoardCheckpoint
from kiosk.contract.proofs import verify_inclusion
from kiosk.contract.tracking import normalise_code, tracking_code


@dataclass(frozen=True)
class ReceiptFound:
    """The code's ballot is on the board: at ``leaf_index`` of the signed checkpoint."""

    code: str
    leaf_hash: bytes
    leaf_index: int
    tree_size: int
    root: bytes


@dataclass(frozen=True)
class ReceiptNotFound:
    """The code could not be shown on a signed checkpoint (whatever the reason: nothing more is said)."""

    code: str


def check_receipt(code: str, checkpoint: BoardCheckpoint | None, leaf_hash: bytes | None, leaf_index: int | None,
                  proof: Sequence[bytes] | None) -> ReceiptFound | ReceiptNotFound:
    """Decide a receipt check from a verified checkpoint and the board's answer (any may be missing)."""
    canonical = normalise_code(code) or code
    if checkpoint is None or leaf_hash is None or leaf_index is None or proof is None:
        return ReceiptNotFound(canonical)
    if tracking_code(leaf_hash) != canonical:
        return ReceiptNotFound(canonical)
    if not verify_inclusion(leaf_hash, leaf_index, checkpoint.tree_size, proof, checkpoint.root):
        return ReceiptNotFound(canonical)
    return ReceiptFound(canonical, leaf_hash, leaf_index, checkpoint.tree_size, checkpoint.root)
