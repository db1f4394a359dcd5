"""A node's witnessing state, durable: what it cosigned per origin, and cosignatures it collected.

Its own SQLite file beside the node's store (``witness-<mode>.sqlite`` in the data dir), so the
node's HTTP handler and a ``kiosk-central witness`` run can share it: each cosigning reads the
last cosigned tree, judges, and records the new one in one IMMEDIATE transaction, and the
cosignature leaves only after that commit (a crash can never make a witness forget a tree it
signed, which is what lets it catch a fork later).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Callable

from kiosk.contract.board_checkpoint import NoteSignature
from kiosk.contract.witness import Cosigned, Refused, Tree

SCHEMA = """
CREATE TABLE IF NOT EXISTS cosigned (origin TEXT PRIMARY KEY, tree_size INTEGER NOT NULL, root BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS collected (tree_size INTEGER NOT NULL, root BLOB NOT NULL, name TEXT NOT NULL,
    key_id BLOB NOT NULL, signature BLOB NOT NULL, PRIMARY KEY (tree_size, name));
"""


def witness_path(data_dir: Path, mode: str) -> Path:
    """Where a node keeps its witnessing state."""
    return Path(data_dir) / f"witness-{mode}.sqlite"


class WitnessStore:
    """The witnessing state of one node and mode."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a cosigned tree must survive a power cut
        self.db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def last(self, origin: str) -> Tree | None:
        """The tree last cosigned for ``origin``, or None."""
        row = self.db.execute("SELECT tree_size, root FROM cosigned WHERE origin = ?", (origin,)).fetchone()
        return Tree(row[0], row[1]) if row else None

    def cosign(self, origin: str, judge: Callable[[Tree | None], Cosigned | Refused]) -> Cosigned | Refused:
        """``judge`` the last cosigned tree of ``origin``; a cosigning is recorded before it is returned."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")  # another process witnessing the same origin waits here
            try:
                found = judge(self.last(origin))
                if isinstance(found, Cosigned):
                    self.db.execute("INSERT OR REPLACE INTO cosigned VALUES (?, ?, ?)",
                                    (origin, found.tree.size, found.tree.root))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return found

    def collect(self, tree: Tree, signature: NoteSignature) -> None:
        """Keep a witness's (already verified) cosignature of this node's own tree."""
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO collected VALUES (?, ?, ?, ?, ?)",
                            (tree.size, tree.root, signature.name, signature.key_id, signature.signature))

    def latest_collected(self) -> tuple[Tree, list[NoteSignature]] | None:
        """The largest own tree with cosignatures, and them (by name), or None."""
        row = self.db.execute("SELECT tree_size, root FROM collected ORDER BY tree_size DESC LIMIT 1").fetchone()
        if row is None:
            return None
        found = self.db.execute("SELECT name, key_id, signature FROM collected WHERE tree_size = ? ORDER BY name",
                                (row[0],)).fetchall()
        return Tree(row[0], row[1]), [NoteSignature(*r) for r in found]
