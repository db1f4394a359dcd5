"""What a central node keeps, behind one interface (SQLite by default; PostgreSQL can follow).

A node store holds, for one election and one mode:

* **accepted batches**: per (kiosk key, number) the canonical header, its hash and the kiosk's
  header signature; with the leaves below, each batch can be rebuilt byte for byte;
* **the board**: every accepted sealed ballot as a leaf, in the order accepted (leaf index =
  position in the append-only Merkle log), with its kiosk, batch number, token reference (format
  2: the token's public key, never a serial) and style; the tree's frontier, so the root after each batch costs O(log n); every leaf hash and
  the tiles above them (:mod:`kiosk.contract.proofs`), so a proof costs a few thousand reads at most;
* **spoiled ballots** (format 2): each with its nonce seed, published, never counted;
* **held batches**: early batches (their raw bytes) waiting for the gap to fill;
* **acknowledgements**: the latest signed acknowledgement per (kiosk, number, header hash).

Every write of one batch happens inside :meth:`NodeStore.transaction` (all or nothing).
Implementations take and return plain values only, so another database can stand behind the
same calls; a test suite exercises them through the node.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Iterable, Iterator, Protocol

from kiosk.contract.ballot import SealedBallot
from kiosk.contract.batch import BatchHeader


@dataclass(frozen=True)
class NodeMeta:
    """What a store was created for; a store refuses to open for anything else."""

    election_hex: str
    node_key_hex: str
    mode: str


@dataclass(frozen=True)
class StoredBatch:
    """An accepted batch's header as stored."""

    header: BatchHeader
    header_hash: bytes
    signature: bytes


@dataclass(frozen=True)
class BoardLeaf:
    """One accepted sealed ballot on the board."""

    index: int
    kiosk_key_hex: str
    number: int
    token_ref: bytes  # the token's public key
    ballot: SealedBallot


@dataclass(frozen=True)
class KioskActivity:
    """What the dashboard shows of one kiosk, computed by the store (one row per kiosk it heard from)."""

    kiosk_key_hex: str
    last_batch: int              # highest accepted batch number, 0 when none
    ballots: int                 # the cumulative count of that batch: ballots accepted from this kiosk
    closed: bool                 # that batch is the closing batch
    held: int                    # early batches waiting for a gap to fill
    rejected: int                # batches refused (their acknowledgements are kept)
    last_contact: int | None     # node clock (s) of the latest acknowledgement of any verdict
    last_delivered: int | None   # node clock (s) of the latest acknowledgement that delivered a batch


class NodeStore(Protocol):
    """The calls a central node makes of its store."""

    meta: NodeMeta

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic unit of writes (nested calls join the outer one)."""

    def close(self) -> None: ...

    # -- per kiosk --------------------------------------------------------------------------
    def accepted_header(self, kiosk_key_hex: str, number: int) -> StoredBatch | None:
        """The accepted batch ``number`` of a kiosk, or None."""

    def held_hash(self, kiosk_key_hex: str, number: int) -> bytes | None:
        """The header hash of a held (early) batch, or None."""

    def last_accepted(self, kiosk_key_hex: str) -> int:
        """The highest accepted batch number of a kiosk (0 when none)."""

    def held_numbers(self, kiosk_key_hex: str) -> list[int]:
        """Numbers of the kiosk's held batches, ascending."""

    def held_body(self, kiosk_key_hex: str, number: int) -> bytes | None:
        """The raw bytes of a held batch."""

    # -- tokens -----------------------------------------------------------------------------
    def spent_by(self, refs: Iterable[bytes]) -> dict[bytes, frozenset[str]]:
        """For each reference already on the board: the kiosk keys whose ballots carry it."""

    # -- writes -----------------------------------------------------------------------------
    def add_accepted(self, header: BatchHeader, signature: bytes, ballots: Iterable[tuple[SealedBallot, bytes]],
                     leaf_hashes: Iterable[bytes]) -> tuple[int, bytes]:
        """Record an accepted batch and append its (ballot, token ref) leaves; the new (size, root)."""

    def add_held(self, header: BatchHeader, body: bytes) -> None:
        """Keep an early batch until its predecessor arrives."""

    def add_spoiled(self, header: BatchHeader, spoiled: Iterable) -> None:
        """Keep an accepted format-2 batch's spoiled ballots (:class:`kiosk.contract.sealed_batch.SpoiledBallot`)."""

    def drop_held(self, kiosk_key_hex: str, number: int) -> None:
        """Forget a held batch (after it was judged)."""

    def put_ack(self, kiosk_key_hex: str, number: int, header_hash: bytes, verdict: str, ack: bytes) -> None:
        """Keep the latest acknowledgement of a batch."""

    # -- reads ------------------------------------------------------------------------------
    def checkpoint(self) -> tuple[int, bytes]:
        """(tree size, root) of the board."""

    def acks(self, kiosk_key_hex: str, from_number: int = 1) -> list[bytes]:
        """The latest acknowledgement of each batch of a kiosk from ``from_number`` on, by number."""

    def ack(self, kiosk_key_hex: str, number: int) -> bytes | None:
        """The latest acknowledgement about batch ``number`` of a kiosk."""

    def kiosks(self) -> list[str]:
        """Every kiosk key with an accepted or held batch."""

    def batches(self) -> Iterator[StoredBatch]:
        """Every accepted batch, by kiosk key then number."""

    def leaves(self, kiosk_key_hex: str | None = None, number: int | None = None) -> Iterator[BoardLeaf]:
        """Board leaves in board order, optionally of one kiosk and batch."""

    def leaf_counts(self) -> dict[str, int]:
        """Board leaves per kiosk key."""

    # -- the dashboard's figures, computed by the database ----------------------------------
    def kiosk_activity(self) -> list[KioskActivity]:
        """Per kiosk heard from (any acknowledgement kept), by kiosk key: its figures for the dashboard."""

    def styles_between(self, start: int, end: int) -> dict[str, int]:
        """Board leaves per ballot style among positions [start, end) (a range of the primary key)."""

    def deliveries_after(self, after_id: int) -> list[tuple[int, str, int, int, int]]:
        """(row id, kiosk key, batch number, node time, ballots) of each kept acknowledgement that
        delivered an accepted batch, with a row id above ``after_id``, by row id (newer rows, higher ids)."""

    def rejected_acks(self, kiosk_key_hex: str) -> list[bytes]:
        """The acknowledgements that rejected a batch of this kiosk, oldest first."""

    def leaves_at(self, indexes: list[int]) -> list[BoardLeaf]:
        """The leaves at these board positions, in the order given."""

    def token_leaves(self, refs: Iterable[bytes]) -> dict[bytes, list[BoardLeaf]]:
        """The board's ballots carrying each of these token references, in board order."""

    def double_uses(self) -> dict[bytes, list[BoardLeaf]]:
        """Every token reference carried by more than one ballot on the board, with those ballots."""

    def encrypted_ballots(self, excluded: Iterable[int] = ()) -> Iterator[tuple[str, str, bytes]]:
        """(style, ballot id hex, encrypted ballot) of every format-2 board leaf not in ``excluded``, in board order."""

    def spoiled_ballots(self) -> Iterator[tuple]:
        """(kiosk key hex, batch number, SpoiledBallot) of every accepted spoiled ballot."""

    # -- the board's hashes (kept with each accepted batch, for proofs) ---------------------
    def board_hashes(self, height: int, start: int, end: int) -> list[bytes]:
        """Kept hashes at a height (0: leaf hashes; 8, 16, ...: tiles) with index in [start, end)."""

    def leaf_hashes_with_prefix(self, prefix: bytes) -> list[tuple[int, bytes]]:
        """(leaf index, leaf hash) of the first few leaves whose hash starts with ``prefix``."""
