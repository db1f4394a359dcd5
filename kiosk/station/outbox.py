"""The outbox: sealed batch files, written from the store and written again when one is missing.

A batch file is written only after the COMMIT that recorded its batch, so a crash between the
two leaves the file missing, never a file the store does not hold; :func:`restore_outbox`
(run by :meth:`kiosk.station.station.Station.open`) writes any missing or differing file again
from the store, byte for byte.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.contract.sealed_batch import SealedBatch, SpoiledBallot, encode_batch, sealed_header_from_json
from kiosk.contract.ballot_row import sealed_of
from kiosk.contract.canonical import parse_json
from kiosk.files import write_atomic
from kiosk.station.datadir import DataDir
from kiosk.station.store import Store

log = logging.getLogger(__name__)


def write_batch_file(data: DataDir, batch: SealedBatch) -> Path:
    """Write a batch file atomically (temporary name, fsync, rename, fsync the directory)."""
    path = data.batch_file(batch.header.mode, batch.header.number)
    write_atomic(path, encode_batch(batch))
    return path


def batch_from_store(store: Store, number: int, header: bytes, signature: bytes) -> SealedBatch:
    """Rebuild a sealed batch from the store: the same bytes as the file it wrote."""
    ballots = tuple(r.sealed_ballot for r in store.ballots(batch=number))
    parsed = sealed_header_from_json(parse_json(header, f"batch {number} header"))
    return SealedBatch(parsed, signature, ballots, spoiled_from_store(store, batch=number))


def spoiled_from_store(store: Store, unsealed_only: bool = False, batch: int | None = None) -> tuple[SpoiledBallot, ...]:
    """The store's spoiled ballots (all, unsealed, or one batch's) as the batch lists them, in id order."""
    return tuple(SpoiledBallot(sealed_of(leaf), seed) for leaf, seed in store.spoiled(unsealed_only, batch))


def restore_outbox(data: DataDir, store: Store) -> list[Path]:
    """Write again any batch file of ``store``'s mode that the outbox lacks (a crash after COMMIT, a
    deleted file) or that differs from the store (a damaged file would hold every later batch
    behind it at the nodes); the paths written."""
    written = []
    for number, header, _, signature in store.batches():
        path = data.batch_file(store.mode, number)
        expected = encode_batch(batch_from_store(store, number, header, signature))
        try:
            if path.read_bytes() == expected:
                continue
            log.warning("outbox batch %d of %s differs from the store: written again", number, store.mode)
        except FileNotFoundError:
            pass
        write_atomic(path, expected)
        written.append(path)
    return written


def read_batch_file(data: DataDir, mode: str, number: int) -> bytes | None:
    """The bytes of outbox batch ``number`` of ``mode``; None when the file is missing."""
    path = data.batch_file(mode, number)
    return path.read_bytes() if path.exists() else None


def outbox_names(data: DataDir, mode: str) -> list[str]:
    """The names of every file in ``mode``'s outbox folder, sorted (none when there is no folder)."""
    folder = data.outbox / mode
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def ack_file_count(data: DataDir) -> int:
    """How many acknowledgement files the sync daemon saved (``DATA/acks/MODE/NODE/batch-*.json``)."""
    return len(list(data.acks.rglob("batch-*.json"))) if data.acks.is_dir() else 0
