"""What both SQL node stores answer with the same queries (SQLite and PostgreSQL).

The queries are written with ``?`` placeholders; each store runs them through its own
``_one``, ``_all`` and ``_execute`` (the PostgreSQL store turns ``?`` into ``%s``). A store
supplies those three, ``transaction()``, ``_lock``, ``_depth``, ``_frontier``,
``_load_frontier()`` and ``_best_acks()``.
"""

from __future__ import annotations

import json
from typing import Iterator

from kiosk.contract.batch import header_from_json
from kiosk.contract.canonical import parse_json
from kiosk.errors import StorageError
from sync.central.store import StoredBatch


def in_order(found: dict, indexes: list[int]) -> list:
    """``found[i]`` for each board index asked for; a missing leaf is a damaged store, said so."""
    try:
        return [found[i] for i in indexes]
    except KeyError as e:
        raise StorageError(f"the node store's board has no leaf {e.args[0]}: the store was altered or damaged",
                           "restore the node's store from a copy, or ingest the batches again into a new one") from None


def _stored(row: tuple) -> StoredBatch:
    header = header_from_json(parse_json(row[0], "a stored batch header"))
    return StoredBatch(header, row[1], row[2])


class SharedQueries:
    """The NodeStore methods whose SQL is the same on both stores."""

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

    def _encode_frontier(self) -> str:
        return json.dumps([[h, x.hex()] for h, x in self._frontier.stack])
