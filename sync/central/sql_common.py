"""What both SQL node stores answer with the same queries (SQLite and PostgreSQL).

The queries are written with ``?`` placeholders; each store runs them through its own
``_one``, ``_all`` and ``_execute`` (the PostgreSQL store turns ``?`` into ``%s``). A store
supplies those three, ``transaction()``, ``_lock``, ``_depth``, ``_frontier``,
``_load_frontier()`` and ``_best_acks()``.
"""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from kiosk.contract.ballot import SealedBallot
from kiosk.contract.sealed_batch import SealedBatchHeader, SpoiledBallot, sealed_header_from_json
from kiosk.contract.canonical import parse_json
from kiosk.errors import StorageError
from sync.central.store import BoardLeaf, KioskActivity, StoredBatch

# a board row: the token key (in token_ref), no serial (an empty one: the column is older than
# ballot format 2, and a serial never leaves the kiosk), the encrypted ballot (in sealed), the
# kiosk's and the token's signatures
LEAF_COLUMNS = "leaf_index, kiosk, number, token_ref, ballot_id, serial, style, sealed, sig, token_sig"
SPOILED_TABLE = ("CREATE TABLE IF NOT EXISTS spoiled (kiosk TEXT NOT NULL, number {number} NOT NULL,"
                 " ballot_id {blob} NOT NULL, token_key {blob} NOT NULL, style TEXT NOT NULL, encrypted {blob} NOT NULL,"
                 " token_sig {blob} NOT NULL, sig {blob} NOT NULL, nonce_seed {blob} NOT NULL,"
                 " PRIMARY KEY (kiosk, number, ballot_id))")


def board_row(ballot: SealedBallot) -> tuple:
    """(ballot_id, serial, style, sealed, sig, token_sig) of a ballot, as the board stores it."""
    return ballot.ballot_id, b"", ballot.style, ballot.encrypted, ballot.sig, ballot.token_sig


def leaf_of(row: tuple) -> BoardLeaf:
    """A board leaf from a row of :data:`LEAF_COLUMNS`."""
    i, kiosk, n, ref, bid, _, style, sealed, sig, token_sig = (bytes(v) if isinstance(v, memoryview) else v
                                                              for v in row)
    return BoardLeaf(i, kiosk, n, ref, SealedBallot(bid, style, sealed, ref, token_sig or b"", sig))

# Every kiosk that ever had a batch judged here has an acknowledgement row (accepted, held,
# duplicate or rejected), so the kiosks are walked over the acks' (kiosk, ...) index one key at a
# time (a loose index scan: one seek per kiosk, not one row per batch); then each figure is an index
# seek per kiosk, and only the last batch's header and two acknowledgements per kiosk are read.
# The last batch time is that of the latest acknowledgement that delivered the last accepted batch.
# Rejected batches are counted from one pass over the acknowledgements in table order (no index
# on verdicts; walking the kiosk index would read every row out of order).
_ACTIVITY = """
WITH RECURSIVE k(kiosk) AS (
    SELECT min(kiosk) FROM acks
    UNION ALL
    SELECT (SELECT min(a.kiosk) FROM acks a WHERE a.kiosk > k.kiosk) FROM k WHERE k.kiosk IS NOT NULL),
f AS MATERIALIZED (
    SELECT kiosk,
           coalesce((SELECT max(b.number) FROM batches b WHERE b.kiosk = k.kiosk), 0) AS last_batch,
           (SELECT count(*) FROM held h WHERE h.kiosk = k.kiosk) AS held,
           (SELECT max(a.id) FROM acks a WHERE a.kiosk = k.kiosk) AS last_ack
    FROM k WHERE kiosk IS NOT NULL),
g AS MATERIALIZED (
    SELECT f.*, (SELECT max(a.id) FROM acks a WHERE a.kiosk = f.kiosk AND a.number = f.last_batch
                                               AND a.verdict IN ('accepted', 'duplicate')) AS last_delivered
    FROM f),
r AS MATERIALIZED (SELECT kiosk FROM acks WHERE verdict = 'rejected')
SELECT g.kiosk, g.last_batch, {cumulative}, {closed}, g.held, (SELECT count(*) FROM r WHERE r.kiosk = g.kiosk),
       {contact}, {delivered}
FROM g LEFT JOIN batches b ON b.kiosk = g.kiosk AND b.number = g.last_batch
       LEFT JOIN acks a1 ON a1.id = g.last_ack
       LEFT JOIN acks a2 ON a2.id = g.last_delivered
ORDER BY g.kiosk"""

# Acknowledgements that delivered an accepted batch, after a row id, with the batch's ballot count
_DELIVERIES = """
SELECT a.id, a.kiosk, a.number, {time}, {count}
FROM acks a JOIN batches b ON b.kiosk = a.kiosk AND b.number = a.number
WHERE a.id > ? AND a.verdict IN ('accepted', 'duplicate')
ORDER BY a.id"""


def in_order(found: dict, indexes: list[int]) -> list:
    """``found[i]`` for each board index asked for; a missing leaf is a damaged store, said so."""
    try:
        return [found[i] for i in indexes]
    except KeyError as e:
        raise StorageError(f"the node store's board has no leaf {e.args[0]}: the store was altered or damaged",
                           "restore the node's store from a copy, or ingest the batches again into a new one") from None


def _stored(row: tuple) -> StoredBatch:
    header = sealed_header_from_json(parse_json(row[0], "a stored batch header"))
    return StoredBatch(header, row[1], row[2])


class SharedQueries:
    """The NodeStore methods whose SQL is the same on both stores."""

    # the one difference in the dashboard's queries: reading an integer out of a stored JSON blob
    # (SQLite's json_extract gives 1/0 for true/false; the PostgreSQL store overrides both)
    _JSON_INT = "json_extract(CAST({column} AS TEXT), '$.{path}')"
    _JSON_TRUE = "json_extract(CAST({column} AS TEXT), '$.{path}')"

    def _json(self, template: str, column: str, path: str) -> str:
        return template.format(column=column, path=path, keys=path.replace(".", ","))

    def kiosk_activity(self) -> list[KioskActivity]:
        found = self._all(_ACTIVITY.format(
            cumulative=self._json(self._JSON_INT, "b.header", "cumulative"),
            closed=self._json(self._JSON_TRUE, "b.header", "polls_closed"),
            contact=self._json(self._JSON_INT, "a1.body", "body.time"),
            delivered=self._json(self._JSON_INT, "a2.body", "body.time")))
        return [KioskActivity(kiosk, last, cumulative or 0, bool(closed), held, rejected, contact, delivered)
                for kiosk, last, cumulative, closed, held, rejected, contact, delivered in found]

    def styles_between(self, start: int, end: int) -> dict[str, int]:
        return dict(self._all("SELECT style, count(*) FROM board WHERE leaf_index >= ? AND leaf_index < ? "
                              "GROUP BY style", (start, end)))

    def deliveries_after(self, after_id: int) -> list[tuple[int, str, int, int, int]]:
        return self._all(_DELIVERIES.format(time=self._json(self._JSON_INT, "a.body", "body.time"),
                                            count=self._json(self._JSON_INT, "b.header", "count")), (after_id,))

    def rejected_acks(self, kiosk_key_hex: str) -> list[bytes]:
        return [r[0] for r in self._all("SELECT body FROM acks WHERE kiosk = ? AND verdict = 'rejected' ORDER BY id",
                                        (kiosk_key_hex,))]

    def accepted_header(self, kiosk_key_hex: str, number: int) -> StoredBatch | None:
        row = self._one("SELECT header, header_hash, signature FROM batches WHERE kiosk=? AND number=?",
                        (kiosk_key_hex, number))
        return _stored(row) if row else None

    def held_hash(self, kiosk_key_hex: str, number: int) -> bytes | None:
        row = self._one("SELECT header_hash FROM held WHERE kiosk=? AND number=?", (kiosk_key_hex, number))
        return row[0] if row else None

    def last_accepted(self, kiosk_key_hex: str) -> int:
        return self._one("SELECT coalesce(max(number), 0) FROM batches WHERE kiosk=?", (kiosk_key_hex,))[0]

    def held_numbers(self, kiosk_key_hex: str) -> list[int]:
        return [r[0] for r in self._all("SELECT number FROM held WHERE kiosk=? ORDER BY number", (kiosk_key_hex,))]

    def held_body(self, kiosk_key_hex: str, number: int) -> bytes | None:
        row = self._one("SELECT body FROM held WHERE kiosk=? AND number=?", (kiosk_key_hex, number))
        return row[0] if row else None

    def drop_held(self, kiosk_key_hex: str, number: int) -> None:
        with self.transaction():
            self._execute("DELETE FROM held WHERE kiosk=? AND number=?", (kiosk_key_hex, number))

    def checkpoint(self) -> tuple[int, bytes]:
        with self._lock:
            if not self._depth:
                self._frontier = self._load_frontier()
            return self._frontier.size, self._frontier.root()

    def ack(self, kiosk_key_hex: str, number: int) -> bytes | None:
        found = self._best_acks(kiosk_key_hex, number, number)
        return found[0] if found else None

    def kiosks(self) -> list[str]:
        return [r[0] for r in self._all("SELECT kiosk FROM batches UNION SELECT kiosk FROM held ORDER BY 1")]

    def batches(self) -> Iterator[StoredBatch]:
        for row in self._all("SELECT header, header_hash, signature FROM batches ORDER BY kiosk, number"):
            yield _stored(row)

    def leaf_counts(self) -> dict[str, int]:
        return dict(self._all("SELECT kiosk, count(*) FROM board GROUP BY kiosk"))

    def board_hashes(self, height: int, start: int, end: int) -> list[bytes]:
        if height == 0:
            rows = self._all("SELECT hash FROM board_hash WHERE leaf_index >= ? AND leaf_index < ? "
                             "ORDER BY leaf_index", (start, end))
        else:
            rows = self._all("SELECT hash FROM board_tile WHERE height=? AND idx >= ? AND idx < ? ORDER BY idx",
                             (height, start, end))
        return [r[0] for r in rows]

    # -- format 2 --------------------------------------------------------------------------
    def add_spoiled(self, header: SealedBatchHeader, spoiled: Iterable[SpoiledBallot]) -> None:
        """Keep an accepted batch's spoiled ballots and their seeds (inside the batch's transaction)."""
        with self.transaction():
            for s in spoiled:
                b = s.ballot
                self._execute("INSERT INTO spoiled VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              (header.kiosk_key_hex, header.number, b.ballot_id, b.token_key, b.style, b.encrypted,
                               b.token_sig, b.sig, s.nonce_seed))

    def encrypted_ballots(self, excluded: Iterable[int] = ()) -> Iterator[tuple[str, str, bytes]]:
        """(style, ballot id hex, encrypted ballot) of every format-2 ballot on the board, in board order,
        but the leaf indexes in ``excluded`` (the tally's set-aside copies and double uses)."""
        skip, after = set(excluded), -1
        while True:  # keyset pages: nothing held open while the caller works
            rows = self._all("SELECT leaf_index, style, ballot_id, sealed FROM board WHERE leaf_index > ? AND "
                             "token_sig IS NOT NULL ORDER BY leaf_index LIMIT 5000", (after,))
            for i, style, ballot_id, encrypted in rows:
                if i not in skip:
                    yield style, bytes(ballot_id).hex(), bytes(encrypted)
            if len(rows) < 5000:
                return
            after = rows[-1][0]

    def spoiled_ballots(self) -> Iterator[tuple[str, int, SpoiledBallot]]:
        """(kiosk key hex, batch number, spoiled ballot with its seed) of every accepted spoiled ballot."""
        for row in self._all("SELECT kiosk, number, ballot_id, style, encrypted, token_key, token_sig, sig, nonce_seed "
                             "FROM spoiled ORDER BY kiosk, number, ballot_id"):
            kiosk, number, *rest = (bytes(v) if isinstance(v, memoryview) else v for v in row)
            bid, style, encrypted, token_key, token_sig, sig, seed = rest
            yield kiosk, number, SpoiledBallot(SealedBallot(bid, style, encrypted, token_key, token_sig, sig), seed)

    def _encode_frontier(self) -> str:
        return json.dumps([[h, x.hex()] for h, x in self._frontier.stack])
