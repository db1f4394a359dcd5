"""Batch headers: the signed header and its chain, and the refusal of a format-1 batch (pure).

Every batch a kiosk sends is ballot format 2 (:mod:`kiosk.contract.sealed_batch`, which builds on the
header here). Its header's fields in common with format 1's, each checked by
:func:`header_from_json`::

    {"count", "cumulative", "election_hex", "format", "kiosk_key_hex", "merkle_root_hex",
     "mode", "number", "polls_closed", "prev_header_hex"}

signed by the kiosk key over the header format's context, 0x00 and canonical(header). The header
hash is SHA-256 of canonical(header); batch 1 links to 32 zero bytes; :func:`check_batch` checks
the election, the kiosk, the signature, the Merkle root and the link to batch N-1.

Format 1 (``"format": "kiosk-batch/1"``, SealedBox ballots with token serials) is gone: a kiosk
from before may still send one, and a node must refuse it by name (``wrong_format``, with a
Korean and English reason in its acknowledgement). :func:`read_format_1_header` reads such a batch
only as far as that refusal needs, its header and the kiosk's signature over it: nothing can
accept, store or count its ballots. Details in docs/formats.md, "Sealed batch".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, ClassVar

from kiosk.contract.canonical import canonical_bytes, from_b64url, from_hex, parse_json
from kiosk.errors import FormatError
from kiosk.contract.keys import VerifyKey
from kiosk.contract.merkle import merkle_root

FORMAT_1_BATCH_FORMAT = "kiosk-batch/1"   # only to be refused
HEADER_FORMAT = "kiosk-batch-header/1"    # format 1's header; format 2's adds two fields
HEADER_CONTEXT = "kiosk-batch-header/1"
NO_PREVIOUS = bytes(32)
MODES = ("official", "test")
MAX_NUMBER = 2**31


@dataclass(frozen=True)
class BatchHeader:
    """The signed header of a sealed batch."""

    election_hex: str
    kiosk_key_hex: str
    mode: str
    number: int
    prev_header_hex: str
    count: int
    cumulative: int
    merkle_root_hex: str
    polls_closed: bool
    context: ClassVar[str] = HEADER_CONTEXT  # what the kiosk's header signature starts with

    def to_json(self) -> dict:
        """The header object, as it is signed and hashed."""
        return {"count": self.count, "cumulative": self.cumulative, "election_hex": self.election_hex,
                "format": HEADER_FORMAT, "kiosk_key_hex": self.kiosk_key_hex,
                "merkle_root_hex": self.merkle_root_hex, "mode": self.mode, "number": self.number,
                "polls_closed": self.polls_closed, "prev_header_hex": self.prev_header_hex}

    def encoded(self) -> bytes:
        """Canonical bytes of the header: what the signature covers (encoded once: the fields are frozen)."""
        cached = self.__dict__.get("_encoded")
        if cached is None:
            cached = canonical_bytes(self.to_json())
            object.__setattr__(self, "_encoded", cached)
        return cached

    def hash(self) -> bytes:
        """SHA-256 of the canonical header: what the next batch links to."""
        return hashlib.sha256(self.encoded()).digest()


@dataclass(frozen=True)
class SignedHeader:
    """A batch read only as far as its header and the kiosk's signature over it: no ballots.

    What :func:`read_format_1_header` gives for a format-1 batch (refused, never counted), and
    what the node's chain checks take when the ballots are not needed.
    """

    header: BatchHeader
    signature: bytes
    ballots: tuple = ()


def _fields(value: Any, keys: set[str], what: str) -> dict:
    if not isinstance(value, dict):
        raise FormatError(f"{what} must be an object")
    if set(value) != keys:
        missing, extra = sorted(keys - set(value)), sorted(set(value) - keys)
        raise FormatError(f"{what} has missing fields {missing} or unknown fields {extra}")
    return value


def _count(value: Any, what: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_NUMBER:
        raise FormatError(f"{what} must be a whole number from {low} to {MAX_NUMBER}")
    return value


def header_from_json(value: Any) -> BatchHeader:
    """Check and read a parsed header object (FormatError naming the first problem)."""
    d = _fields(value, {"count", "cumulative", "election_hex", "format", "kiosk_key_hex", "merkle_root_hex",
                        "mode", "number", "polls_closed", "prev_header_hex"}, "header")
    if d["format"] != HEADER_FORMAT:
        raise FormatError(f"the batch header has format {str(d['format'])[:40]!r}; this version reads "
                          f"{HEADER_FORMAT!r}", hint="update the software that reads this batch")
    for name in ("election_hex", "kiosk_key_hex", "merkle_root_hex", "prev_header_hex"):
        from_hex(d[name], f"header.{name}", 32)
    if d["mode"] not in MODES:
        raise FormatError("header.mode must be official or test")
    if not isinstance(d["polls_closed"], bool):
        raise FormatError("header.polls_closed must be true or false")
    header = BatchHeader(d["election_hex"], d["kiosk_key_hex"], d["mode"], _count(d["number"], "header.number", 1),
                         d["prev_header_hex"], _count(d["count"], "header.count", 0),
                         _count(d["cumulative"], "header.cumulative", 0), d["merkle_root_hex"], d["polls_closed"])
    if header.cumulative < header.count:
        raise FormatError("header.cumulative is smaller than header.count")
    if header.number == 1 and (header.cumulative != header.count or header.prev_header_hex != NO_PREVIOUS.hex()):
        raise FormatError("batch 1 must link to 32 zero bytes and have cumulative = count")
    return header


def _canonical_text(value: Any) -> bytes | None:
    """The canonical JSON of an already parsed value (C-encoded); None when it cannot be encoded."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError):  # a lone surrogate
        return None


def read_format_1_header(data: bytes) -> SignedHeader:
    """A format-1 batch's header and signature, for its refusal only (FormatError when even they do not parse).

    Its ballots are not read: a format-1 batch is refused (``wrong_format``) once its header
    signature shows which kiosk sent it, so the acknowledgement can name batch and kiosk.
    """
    top = read_top(data, {"ballots", "format", "header", "header_sig_b64"}, FORMAT_1_BATCH_FORMAT)
    return SignedHeader(header_from_json(top["header"]), header_signature(top))


def read_top(data: bytes, fields: set[str], batch_format: str) -> dict:
    """A batch file's top object: strict JSON, exactly ``fields``, the ``format`` this reader reads."""
    try:  # the common case without a Python call per object; a refusal is named by parse_json
        top = json.loads(data.decode("utf-8"), parse_float=_no_number, parse_constant=_no_number)
    except (UnicodeDecodeError, ValueError, RecursionError):
        top = parse_json(data, "the batch")
    top = _fields(top, fields, "the batch")
    if top["format"] != batch_format:
        raise FormatError(f"the batch has format {str(top['format'])[:40]!r}; this version reads {batch_format!r}",
                          hint="update the software that reads this batch")
    return top


def header_signature(top: dict) -> bytes:
    """The 64-byte ``header_sig_b64`` of a batch's top object."""
    signature = from_b64url(top["header_sig_b64"], "header_sig_b64")
    if len(signature) != 64:
        raise FormatError("header_sig_b64 must be a 64-byte signature")
    return signature


def _no_number(text: str) -> Any:
    raise ValueError(f"{text} is not allowed")


@dataclass(frozen=True)
class BatchProblem:
    """Why a parsed batch does not verify. ``code`` is a stable id (acknowledgements carry it)."""

    code: str
    detail: str


def check_batch(batch: Any, election_hex: str, kiosk_key: VerifyKey,
                previous: BatchHeader | None) -> list[BatchProblem]:
    """Every reason a batch does not verify as a link of its kiosk's chain; empty when it does.

    ``batch`` has a ``header``, the kiosk's ``signature`` over it and ``ballots`` (each with its
    Merkle ``leaf()``). ``previous`` is the header of batch ``number - 1`` from the same kiosk and
    mode (None for batch 1): the caller finds it; a batch whose predecessor is missing is not
    checked here. The ballots' own signatures and proofs are :mod:`kiosk.contract.ballot`'s.
    """
    h, out = batch.header, []
    if h.election_hex != election_hex:
        out.append(BatchProblem("wrong_election", "the batch names another election"))
    if h.kiosk_key_hex != kiosk_key.hex:
        out.append(BatchProblem("wrong_kiosk", "the batch names another kiosk key"))
    elif not kiosk_key.is_valid(h.context, h.encoded(), batch.signature):
        out.append(BatchProblem("bad_header_signature", "the header signature does not verify"))
    if merkle_root(b.leaf() for b in batch.ballots).hex() != h.merkle_root_hex:
        out.append(BatchProblem("merkle_root_mismatch", "the Merkle root does not match the ballots"))
    if previous is not None:
        if (previous.number + 1, previous.mode) != (h.number, h.mode):
            out.append(BatchProblem("not_linked", f"batch {h.number} does not follow batch {previous.number}"))
        elif h.prev_header_hex != previous.hash().hex():
            out.append(BatchProblem("not_linked", f"batch {h.number} does not link to batch {previous.number}'s header"))
        elif h.cumulative != previous.cumulative + h.count:
            out.append(BatchProblem("cumulative_mismatch", "cumulative count does not add up"))
    elif h.number != 1:
        out.append(BatchProblem("not_linked", f"batch {h.number} has no previous batch to link to"))
    return out
