"""Tracking codes on receipts, read back and checked against a board (pure).

A receipt shows :func:`kiosk.contract.batch.tracking_code` of the voter's sealed leaf: the first 10 bytes
of its RFC 6962 leaf hash in base32, in four groups of four. :func:`code_prefix` reads such a code
back (case, spaces and dashes forgiven, as a voter may type them); :func:`check_receipt` decides
whether a board's answer proves the code's ballot is on a signed checkpoint, and says only yes or
"not found": a refused proof and an unknown code look the same, so a check leaks nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Sequence

from kiosk.contract.batch import tracking_code
from kiosk.contract.board_checkpoint import BoardCheckpoint
from kiosk.contract.proofs import verify_inclusion

_CODE = re.compile(r"\A[A-Z2-7]{16}\Z")


def normalise_code(text: str) -> str | None:
    """The canonical ``XXXX-XXXX-XXXX-XXXX`` form of a typed code, or None if it cannot be one.

    Spaces, dashes and case are forgiven, and a zero is read as the letter O (base32 has no 0,
    so the one confusable that can be mapped without ambiguity; 1 could be I or L and is refused).
    """
    letters = re.sub(r"[\s-]", "", text).upper().replace("0", "O")
    if not _CODE.match(letters):
        return None
    return "-".join(letters[i:i + 4] for i in range(0, 16, 4))


def code_prefix(code: str) -> bytes | None:
    """The 10 leaf-hash bytes a tracking code stands for, or None when it is not a code."""
    canonical = normalise_code(code)
    if canonical is None:
        return None
    try:
        return base64.b32decode(canonical.replace("-", ""))
    except (binascii.Error, ValueError):
        return None


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
