"""The default node store: one SQLite file in the node's data directory (WAL, synchronous=FULL).

An acknowledgement says "accepted" only after COMMIT returned, and FULL makes COMMIT durable,
so a node that loses power never denies a batch it acknowledged. Triggers refuse UPDATE and
DELETE on the board and on accepted batches: they are append-only (held batches and
acknowledgements are working state and may be replaced).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Iterator

from kiosk.contract.ballot import SealedBallot
from kiosk.contract.batch import BatchHeader
from kiosk.errors import StorageError
from kiosk.contract.merkle import MerkleFrontier, leaf_hash
from kiosk.contract.proofs import TILE_HEIGHT, tiles_at
from sync.central.sql_common import LEAF_COLUMNS, SPOILED_TABLE, SharedQueries, board_row, in_order, leaf_of
from sync.central.store import BoardLeaf, NodeMeta

STORE_FORMAT = "kiosk-node-store/1"
_NO_CHANGE = "SELECT RAISE(ABORT, '{} is append-only')"
SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS batches (kiosk TEXT NOT NULL, number INTEGER NOT NULL, header BLOB NOT NULL,"
    " header_hash BLOB NOT NULL, signature BLOB NOT NULL, PRIMARY KEY (kiosk, number)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS held (kiosk TEXT NOT NULL, number INTEGER NOT NULL, header_hash BLOB NOT NULL,"
    " body BLOB NOT NULL, PRIMARY KEY (kiosk, number)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS board (leaf_index INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, number INTEGER NOT NULL,"
    " token_ref BLOB NOT NULL, ballot_id BLOB NOT NULL, serial BLOB NOT NULL, style TEXT NOT NULL,"
    " sealed BLOB NOT NULL, sig BLOB NOT NULL, token_sig BLOB)",
    "CREATE INDEX IF NOT EXISTS board_token ON board (token_ref)",
    "CREATE INDEX IF NOT EXISTS board_batch ON board (kiosk, number)",
    "CREATE TABLE IF NOT EXISTS acks (id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, number INTEGER NOT NULL,"
    " header_hash BLOB NOT NULL, verdict TEXT NOT NULL, body BLOB NOT NULL, UNIQUE (kiosk, number, header_hash))",
    # the board's hashes for proofs: every leaf hash (and by prefix, for tracking codes), and the
    # roots of aligned perfect subtrees at heights 8, 16, ... (kiosk/contract/proofs.py, TiledHashes)
    "CREATE TABLE IF NOT EXISTS board_hash (leaf_index INTEGER PRIMARY KEY, hash BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS board_hash_hash ON board_hash (hash)",
    "CREATE TABLE IF NOT EXISTS board_tile (height INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
    " PRIMARY KEY (height, idx)) WITHOUT ROWID",
    SPOILED_TABLE.format(blob="BLOB", number="INTEGER") + " WITHOUT ROWID",
    *(f"CREATE TRIGGER IF NOT EXISTS {t}_no_{op.lower()} BEFORE {op} ON {t} BEGIN {_NO_CHANGE.format(t)}; END"
      for t in ("board", "batches", "board_hash", "board_tile", "spoiled") for op in ("UPDATE", "DELETE")),
]


class SQLiteNodeStore(SharedQueries):
    """A :class:`sync.central.store.NodeStore` in one SQLite file; safe to share between threads."""

    def __init__(self, path: Path, meta: NodeMeta) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()  # one connection, one user at a time (the node serialises writes)
        self._depth = 0
        self._frontier = MerkleFrontier()
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            if self.db.execute("SELECT 1 FROM sqlite_master WHERE name='board'").fetchone() and \
                    "token_sig" not in {r[1] for r in self.db.execute("PRAGMA table_info(board)")}:
                self.db.execute("ALTER TABLE board ADD COLUMN token_sig BLOB")  # a store from before format 2
            for statement in SCHEMA:
                self.db.execute(statement)
            stored = dict(self.db.execute("SELECT key, value FROM meta"))
        except sqlite3.Error as e:
            raise StorageError(f"cannot open the node store {self.path}: {e}",
                               hint="check the node's data directory and free space") from e
        wanted = {"format": STORE_FORMAT, "election_hex": meta.election_hex, "node_key_hex": meta.node_key_hex,
                  "mode": meta.mode}
        if not stored:
            with self.transaction():
                self.db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(wanted.items()))
                self.db.execute("INSERT INTO meta VALUES ('frontier', '[]')")
        elif any(stored.get(k) != v for k, v in wanted.items()):
            self.db.close()
            raise StorageError(f"{self.path} belongs to another election, node key or mode "
                               f"({stored.get('mode')} store)",
                               hint="give each election, node key and mode (official or test) its own --data directory")
        self.meta = meta
        self._frontier = self._load_frontier()
        self._backfill_board_hashes()

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            # another process (an ingest beside the server) may have grown the board meanwhile
            self._frontier = self._load_frontier()
            saved = MerkleFrontier(self._frontier.size, self._frontier.stack)
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                self._frontier = saved
                raise
            finally:
                self._depth = 0
            self.db.execute("COMMIT")

    def _one(self, sql: str, args: tuple) -> tuple | None:
        with self._lock:
            return self.db.execute(sql, args).fetchone()

    def _all(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self.db.execute(sql, args).fetchall()

    def _execute(self, sql: str, args: tuple = ()) -> None:
        self.db.execute(sql, args)

    # -- tokens -----------------------------------------------------------------------------
    def spent_by(self, refs: Iterable[bytes]) -> dict[bytes, frozenset[str]]:
        out: dict[bytes, set[str]] = {}
        refs = list(refs)
        with self._lock:
            for i in range(0, len(refs), 500):  # stay under SQLite's bound on host parameters
                chunk = refs[i:i + 500]
                sql = f"SELECT token_ref, kiosk FROM board WHERE token_ref IN ({','.join('?' * len(chunk))})"
                for ref, kiosk in self.db.execute(sql, chunk):
                    out.setdefault(ref, set()).add(kiosk)
        return {ref: frozenset(k) for ref, k in out.items()}

    # -- writes -----------------------------------------------------------------------------
    def add_accepted(self, header: BatchHeader, signature: bytes, ballots: Iterable[tuple[SealedBallot, bytes]],
                     leaf_hashes: Iterable[bytes]) -> tuple[int, bytes]:
        with self.transaction():
            self.db.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?)",
                            (header.kiosk_key_hex, header.number, header.encoded(), header.hash(), signature))
            start = self._frontier.size
            self.db.executemany(f"INSERT INTO board ({LEAF_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
                (start + i, header.kiosk_key_hex, header.number, ref, *board_row(b)) for i, (b, ref) in enumerate(ballots)))
            leaf_hashes = list(leaf_hashes)  # the board's tables are written from them below
            self._frontier.extend(leaf_hashes)
            if self._frontier.size != start + header.count:
                raise StorageError("the board's leaves and the batch's count disagree")
            self._add_board_hashes(start, leaf_hashes)
            self.db.execute("UPDATE meta SET value=? WHERE key='frontier'", (self._encode_frontier(),))
        return self._frontier.size, self._frontier.root()

    def add_held(self, header: BatchHeader, body: bytes) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO held VALUES (?, ?, ?, ?)",
                            (header.kiosk_key_hex, header.number, header.hash(), body))

    def put_ack(self, kiosk_key_hex: str, number: int, header_hash: bytes, verdict: str, ack: bytes) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO acks (kiosk, number, header_hash, verdict, body) "
                            "VALUES (?, ?, ?, ?, ?)", (kiosk_key_hex, number, header_hash, verdict, ack))

    # -- reads ------------------------------------------------------------------------------
    def acks(self, kiosk_key_hex: str, from_number: int = 1) -> list[bytes]:
        return self._best_acks(kiosk_key_hex, from_number, None)

    def _best_acks(self, kiosk_key_hex: str, low: int, high: int | None) -> list[bytes]:
        best: dict[int, tuple[tuple[bool, int], bytes]] = {}
        for number, verdict, row_id, body in self._all(
                "SELECT number, verdict, id, body FROM acks WHERE kiosk=? AND number BETWEEN ? AND ?",
                (kiosk_key_hex, low, high if high is not None else 2**62)):
            rank = (verdict in ("accepted", "duplicate"), row_id)  # the accepted batch's ack wins, then the latest
            if number not in best or rank > best[number][0]:
                best[number] = (rank, body)
        return [best[n][1] for n in sorted(best)]

    def leaves(self, kiosk_key_hex: str | None = None, number: int | None = None) -> Iterator[BoardLeaf]:
        sql, args = f"SELECT {LEAF_COLUMNS} FROM board", ()
        if kiosk_key_hex is not None:
            sql, args = sql + " WHERE kiosk=? AND number=?", (kiosk_key_hex, number)
        with self._lock:
            rows = self.db.execute(sql + " ORDER BY leaf_index", args)
            while chunk := rows.fetchmany(5000):
                yield from map(leaf_of, chunk)

    def leaves_at(self, indexes: list[int]) -> list[BoardLeaf]:
        found = self._rows_at(LEAF_COLUMNS, indexes)
        return [leaf_of(row) for row in in_order(found, indexes)]

    def _rows_at(self, columns: str, indexes: list[int]) -> dict[int, tuple]:
        found: dict[int, tuple] = {}
        with self._lock:
            for i in range(0, len(indexes), 500):
                chunk = indexes[i:i + 500]
                for row in self.db.execute(f"SELECT {columns} FROM board WHERE leaf_index IN "
                                           f"({','.join('?' * len(chunk))})", chunk):
                    found[row[0]] = row
        return found

    def token_leaves(self, refs: Iterable[bytes]) -> dict[bytes, list[BoardLeaf]]:
        out: dict[bytes, list[BoardLeaf]] = {}
        refs = list(refs)
        for i in range(0, len(refs), 500):
            chunk = refs[i:i + 500]
            for row in self._all(f"SELECT {LEAF_COLUMNS} "
                                 f"FROM board WHERE token_ref IN ({','.join('?' * len(chunk))}) ORDER BY leaf_index",
                                 tuple(chunk)):
                out.setdefault(row[3], []).append(leaf_of(row))
        return out

    def double_uses(self) -> dict[bytes, list[BoardLeaf]]:
        out: dict[bytes, list[BoardLeaf]] = {}
        for row in self._all(
                f"SELECT {LEAF_COLUMNS} FROM board "
                "WHERE token_ref IN (SELECT token_ref FROM board GROUP BY token_ref HAVING count(*) > 1) "
                "ORDER BY leaf_index"):
            out.setdefault(row[3], []).append(leaf_of(row))
        return out

    # -- the board's hashes, for proofs -----------------------------------------------------
    def leaf_hashes_with_prefix(self, prefix: bytes) -> list[tuple[int, bytes]]:
        upper = (int.from_bytes(prefix, "big") + 1).to_bytes(len(prefix) + 1, "big")[-len(prefix):] \
            if prefix.strip(b"\xff") else None
        sql, args = "SELECT leaf_index, hash FROM board_hash WHERE hash >= ?", (prefix,)
        if upper is not None:
            sql, args = sql + " AND hash < ?", (prefix, upper)
        return [(i, h) for i, h in self._all(sql + " ORDER BY leaf_index LIMIT 16", args) if h.startswith(prefix)]

    def _add_board_hashes(self, start: int, hashes: list[bytes]) -> None:
        """Keep the new leaf hashes and every tile they complete (inside the batch's transaction)."""
        self.db.executemany("INSERT INTO board_hash VALUES (?, ?)", ((start + i, h) for i, h in enumerate(hashes)))
        end = start + len(hashes)
        height = TILE_HEIGHT
        while end >> height:
            self.db.executemany("INSERT INTO board_tile VALUES (?, ?, ?)",
                                ((height, i, h) for i, h in tiles_at(height, start, end, self.board_hashes)))
            height += TILE_HEIGHT

    def _backfill_board_hashes(self) -> None:
        """A store from before the board kept its hashes: hash its leaves once, at opening."""
        have = self._one("SELECT count(*) FROM board_hash", ())[0]
        if have >= self._frontier.size:
            return
        with self.transaction():
            hashes = [leaf_hash(b.ballot.leaf()) for b in self.leaves_at(list(range(have, self._frontier.size)))]
            self._add_board_hashes(have, hashes)

    # -- the frontier -----------------------------------------------------------------------
    def _load_frontier(self) -> MerkleFrontier:
        row = self._one("SELECT value FROM meta WHERE key='frontier'", ())
        stack = [(h, bytes.fromhex(x)) for h, x in json.loads(row[0])] if row else []
        size = self._one("SELECT coalesce(max(leaf_index) + 1, 0) FROM board", ())[0]
        return MerkleFrontier(size, stack)
