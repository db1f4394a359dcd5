"""One store file per mode: the event log and the ballot box in one SQLite file.

WAL, ``synchronous=FULL`` (a COMMIT returns only after the log is on disk), ``secure_delete``
(freed pages are zeroed, so old page images do not linger). Triggers refuse UPDATE and DELETE
on every table and an event whose ``seq`` is not ``max + 1``; they stop bugs, not attackers:
the chain and the signatures make tampering evident (see :mod:`kiosk.station.verify`).

Plain SQL through a DB-API connection, because the schema needs triggers and WITHOUT ROWID
and because the power-loss test runs this same code over an APSW virtual file system: the
store only calls ``execute``, ``fetchone``/``fetchall``/iteration and ``close``.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

from kiosk.contract.ballot_row import BallotRecord
from kiosk.errors import StorageError
from kiosk.files import write_atomic
from kiosk.station.eventlog import Entry, genesis_hash, make_entry
from kiosk.station.events import catalogued
from kiosk.contract.keys import SigningKey, VerifyKey

log = logging.getLogger(__name__)
STORE_FORMAT = "kiosk-store/1"
SQLITE_FULL = 13

_NO_CHANGE = "SELECT RAISE(ABORT, '{} is append-only: rows are never changed or deleted')"
SCHEMA = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL,"
    " prev_hash BLOB NOT NULL, entry_hash BLOB NOT NULL, signature BLOB NOT NULL)",
    # no rowid, no time, no sequence: the primary key is a random 128-bit id
    "CREATE TABLE ballots (ballot_id BLOB PRIMARY KEY, token_ref BLOB NOT NULL UNIQUE, serial BLOB NOT NULL,"
    " style TEXT NOT NULL, selections TEXT NOT NULL, sealed BLOB NOT NULL, sealed_sig BLOB NOT NULL,"
    " signature BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE batches (number INTEGER PRIMARY KEY, header TEXT NOT NULL, header_hash BLOB NOT NULL,"
    " signature BLOB NOT NULL)",
    "CREATE TABLE batch_members (ballot_id BLOB PRIMARY KEY, batch INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TRIGGER events_seq BEFORE INSERT ON events"
    " WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM events)"
    " BEGIN SELECT RAISE(ABORT, 'an event must carry seq = max + 1'); END",
    "CREATE TRIGGER batches_number BEFORE INSERT ON batches"
    " WHEN NEW.number IS NOT (SELECT coalesce(max(number), 0) + 1 FROM batches)"
    " BEGIN SELECT RAISE(ABORT, 'a batch must carry number = max + 1'); END",
    # refuse before the conflict clause runs, so INSERT OR REPLACE cannot delete a ballot
    "CREATE TRIGGER ballots_once BEFORE INSERT ON ballots WHEN EXISTS (SELECT 1 FROM ballots"
    " WHERE ballot_id = NEW.ballot_id) OR EXISTS (SELECT 1 FROM ballots WHERE token_ref = NEW.token_ref)"
    " BEGIN SELECT RAISE(ABORT, 'the token was already used or the ballot id is taken'); END",
    "CREATE TRIGGER members_once BEFORE INSERT ON batch_members WHEN EXISTS (SELECT 1 FROM batch_members"
    " WHERE ballot_id = NEW.ballot_id) BEGIN SELECT RAISE(ABORT, 'the ballot is already in a batch'); END",
    "CREATE TRIGGER meta_once BEFORE INSERT ON meta WHEN EXISTS (SELECT 1 FROM meta WHERE key = NEW.key)"
    " BEGIN SELECT RAISE(ABORT, 'meta is append-only'); END",
] + [f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN {_NO_CHANGE.format(table)}; END"
     for table in ("meta", "events", "ballots", "batches", "batch_members") for op in ("UPDATE", "DELETE")]
# Checked ballots (Benaloh): the sealed ballot and the seed that opens it, never counted and
# never spending a token; made with the store, or by the first spoiled ballot in a store made before them
SPOILED_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS spoiled (ballot_id BLOB PRIMARY KEY, style TEXT NOT NULL, sealed BLOB NOT NULL,"
    " nonce_seed BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS spoiled_members (ballot_id BLOB PRIMARY KEY, batch INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS spoiled_once BEFORE INSERT ON spoiled WHEN EXISTS (SELECT 1 FROM spoiled"
    " WHERE ballot_id = NEW.ballot_id) BEGIN SELECT RAISE(ABORT, 'the spoiled ballot id is taken'); END",
    "CREATE TRIGGER IF NOT EXISTS spoiled_members_once BEFORE INSERT ON spoiled_members WHEN EXISTS (SELECT 1 FROM"
    " spoiled_members WHERE ballot_id = NEW.ballot_id) BEGIN SELECT RAISE(ABORT, 'the ballot is already in a batch');"
    " END",
] + [f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN {_NO_CHANGE.format(table)};"
     " END" for table in ("spoiled", "spoiled_members") for op in ("UPDATE", "DELETE")]

Connect = Callable[[Path, bool], Any]


def sqlite_connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """The standard connection: autocommit mode, so that every transaction is explicit."""
    uri = f"file:{quote(str(path))}" + ("?mode=ro" if read_only else "")
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10)


def is_disk_full(error: BaseException) -> bool:
    """True when SQLite said SQLITE_FULL (the disk, or the page limit, is full)."""
    return getattr(error, "sqlite_errorcode", None) == SQLITE_FULL or "full" in str(error).lower()


def _as_bytes(value: Any) -> Any:
    return value.encode("utf-8") if isinstance(value, str) else value


class Store:
    """A store file. The writer holds the kiosk key; readers (verify, status) open it read-only."""

    def __init__(self, db: Any, path: Path, key: SigningKey | None) -> None:
        self.db, self.path, self.key = db, Path(path), key
        self.meta: dict[str, str] = {}
        self.head_seq, self.head_hash = 0, b""

    @classmethod
    def open(cls, path: Path, key: SigningKey | None = None, *, connect: Connect = sqlite_connect,
             read_only: bool = False, synchronous: str = "FULL") -> "Store":
        """Open (or create, empty) a store file. ``synchronous`` other than FULL is for tests only."""
        try:
            db = connect(Path(path), read_only)
            if not read_only:
                for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "secure_delete=ON",
                               "recursive_triggers=ON"):
                    db.execute(f"PRAGMA {pragma}").fetchall()
        except sqlite3.Error as e:
            raise StorageError(f"cannot open the store {path}: {e}", hint="check the data directory and the disk") from e
        store = cls(db, path, key)
        store.reload()
        return store

    def close(self) -> None:
        """Close the connection (errors on closing are of no further use)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    @property
    def initialized(self) -> bool:
        """True once the schema and the first entry exist."""
        return bool(self.meta)

    @property
    def mode(self) -> str:
        """``test`` or ``official``."""
        return self.meta["mode"]

    def reload(self) -> None:
        """Read meta and the log head from the file (after opening, and after a failed transaction)."""
        try:
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            self.meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall()) if "meta" in tables else {}
            row = self.db.execute("SELECT seq, entry_hash FROM events ORDER BY seq DESC LIMIT 1").fetchone() \
                if "events" in tables else None
        except sqlite3.Error as e:
            raise StorageError(f"cannot read the store {self.path}: {e}") from e
        if row:
            self.head_seq, self.head_hash = row[0], row[1]
        elif self.meta:
            self.head_seq, self.head_hash = 0, self.genesis
        else:
            self.head_seq, self.head_hash = 0, b""

    @property
    def genesis(self) -> bytes:
        """The ``prev_hash`` of this store's first entry."""
        return genesis_hash(bytes.fromhex(self.meta["election_hex"]),
                            VerifyKey.from_hex(self.meta["kiosk_key_hex"]), self.meta["mode"])

    def create(self, meta: dict[str, str], first_kind: str, first_body: dict) -> None:
        """Make the schema, the meta rows and the first event in one transaction."""
        with self.transaction():
            for statement in SCHEMA + SPOILED_SCHEMA:
                self.db.execute(statement)
            self.db.execute("INSERT INTO meta VALUES ('format', ?)", (STORE_FORMAT,))
            for k, v in sorted(meta.items()):
                self.db.execute("INSERT INTO meta VALUES (?, ?)", (k, v))
            self.meta = {"format": STORE_FORMAT, **meta}
            self.head_seq, self.head_hash = 0, self.genesis
            self.append(first_kind, first_body)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT; on any failure roll back and re-read the head from the file."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            with contextlib.suppress(StorageError):
                self.reload()
            raise

    def append(self, kind: str, body: dict) -> Entry:
        """Append one signed event; call inside :meth:`transaction` (the head moves at once).

        Only a kind of the catalogue (:mod:`kiosk.station.events`) is written; any other is a bug.
        """
        catalogued(kind)
        entry = make_entry(self.key, self.head_hash, self.head_seq + 1, kind, body)
        self.db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                        (entry.seq, entry.kind, entry.body.decode("utf-8"), entry.prev_hash,
                         entry.entry_hash, entry.signature))
        self.head_seq, self.head_hash = entry.seq, entry.entry_hash
        return entry

    def insert_ballot(self, r: BallotRecord) -> None:
        """Insert one ballot row; call inside :meth:`transaction`."""
        self.db.execute("INSERT INTO ballots VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (r.ballot_id, r.token_ref, r.serial, r.style, r.selections.decode("utf-8"),
                         r.sealed, r.sealed_sig, r.signature))

    def insert_spoiled(self, ballot_id: bytes, style: str, sealed: bytes, nonce_seed: bytes) -> None:
        """Record a checked (spoiled) ballot: its sealed leaf and nonce seed; call inside :meth:`transaction`."""
        for statement in SPOILED_SCHEMA:
            self.db.execute(statement)
        self.db.execute("INSERT INTO spoiled VALUES (?, ?, ?, ?)", (ballot_id, style, sealed, nonce_seed))

    def spoiled(self, unsealed_only: bool = False, batch: int | None = None) -> list[tuple[bytes, bytes]]:
        """(sealed leaf, nonce seed) of the spoiled ballots in ballot_id order: all, unsealed, or one batch's."""
        if not self._has("spoiled"):
            return []
        sql, args = "SELECT sealed, nonce_seed FROM spoiled", ()
        if unsealed_only:
            sql += " WHERE ballot_id NOT IN (SELECT ballot_id FROM spoiled_members)"
        elif batch is not None:
            sql, args = sql + " WHERE ballot_id IN (SELECT ballot_id FROM spoiled_members WHERE batch = ?)", (batch,)
        return [(_as_bytes(leaf), seed) for leaf, seed in self.db.execute(sql + " ORDER BY ballot_id", args)]

    def _has(self, table: str) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (table,)).fetchone() is not None

    def token_used(self, ref: bytes) -> bool:
        """True when a ballot in the box spent the token with this reference."""
        return self.db.execute("SELECT 1 FROM ballots WHERE token_ref = ?", (ref,)).fetchone() is not None

    # -- reading ---------------------------------------------------------------------------

    def events(self, kinds: tuple[str, ...] | None = None) -> Iterator[Entry]:
        """Every event in seq order (optionally of some kinds only)."""
        sql = "SELECT seq, kind, body, prev_hash, entry_hash, signature FROM events"
        args: tuple = ()
        if kinds:
            sql += f" WHERE kind IN ({','.join('?' * len(kinds))})"
            args = kinds
        for seq, kind, body, prev, digest, sig in self.db.execute(sql + " ORDER BY seq", args):
            yield Entry(seq, kind, _as_bytes(body), prev, digest, sig)

    def last_event(self, kinds: tuple[str, ...]) -> Entry | None:
        """The latest event of one of ``kinds``."""
        row = self.db.execute("SELECT seq, kind, body, prev_hash, entry_hash, signature FROM events"
                              f" WHERE kind IN ({','.join('?' * len(kinds))}) ORDER BY seq DESC LIMIT 1",
                              kinds).fetchone()
        return Entry(row[0], row[1], _as_bytes(row[2]), *row[3:]) if row else None

    def ballots(self, unsealed_only: bool = False, batch: int | None = None) -> Iterator[BallotRecord]:
        """Ballot rows in ballot_id order (the only order the box has): all, unsealed, or one batch's."""
        sql, args = "SELECT * FROM ballots", ()
        if unsealed_only:
            sql += " WHERE ballot_id NOT IN (SELECT ballot_id FROM batch_members)"
        elif batch is not None:
            sql, args = sql + " WHERE ballot_id IN (SELECT ballot_id FROM batch_members WHERE batch = ?)", (batch,)
        for row in self.db.execute(sql + " ORDER BY ballot_id", args):
            yield BallotRecord(row[0], row[1], row[2], row[3], _as_bytes(row[4]), *row[5:])

    def ballot_count(self) -> int:
        """Ballots in the box."""
        return self.db.execute("SELECT count(*) FROM ballots").fetchone()[0]

    def batches(self) -> list[tuple[int, bytes, bytes, bytes]]:
        """(number, canonical header, header hash, signature) of every sealed batch, in order."""
        return [(n, _as_bytes(h), d, s) for n, h, d, s in
                self.db.execute("SELECT number, header, header_hash, signature FROM batches ORDER BY number")]

    def batch_member_ids(self, number: int) -> list[bytes]:
        """The ballot ids batch ``number`` took, in id order."""
        return [r[0] for r in self.db.execute(
            "SELECT ballot_id FROM batch_members WHERE batch = ? ORDER BY ballot_id", (number,))]

    def member_count(self) -> int:
        """Ballots already in some batch."""
        return self.db.execute("SELECT count(*) FROM batch_members").fetchone()[0]

    def insert_batch(self, number: int, header: bytes, header_hash: bytes, signature: bytes,
                     ballot_ids: list[bytes], spoiled_ids: tuple[bytes, ...] = ()) -> None:
        """Record a sealed batch, its members and its spoiled ballots; call inside :meth:`transaction`."""
        self.db.execute("INSERT INTO batches VALUES (?, ?, ?, ?)",
                        (number, header.decode("utf-8"), header_hash, signature))
        for ballot_id in ballot_ids:
            self.db.execute("INSERT INTO batch_members VALUES (?, ?)", (ballot_id, number))
        for ballot_id in spoiled_ids:
            self.db.execute("INSERT INTO spoiled_members VALUES (?, ?)", (ballot_id, number))

    def compact(self) -> bool:
        """Rewrite the file in key order and empty the WAL, so the layout forgets the casting order.

        On success the log head is noted beside the store (``STORE.compacted``), so that
        :meth:`compaction_pending` can tell later whether ballots were cast since. False when
        SQLite failed (logged; the next sealing, or the next :meth:`Station.open`, tries again).
        """
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            self.db.execute("VACUUM")
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            write_atomic(self.compacted_file, f"{self.head_seq}\n".encode("ascii"))
            return True
        except (sqlite3.Error, OSError) as e:  # the batch is already sealed; compaction can wait
            log.warning("store compaction failed (%s); it is retried at the next sealing or start", e)
            return False

    @property
    def compacted_file(self) -> Path:
        """Where the log head at the last finished compaction is noted."""
        return self.path.with_name(self.path.name + ".compacted")

    def compaction_pending(self) -> bool:
        """True when the WAL holds anything, or a ballot was cast after the last finished compaction:
        then the WAL or the file's layout may still give the casting order away (a crash during
        the closing's compaction, or ballots not yet sealed)."""
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return True
        try:
            through = int(self.compacted_file.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            through = 0
        row = self.db.execute("SELECT 1 FROM events WHERE kind = 'ballot_cast' AND seq > ? LIMIT 1",
                              (through,)).fetchone()
        return row is not None
