"""Order secrecy: cast ballots in a known order, then try to recover that order from everything
the station holds: the ballot ids, the store file's layout, the WAL, the outbox, the event log.

What it tries, and what it finds (docs/threat-model.md, "Order of casting", says the same):

1. Ballot ids: random, so their order says nothing (rank correlation with the casting order ~0).
2. The event log: ``ballot_cast`` entries carry a count and a time, never an id: no ballot id,
   serial or selection appears in any event.
3. The WAL before sealing: every COMMIT appends the pages it changed, so the frame in which a
   ballot first appears gives the exact casting order (correlation 1). This is a real leak,
   bounded in time: it covers the ballots cast since the last sealing.
4. The store file before sealing, after SQLite checkpointed by itself: SQLite places a new cell
   at the low end of a page's free space, so within a page the cell offsets partly tell which
   ballot came later, until the page is split or rebuilt. The same rows cast in another order
   lie otherwise in the file. (How often the later ballot sits lower is printed: about 0.55-0.65
   of the pairs on one page, where 0.5 would say nothing.)
5. After sealing (checkpoint, VACUUM, checkpoint with truncation): the WAL is empty and the
   ballot table is rebuilt in key order, freed pages zeroed (secure_delete): the layout is
   exactly the one the same rows give when cast in any other order, so it holds no order.
6. The outbox: a batch lists its ballots in ballot_id order and holds at least k of them, so
   membership says only "one of at least k", and the order inside a batch says nothing.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

from kiosk.contract.sealed_batch import parse_batch
from kiosk.contract.keys import SigningKey
from kiosk.station.casting import cast
from kiosk.station.sealing import seal
from kiosk.station.station import Station
from kiosk.station.store import Store
from storehelp import NOW, choices, make_station

N = 120
UNCORRELATED = 0.35  # |rank correlation| of 120 random ranks stays below this with p > 0.9999


def rank_correlation(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation (no ties in our data)."""
    def ranks(values):
        order = sorted(range(len(values)), key=values.__getitem__)
        out = [0] * len(values)
        for rank, i in enumerate(order):
            out[i] = rank
        return out
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mean = (n - 1) / 2
    cov = sum((a - mean) * (b - mean) for a, b in zip(rx, ry))
    var = sum((a - mean) ** 2 for a in rx)
    return cov / var


def cell_offsets(data: bytes, ids: list[bytes], refs: dict[bytes, bytes]) -> list[int]:
    """Where each ballot's row sits in the file (its id followed by its token reference: the table
    cell, not the token-reference index entry, which holds the same id after the reference)."""
    return [data.find(i + refs[i]) for i in ids]


def wal_first_frames(wal: bytes, ids: list[bytes]) -> list[int]:
    """For each id, the index of the first WAL frame whose page holds it (-1 if none)."""
    if len(wal) < 32:
        return [-1] * len(ids)
    (page_size,) = struct.unpack(">I", wal[8:12])
    frames = [wal[32 + f * (24 + page_size) + 24: 32 + (f + 1) * (24 + page_size)]
              for f in range((len(wal) - 32) // (24 + page_size))]
    return [next((f for f, page in enumerate(frames) if i in page), -1) for i in ids]


def same_page_pairs(offsets: list[int], page_size: int = 4096):
    for a in range(len(offsets)):
        for b in range(a + 1, len(offsets)):
            if offsets[a] // page_size == offsets[b] // page_size:
                yield a, b


def later_is_lower(offsets: list[int]) -> float:
    """Among pairs on one page: how often the ballot cast later sits at the lower offset."""
    pairs = list(same_page_pairs(offsets))
    return sum(offsets[b] < offsets[a] for a, b in pairs) / len(pairs)


def page_layout(data: bytes, ids: list[bytes], refs: dict[bytes, bytes], page_size: int = 4096) -> list[tuple]:
    """The ballot table's leaf layout: per page, the ids in file order; pages sorted by content."""
    pages: dict[int, list[tuple[int, bytes]]] = {}
    for ballot_id, offset in zip(ids, cell_offsets(data, ids, refs)):
        pages.setdefault(offset // page_size, []).append((offset, ballot_id))
    return sorted(tuple(i for _, i in sorted(cells)) for cells in pages.values())


def replayed_layout(records: list, folder: Path, compact: bool) -> list[tuple]:
    """The same ballot rows cast into a fresh store in another order (shuffled), then laid out."""
    order = list(records)
    random.Random(7).shuffle(order)
    key = SigningKey(bytes(32))
    folder.mkdir(parents=True, exist_ok=True)
    store = Store.open(folder / "replay.sqlite", key)
    store.create({"election_hex": "00" * 32, "kiosk_key_hex": key.verify_key.hex, "mode": "test",
                  "station": "replay"}, "station_provisioned", {})
    for n, record in enumerate(order):
        with store.transaction():
            store.insert_ballot(record)
            store.append("ballot_cast", {"count": n + 1, "time": NOW})
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    if compact:
        store.compact()
    data = (folder / "replay.sqlite").read_bytes()
    store.close()
    ids = [r.ballot_id for r in records]
    return page_layout(data, ids, {r.ballot_id: r.token_ref for r in records})


def test_the_order_of_casting_cannot_be_recovered_after_sealing(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    store_file, wal_file = root / "store-test.sqlite", root / "store-test.sqlite-wal"
    with Station.open(root) as station:
        ids = []
        for i, (style, payload) in enumerate(store_election.test[:N]):
            ids.append(cast(station, payload, choices(station.election, style, n=i % 4), NOW + i).ballot_id)
        refs = {r.ballot_id: r.token_ref for r in station.store.ballots()}
        serials = [r.serial for r in station.store.ballots()]
        order = list(range(N))

        # 1. the ids themselves
        assert abs(rank_correlation([int.from_bytes(i, "big") for i in ids], order)) < UNCORRELATED
        # 2. the event log names no ballot, token or selection
        events = b"".join(e.body for e in station.store.events())
        assert not any(i.hex().encode() in events or i in events for i in ids + serials)
        # 3. before sealing, the WAL gives the order away: proof that this detector works
        frames = wal_first_frames(wal_file.read_bytes(), ids)
        assert -1 not in frames and rank_correlation(frames, order) > 0.95
        # 4. the main file after a checkpoint without VACUUM depends on the casting order: the
        #    same rows cast in another order lie otherwise (proof that the check in 5 can fail)
        records = list(station.store.ballots())
        station.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        data = store_file.read_bytes()
        before = later_is_lower(cell_offsets(data, ids, refs))
        assert page_layout(data, ids, refs) != replayed_layout(records, tmp_path, compact=False)

        seal(station, NOW + N)
        # 5. after sealing: the WAL is empty, and the layout is the one any casting order gives
        assert wal_file.stat().st_size == 0
        data = store_file.read_bytes()
        offsets = cell_offsets(data, ids, refs)
        assert -1 not in offsets
        assert page_layout(data, ids, refs) == replayed_layout(records, tmp_path / "r2", compact=True)
        after = later_is_lower(offsets)
        assert abs(rank_correlation(offsets, order)) < UNCORRELATED
    # 6. the outbox: one batch of N >= k ballots, in ballot_id order
    batch = parse_batch((root / "outbox" / "test" / "batch-000001.json").read_bytes())
    listed = [b.ballot_id for b in batch.ballots]
    assert listed == sorted(ids) and len(listed) >= store_election.election.privacy_floor
    assert abs(rank_correlation([ids.index(i) for i in listed], order)) < UNCORRELATED
    print(f"\non one page, the later ballot at the lower offset: {before:.2f} of pairs before sealing, "
          f"{after:.2f} after")
