"""The token roll: for each token its key on the roll, mode and ballot style.

A SQLite file (``roll.sqlite``) beside ``election.json``. Minting appends entries; freezing
computes the RFC 6962 Merkle root over every entry in key order and has the authority
sign it into ``roll-root.json``; after that the roll refuses to grow. The leaf of an entry is
``key (32 bytes) || mode letter (O/T) || ballot style id (UTF-8)``. Ordering by key
makes the root independent of the order in which tokens were minted, and reveals none.

The 32-byte key (column ``ref``) is the token's own Ed25519 public key
(:func:`kiosk.contract.tokens.roll_key`), so nodes and observers look a ballot's ``token_key`` up
directly and check its signature, and no serial nor hash of one is anywhere outside the kiosk.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from kiosk.contract.envelope import read_envelope, seal_envelope, write_envelope
from kiosk.errors import FormatError, KioskError, StorageError
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.contract.merkle import leaf_hash, root_from_leaf_hashes
from kiosk.contract.tokens import MODE_LETTER, MODES

ROLL_FILE = "roll.sqlite"
ROOT_FILE = "roll-root.json"
ROOT_CONTEXT = "kiosk-roll-root/1"
ROOT_FORMAT = "kiosk-roll-root/1"


class RollFrozen(KioskError):
    """The roll is frozen: its root is signed and published, so nothing can be added."""


@dataclass(frozen=True)
class RollRoot:
    """The signed statement of a frozen roll."""

    election_hex: str
    size: int
    root_hex: str
    counts: dict


def roll_leaf(ref: bytes, mode: str, style: str) -> bytes:
    """Leaf data of one roll entry."""
    return ref + MODE_LETTER[mode].encode("ascii") + style.encode("utf-8")


class TokenRoll:
    """A token roll file. Lookups are by reference; the file holds no serial."""

    def __init__(self, directory: Path, fingerprint: bytes, authority: VerifyKey) -> None:
        self.directory = Path(directory)
        self.fingerprint = fingerprint
        self.authority = authority
        path = self.directory / ROLL_FILE
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=DELETE")
            self._db.executescript(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                "CREATE TABLE IF NOT EXISTS entries (ref BLOB PRIMARY KEY, mode TEXT NOT NULL,"
                " style TEXT NOT NULL) WITHOUT ROWID;")
            row = self._db.execute("SELECT value FROM meta WHERE key='election'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('election', ?)", (fingerprint.hex(),))
            elif row[0] != fingerprint.hex():
                raise FormatError(f"{path} is the token roll of another election",
                                  hint="use the roll that came with this election package")
        except sqlite3.Error as e:
            raise StorageError(f"cannot open the token roll {path}: {e}") from e
        self._root: RollRoot | None = None
        self._checked = False

    def close(self) -> None:
        self._db.close()

    # -- the authority's side -------------------------------------------------------------

    def add(self, entries: Iterable[tuple[bytes, str, str]]) -> int:
        """Add (ref, mode, style) entries in one transaction; refused once frozen."""
        if (self.directory / ROOT_FILE).exists():
            raise RollFrozen("the token roll is frozen: its root is signed and published",
                             hint="no tokens can be added; mint before 'tokens freeze'")
        rows = [(ref, mode, style) for ref, mode, style in entries]
        for _, mode, _ in rows:
            if mode not in MODE_LETTER:
                raise ValueError(f"unknown mode {mode!r}")
        with self._tx():
            self._db.executemany("INSERT INTO entries VALUES (?, ?, ?)", rows)
        return len(rows)

    def freeze(self, key: SigningKey) -> RollRoot:
        """Sign the Merkle root of every entry and write ``roll-root.json``."""
        if (self.directory / ROOT_FILE).exists():
            raise RollFrozen("the token roll is already frozen")
        size, root = self.compute_root()
        counts = {m: 0 for m in MODES.values()}
        for mode, n in self._db.execute("SELECT mode, count(*) FROM entries GROUP BY mode"):
            counts[mode] = n
        body = {"format": ROOT_FORMAT, "election_hex": self.fingerprint.hex(), "size": size,
                "root_hex": root.hex(), "counts": counts}
        write_envelope(self.directory / ROOT_FILE, seal_envelope(ROOT_CONTEXT, body, key))
        self._root, self._checked = None, False
        return self.root

    # -- everyone's side ------------------------------------------------------------------

    def entries(self) -> Iterator[tuple[bytes, str, str]]:
        """Every entry in reference order."""
        yield from self._db.execute("SELECT ref, mode, style FROM entries ORDER BY ref")

    def compute_root(self) -> tuple[int, bytes]:
        """(size, Merkle root) recomputed from the entries."""
        return root_from_leaf_hashes(leaf_hash(roll_leaf(*e)) for e in self.entries())

    @property
    def root(self) -> RollRoot | None:
        """The signed root, checked against the authority key; None while not frozen."""
        if self._root is None and (self.directory / ROOT_FILE).exists():
            body = read_envelope(self.directory / ROOT_FILE, ROOT_CONTEXT, self.authority,
                                 "the token roll root")
            if body.get("format") != ROOT_FORMAT or body.get("election_hex") != self.fingerprint.hex():
                raise FormatError("roll-root.json is not this election's roll root")
            self._root = RollRoot(body["election_hex"], body["size"], body["root_hex"], body["counts"])
        return self._root

    @property
    def frozen(self) -> bool:
        """True when a valid signed root exists and covers exactly the entries held."""
        root = self.root
        if root is None:
            return False
        if not self._checked:
            (n,) = self._db.execute("SELECT count(*) FROM entries").fetchone()
            if n != root.size:
                raise FormatError(f"the token roll holds {n} entries but its signed root covers {root.size}",
                                  hint="the roll file was changed after freezing; reinstall the election package")
            self._checked = True
        return True

    def verify(self) -> bool:
        """Recompute the root from every entry and compare it with the signed one."""
        root = self.root
        return root is not None and self.compute_root() == (root.size, bytes.fromhex(root.root_hex))

    def lookup(self, ref: bytes) -> tuple[str, str] | None:
        """(mode, ballot style) for a roll key (a token key), or None when the roll has no such token."""
        row = self._db.execute("SELECT mode, style FROM entries WHERE ref = ?", (ref,)).fetchone()
        return (row[0], row[1]) if row else None

    def lookup_many(self, refs: list[bytes]) -> dict[bytes, tuple[str, str]]:
        """(mode, ballot style) for each roll key it holds (a central node checks whole batches of token keys)."""
        found: dict[bytes, tuple[str, str]] = {}
        for i in range(0, len(refs), 500):  # under SQLite's bound on host parameters
            chunk = refs[i:i + 500]
            for ref, mode, style in self._db.execute(
                    f"SELECT ref, mode, style FROM entries WHERE ref IN ({','.join('?' * len(chunk))})", chunk):
                found[ref] = (mode, style)
        return found

    def count(self, style: str | None = None, mode: str | None = None) -> int:
        """How many entries, optionally of one ballot style and/or mode."""
        sql, args = "SELECT count(*) FROM entries WHERE 1=1", []
        if style is not None:
            sql, args = sql + " AND style = ?", args + [style]
        if mode is not None:
            sql, args = sql + " AND mode = ?", args + [mode]
        return self._db.execute(sql, args).fetchone()[0]

    def count_by_style(self, mode: str) -> dict[str, int]:
        """How many entries of each ballot style in a mode (one pass, not a query per style)."""
        return dict(self._db.execute("SELECT style, count(*) FROM entries WHERE mode = ? GROUP BY style", (mode,)))

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
