"""A simulated power cut for SQLite: an APSW virtual file system that remembers what was synced.

Every write and truncate goes through to a scratch file (what the page cache would show) and
is also remembered as *pending*; ``xSync`` makes a file's pending writes durable. After a
chosen number of writes, truncates and syncs the power goes off: that operation and every
later one fails. :meth:`PowerCutVFS.crash_image` then builds what a disk could hold after
the cut: the durable content plus a random subset of the pending writes, each applied whole,
dropped, or torn at 512-byte sector boundaries (sector by sector, old or new content).

The store runs over this VFS through :class:`ApswConnection`, which gives APSW the shape of
a ``sqlite3`` connection (the only calls the store makes) and turns APSW errors into
``sqlite3`` errors. The wal-index is kept in process memory (``locking_mode=EXCLUSIVE``): it
is rebuilt from the WAL after a crash anyway.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import apsw

SECTOR = 512


class PowerCutVFS(apsw.VFS):
    """Counts write, truncate and sync operations; fails them all from ``cut_at`` on."""

    def __init__(self, name: str, cut_at: int | None) -> None:
        super().__init__(name, base="")
        self.name, self.cut_at = name, cut_at
        self.ops = 0
        self.off = False
        self.durable: dict[str, bytearray] = {}
        self.pending: dict[str, list[tuple]] = {}

    def xOpen(self, name, flags):
        return PowerCutFile(self, name, flags)

    def xDelete(self, filename, syncdir):
        self.tick()
        super().xDelete(filename, syncdir)
        if filename in self.durable:  # an unlink: taken as durable at once (SQLite syncs the directory)
            self.durable[filename], self.pending[filename] = bytearray(), []

    def tick(self) -> None:
        if self.off:
            raise apsw.IOError("the power is off")
        self.ops += 1
        if self.cut_at is not None and self.ops >= self.cut_at:
            self.off = True
            raise apsw.IOError("power cut")

    def crash_image(self, path: str, rng: random.Random) -> tuple[bytes, bool]:
        """What the disk could hold for ``path`` after the cut, and whether unsynced data was lost or torn."""
        image = bytearray(self.durable.get(path, b""))
        changed = False
        for op in self.pending.get(path, []):
            fate = rng.choice(("apply", "drop", "tear"))
            changed |= fate != "apply"
            if op[0] == "truncate":
                if fate == "apply":
                    del image[op[1]:]
                continue
            _, offset, data = op
            for start in range(offset - offset % SECTOR, offset + len(data), SECTOR):
                lo, hi = max(start, offset), min(start + SECTOR, offset + len(data))
                if fate == "apply" or (fate == "tear" and rng.random() < 0.5):
                    if len(image) < hi:
                        image.extend(bytes(hi - len(image)))
                    image[lo:hi] = data[lo - offset:hi - offset]
        return bytes(image), changed


class PowerCutFile(apsw.VFSFile):
    def __init__(self, vfs: PowerCutVFS, name, flags) -> None:
        super().__init__("", name, flags)
        self.vfs = vfs
        self.path = name.filename() if isinstance(name, apsw.URIFilename) else name
        if self.path and self.path not in vfs.durable:
            p = Path(self.path)
            vfs.durable[self.path] = bytearray(p.read_bytes() if p.exists() else b"")
            vfs.pending[self.path] = []

    def xRead(self, amount, offset):
        if self.vfs.off:
            raise apsw.IOError("the power is off")
        return super().xRead(amount, offset)

    def xWrite(self, data, offset):
        self.vfs.tick()
        super().xWrite(data, offset)
        if self.path:
            self.vfs.pending[self.path].append(("write", offset, bytes(data)))

    def xTruncate(self, newsize):
        self.vfs.tick()
        super().xTruncate(newsize)
        if self.path:
            self.vfs.pending[self.path].append(("truncate", newsize))

    def xSync(self, flags):
        self.vfs.tick()  # no real fsync: the scratch files are thrown away, only the model counts
        if self.path:
            image = self.vfs.durable[self.path]
            for op in self.vfs.pending[self.path]:
                if op[0] == "truncate":
                    del image[op[1]:]
                else:
                    _, offset, data = op
                    if len(image) < offset + len(data):
                        image.extend(bytes(offset + len(data) - len(image)))
                    image[offset:offset + len(data)] = data
            self.vfs.pending[self.path] = []


class _Rows:
    def __init__(self, rows: list) -> None:
        self.rows = rows

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list:
        return self.rows

    def __iter__(self):
        return iter(self.rows)


class ApswConnection:
    """An APSW connection with the ``sqlite3`` calls the store uses."""

    def __init__(self, path: Path, vfs: str, read_only: bool) -> None:
        flags = apsw.SQLITE_OPEN_READONLY if read_only else apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
        self.conn = apsw.Connection(str(path), flags=flags, vfs=vfs)
        self.execute("PRAGMA locking_mode=EXCLUSIVE")

    def execute(self, sql: str, args=()) -> _Rows:
        try:
            return _Rows([tuple(r) for r in self.conn.execute(sql, tuple(args))])
        except apsw.FullError as e:
            error = sqlite3.OperationalError(f"database or disk is full ({e})")
            error.sqlite_errorcode = 13
            raise error from e
        except apsw.ConstraintError as e:
            raise sqlite3.IntegrityError(str(e)) from e
        except apsw.Error as e:
            raise sqlite3.OperationalError(str(e)) from e

    def close(self) -> None:
        try:
            self.conn.close(True)
        except apsw.Error as e:
            raise sqlite3.OperationalError(str(e)) from e
