"""Sealing batches: when, what, and the file in the outbox.

A batch takes every ballot not yet in a batch (the ``batch_members`` table), in ballot_id
order, as sealed ballots, and the ballots checked (spoiled) since the last batch; its header links to the previous batch's. The batch rows, its
members and the ``batch_sealed`` event are one transaction; the outbox file is written after
COMMIT (temporary name, fsync, rename, fsync the directory), so a batch file never exists
that the store does not hold. A crash between the two leaves the file missing;
:func:`kiosk.station.outbox.restore_outbox` writes it again from the store, byte for byte, when
the station opens.

After sealing, the store is compacted (:meth:`kiosk.station.store.Store.compact`): the file is
rewritten in key order and the WAL emptied, so the storage layout forgets the casting order.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.station import eventlog as ev
from kiosk.contract.sealed_batch import SealedBatchHeader, SealedBatch, build_batch, sealed_header_from_json
from kiosk.contract.canonical import parse_json
from kiosk.station.outbox import spoiled_from_store, write_batch_file
from kiosk.station.station import Station
from kiosk.station.store import Store

OPENING_KINDS = (ev.POLLS_OPENED, ev.BATCH_SEALED)


def unsealed_count(station: Station) -> int:
    """Ballots cast and not yet in any batch."""
    return station.ballots - station.store.member_count()


def seal_due(station: Station, now: int) -> bool:
    """At least k new ballots (the privacy floor) and T seconds since the last batch (or the opening)."""
    if unsealed_count(station) < station.election.privacy_floor:
        return False
    last = station.store.last_event(OPENING_KINDS)
    since = last.fields().get("time", 0) if last else 0
    return now - since >= station.config.seal_interval_s


def seal_if_due(station: Station, now: int) -> SealedBatch | None:
    """Seal a batch if one is due (call it between voters, never while one waits)."""
    return seal(station, now) if seal_due(station, now) else None


def seal(station: Station, now: int) -> SealedBatch:
    """Seal the unsealed ballots into the next batch, write it to the outbox, compact the store."""
    with station.store.transaction():
        batch = seal_in_transaction(station, now, polls_closed=False)
    finish_batch(station, batch)
    return batch


def seal_in_transaction(station: Station, now: int, polls_closed: bool) -> SealedBatch:
    """Build, sign and record the next batch inside the caller's transaction (closing uses this)."""
    store = station.store
    previous = last_header(store)
    ballots = [r.sealed_ballot for r in store.ballots(unsealed_only=True)]
    number = previous.number + 1 if previous else 1
    spoiled = spoiled_from_store(store, unsealed_only=True)   # checked ballots ride with the next batch
    batch = build_batch(station.key, station.config.election_hex, store.mode, number, previous, ballots,
                        spoiled, polls_closed)
    h = batch.header
    store.insert_batch(h.number, h.encoded(), h.hash(), batch.signature, [b.ballot_id for b in batch.ballots],
                       tuple(s.ballot.ballot_id for s in spoiled))
    store.append(ev.BATCH_SEALED, {"number": h.number, "header_hash_hex": h.hash().hex(), "count": h.count,
                                   "cumulative": h.cumulative, "polls_closed": polls_closed, "time": now})
    return batch


def finish_batch(station: Station, batch: SealedBatch) -> Path:
    """After COMMIT: the outbox file, then compaction."""
    path = write_batch_file(station.data, batch)
    station.store.compact()
    return path


def last_header(store: Store) -> SealedBatchHeader | None:
    """The header of the store's latest batch, or None before the first."""
    rows = store.db.execute("SELECT header FROM batches ORDER BY number DESC LIMIT 1").fetchall()
    return sealed_header_from_json(parse_json(rows[0][0], "batch header")) if rows else None
