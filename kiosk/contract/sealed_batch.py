"""Sealed batches (ballot format 2): encrypted ballots signed by their token's key, and spoiled ballots (pure).

What leaves a kiosk (issues 14 and 21), exactly the canonical JSON (no trailing newline) of::

    {"ballots": [SEALED BALLOT/2, ...],           strictly increasing ballot_id
     "format": "kiosk-batch/2",
     "header": {"count", "cumulative", "election_hex", "format": "kiosk-batch-header/2",
                "kiosk_key_hex", "merkle_root_hex", "mode", "number", "polls_closed",
                "prev_header_hex", "spoiled", "spoiled_root_hex"},
     "header_sig_b64": Ed25519 by the kiosk key over "kiosk-batch-header/2" 0x00 || canonical(header),
     "spoiled": [{"ballot": SEALED BALLOT/2, "nonce_seed_b64": 32 bytes}, ...]}   strictly increasing ballot_id

SEALED BALLOT/2 is :class:`kiosk.contract.ballot.SealedBallot` (token key, token signature,
kiosk signature over an encrypted ballot; never a serial, never the selections). Its canonical
JSON is a Merkle leaf; ``merkle_root_hex`` is the RFC 6962 root over the cast ballots in file
order (these are the board's leaves) and ``spoiled_root_hex`` the root over the spoiled entries'
canonical JSON. A spoiled ballot is one the voter chose to check (Benaloh): its nonce seed lets
anyone open it; it never counts and never spends its token. The header's common fields, the chain and the
sorted order (which reveals no casting order) are :mod:`kiosk.contract.batch`'s.

:func:`parse_batch` is strict and needs no election: anything but exactly this shape, in
exactly these bytes, is a :class:`FormatError` naming the first problem. What depends on the
election (the style exists, the encrypted ballot's length, the proofs, the roll) is the node's
(:mod:`sync.central.acceptance`). Details in docs/formats.md, "Sealed batch, format 2".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Sequence

from kiosk.contract.ballot import FIELDS as BALLOT_FIELDS, SealedBallot
from kiosk.contract.batch import (HEADER_FORMAT, NO_PREVIOUS, BatchHeader, BatchProblem, SignedHeader, _canonical_text,
                                  _count, _fields, check_batch, header_from_json, header_signature,
                                  read_format_1_header, read_top)
from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, from_hex, parse_json
from kiosk.contract.election import ID_PATTERN
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.contract.merkle import merkle_root
from kiosk.errors import FormatError

BATCH_FORMAT = "kiosk-batch/2"
SEALED_HEADER_FORMAT = SEALED_HEADER_CONTEXT = "kiosk-batch-header/2"
MAX_ENCRYPTED_BYTES = 1 << 20  # the node checks the style's exact length; this bounds what is decoded first
SEED_BYTES = 32  # kiosk.contract.crypto.encrypted_ballot's nonce seed
_TOP_FIELDS = frozenset({"ballots", "format", "header", "header_sig_b64", "spoiled"})
_SPOILED_FIELDS = frozenset({"ballot", "nonce_seed_b64"})


@dataclass(frozen=True)
class SealedBatchHeader(BatchHeader):
    """The signed header of a batch: the common fields plus the spoiled ballots' count and root."""

    spoiled: int
    spoiled_root_hex: str
    context: ClassVar[str] = SEALED_HEADER_CONTEXT

    def to_json(self) -> dict:
        """The header object, as it is signed and hashed."""
        return dict(super().to_json(), format=SEALED_HEADER_FORMAT, spoiled=self.spoiled,
                    spoiled_root_hex=self.spoiled_root_hex)


@dataclass(frozen=True)
class SpoiledBallot:
    """A ballot the voter checked instead of casting: the sealed ballot and the seed of its nonces."""

    ballot: SealedBallot
    nonce_seed: bytes

    def to_json(self) -> dict:
        """The entry in the batch's ``spoiled`` list."""
        return {"ballot": self.ballot.to_json(), "nonce_seed_b64": b64url(self.nonce_seed)}

    def leaf(self) -> bytes:
        """Leaf data of the spoiled ballots' Merkle tree: canonical JSON of the entry."""
        return canonical_bytes(self.to_json())


@dataclass(frozen=True)
class SealedBatch:
    """A parsed or built format-2 batch: header, signature, cast and spoiled ballots, each in id order."""

    header: SealedBatchHeader
    signature: bytes
    ballots: tuple[SealedBallot, ...]
    spoiled: tuple[SpoiledBallot, ...]


def build_batch(key: SigningKey, election_hex: str, mode: str, number: int, previous: BatchHeader | None,
                ballots: Sequence[SealedBallot], spoiled: Sequence[SpoiledBallot],
                   polls_closed: bool) -> SealedBatch:
    """Make and sign batch ``number`` (any order in: both lists are put in ballot_id order)."""
    cast = tuple(sorted(ballots, key=lambda b: b.ballot_id))
    checked = tuple(sorted(spoiled, key=lambda s: s.ballot.ballot_id))
    header = SealedBatchHeader(
        election_hex=election_hex, kiosk_key_hex=key.verify_key.hex, mode=mode, number=number,
        prev_header_hex=(previous.hash() if previous else NO_PREVIOUS).hex(), count=len(cast),
        cumulative=(previous.cumulative if previous else 0) + len(cast),
        merkle_root_hex=merkle_root(b.leaf() for b in cast).hex(), polls_closed=polls_closed,
        spoiled=len(checked), spoiled_root_hex=merkle_root(s.leaf() for s in checked).hex())
    return SealedBatch(header, key.sign(SEALED_HEADER_CONTEXT, header.encoded()), cast, checked)


def encode_batch(batch: SealedBatch) -> bytes:
    """The batch file's bytes."""
    return canonical_bytes({"ballots": [b.to_json() for b in batch.ballots], "format": BATCH_FORMAT,
                            "header": batch.header.to_json(), "header_sig_b64": b64url(batch.signature),
                            "spoiled": [s.to_json() for s in batch.spoiled]})


def sealed_header_from_json(value: Any) -> SealedBatchHeader:
    """Check and read a parsed header object (FormatError naming the first problem)."""
    d = _fields(value, {"count", "cumulative", "election_hex", "format", "kiosk_key_hex", "merkle_root_hex", "mode",
                        "number", "polls_closed", "prev_header_hex", "spoiled", "spoiled_root_hex"}, "header")
    if d["format"] != SEALED_HEADER_FORMAT:
        raise FormatError(f"the batch header has format {str(d['format'])[:40]!r}; this version reads "
                          f"{SEALED_HEADER_FORMAT!r}", hint="update the software that reads this batch")
    common = {k: v for k, v in d.items() if k not in ("spoiled", "spoiled_root_hex")}
    h = header_from_json(dict(common, format=HEADER_FORMAT))  # the common fields' rules
    from_hex(d["spoiled_root_hex"], "header.spoiled_root_hex", 32)
    return SealedBatchHeader(h.election_hex, h.kiosk_key_hex, h.mode, h.number, h.prev_header_hex, h.count, h.cumulative,
                             h.merkle_root_hex, h.polls_closed, _count(d["spoiled"], "header.spoiled", 0),
                         d["spoiled_root_hex"])


def _ballot(value: Any, what: str) -> SealedBallot:
    d = _fields(value, set(BALLOT_FIELDS), what)
    if not isinstance(d["style"], str) or not ID_PATTERN.match(d["style"]):
        raise FormatError(f"{what}.style is not a ballot style id")
    encrypted = from_b64url(d["encrypted_b64"], f"{what}.encrypted_b64")
    if not 0 < len(encrypted) <= MAX_ENCRYPTED_BYTES:
        raise FormatError(f"{what}.encrypted_b64 must hold 1 to {MAX_ENCRYPTED_BYTES} bytes")
    sigs = []
    for name in ("token_sig_b64", "sig_b64"):
        sigs.append(from_b64url(d[name], f"{what}.{name}"))
        if len(sigs[-1]) != 64:
            raise FormatError(f"{what}.{name} must be a 64-byte signature")
    return SealedBallot(from_hex(d["ballot_id_hex"], f"{what}.ballot_id_hex", 16), d["style"], encrypted,
                        from_hex(d["token_key_hex"], f"{what}.token_key_hex", 32), sigs[0], sigs[1])


def _spoiled(value: Any, what: str) -> SpoiledBallot:
    d = _fields(value, set(_SPOILED_FIELDS), what)
    seed = from_b64url(d["nonce_seed_b64"], f"{what}.nonce_seed_b64")
    if len(seed) != SEED_BYTES:
        raise FormatError(f"{what}.nonce_seed_b64 must be a {SEED_BYTES}-byte seed")
    return SpoiledBallot(_ballot(d["ballot"], f"{what}.ballot"), seed)


def _increasing(ids: list[bytes], what: str) -> None:
    if any(a >= b for a, b in zip(ids, ids[1:])):
        raise FormatError(f"the {what} are not in strictly increasing ballot_id order")


def parse_batch(data: bytes) -> SealedBatch:
    """Parse batch file bytes strictly; raises only :class:`FormatError`.

    Every field is checked to be the one text of its value (lowercase hex of the right length,
    canonical unpadded base64url, a style id, a whole number), so the file is canonical exactly
    when the parsed value, encoded again as canonical JSON, gives back the same bytes: one
    C-accelerated ``json.dumps`` instead of building every object again. A duplicate key, a float,
    white space, an escape or another key order all come out different.
    """
    if not isinstance(data, bytes):
        raise FormatError("a batch is bytes")
    top = read_top(data, set(_TOP_FIELDS), BATCH_FORMAT)
    header = sealed_header_from_json(top["header"])
    signature = header_signature(top)
    for name in ("ballots", "spoiled"):
        if not isinstance(top[name], list):
            raise FormatError(f"{name} must be a list")
    ballots = tuple(_ballot(b, f"ballots[{i}]") for i, b in enumerate(top["ballots"]))
    spoiled = tuple(_spoiled(s, f"spoiled[{i}]") for i, s in enumerate(top["spoiled"]))
    if len(ballots) != header.count:
        raise FormatError(f"the header counts {header.count} ballots, the batch holds {len(ballots)}")
    if len(spoiled) != header.spoiled:
        raise FormatError(f"the header counts {header.spoiled} spoiled ballots, the batch holds {len(spoiled)}")
    _increasing([b.ballot_id for b in ballots], "ballots")
    _increasing([s.ballot.ballot_id for s in spoiled], "spoiled ballots")
    if {b.ballot_id for b in ballots} & {s.ballot.ballot_id for s in spoiled}:
        raise FormatError("a ballot id is both cast and spoiled in the batch")
    if _canonical_text(top) != data:
        parse_json(data, "the batch")  # a duplicate key is named as such
        raise FormatError("the batch is not in canonical form (key order, spacing or encoding differ)")
    return SealedBatch(header, signature, ballots, spoiled)


def batch_format(data: bytes) -> str:
    """Which batch format a body claims (its top-level ``format``), without parsing it whole.

    Only a dispatch: the parser of that format then checks every byte, so a body that lies about
    its format is refused by that parser.
    """
    return BATCH_FORMAT if b'"format":"kiosk-batch/2"' in data else "kiosk-batch/1"


def parse_any_batch(data: bytes) -> SealedBatch | SignedHeader:
    """A batch as a node receives it: format 2 parsed strictly, format 1 only as far as its refusal needs.

    A format-1 batch gives its :class:`~kiosk.contract.batch.SignedHeader` (no ballots): the node
    checks who signed it and refuses it (``wrong_format``). Raises only :class:`FormatError`.
    """
    if not isinstance(data, bytes):
        raise FormatError("a batch is bytes")
    return parse_batch(data) if batch_format(data) == BATCH_FORMAT else read_format_1_header(data)


def check_sealed_batch(batch: SealedBatch, election_hex: str, kiosk_key: VerifyKey,
                       previous: BatchHeader | None) -> list[BatchProblem]:
    """Every reason a parsed batch does not verify as a chain link; empty when it does.

    :func:`kiosk.contract.batch.check_batch`'s rules (election, kiosk, header signature, cast
    ballots' Merkle root, chain) and the spoiled ballots' root. The ballots' signatures and proofs need the election and the roll:
    they are the node's checks (:func:`kiosk.contract.ballot.check_sealed_ballot`).
    """
    problems = check_batch(batch, election_hex, kiosk_key, previous)
    if merkle_root(s.leaf() for s in batch.spoiled).hex() != batch.header.spoiled_root_hex:
        problems.append(BatchProblem("spoiled_root_mismatch", "the spoiled ballots' root does not match them"))
    return problems
