"""The open station: election, roll, kiosk key and the store of its current mode.

The life cycle itself is :mod:`kiosk.station.lifecycle` (one transition table with roles); here the
state comes back from the store's log after a restart. A test store whose log holds
``mode_changed`` is *archived*: the station moved on to official mode and writes it no more.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from kiosk.station import eventlog as ev
from kiosk.station.datadir import DataDir, StationIdentity, read_config, writer_lock
from kiosk.errors import FormatError, StorageError
from kiosk.contract.keys import SigningKey, load_signing_key
from kiosk.station.outbox import restore_outbox
from kiosk.station.lifecycle import EVENT_STATE, StationState, state_from_events
from kiosk.contract.package import ElectionPackage, load_package
from kiosk.station.store import Connect, Store, sqlite_connect

STEP_KINDS = tuple(EVENT_STATE) + (ev.MODE_CHANGED,)


def state_of(store: Store) -> tuple[StationState, bool]:
    """(the state the store's log says, whether the store is archived)."""
    kinds = [e.kind for e in store.events(STEP_KINDS)]
    if not kinds or kinds[0] != ev.STATION_PROVISIONED:
        raise FormatError(f"the store {store.path} does not begin with station_provisioned")
    return state_from_events(kinds), ev.MODE_CHANGED in kinds


def create_store(data: DataDir, config: StationIdentity, key: SigningKey, mode: str, now: int,
                 extra: dict | None = None, connect: Connect = sqlite_connect) -> None:
    """Create a mode's store file, its first entry ``station_provisioned`` naming everything."""
    store = Store.open(data.store_file(mode), key, connect=connect)
    try:
        if store.initialized:
            raise StorageError(f"{store.path} already exists", hint="a store is never created twice")
        meta = {"election_hex": config.election_hex, "kiosk_key_hex": config.kiosk_key_hex, "mode": mode,
                "station": config.station}
        store.create(meta, ev.STATION_PROVISIONED, {**meta, **(extra or {}), "time": now})
    finally:
        store.close()


def current_mode(data: DataDir, connect: Connect = sqlite_connect) -> str:
    """Official once the official store holds its first entry, else test.

    A change to official mode that stopped half-way leaves the test store archived and the
    official one missing: the station then opens in test mode, ``archived`` set, and
    :func:`kiosk.station.polls.change_mode` finishes the change.
    """
    path = data.store_file("official")
    if path.exists():
        store = Store.open(path, read_only=True, connect=connect)
        try:
            if store.initialized:
                return "official"
        finally:
            store.close()
    return "test"


class Station:
    """A provisioned station opened by its one writer: election, roll, kiosk key, current store."""

    def __init__(self, data: DataDir, config: StationIdentity, package: ElectionPackage, key: SigningKey,
                 connect: Connect, synchronous: str) -> None:
        self.data, self.config, self.package, self.key = data, config, package, key
        self.election = package.election
        self.roll = package.roll()
        self.connect, self._synchronous = connect, synchronous
        self.store: Store | None = None
        self.state = StationState.PROVISIONED
        self.archived = False
        self.ballots = 0
        self._lock: contextlib.ExitStack | None = None

    @classmethod
    def open(cls, root: Path, *, connect: Connect = sqlite_connect, synchronous: str = "FULL") -> "Station":
        """Open a station for voting: take the writer lock, check the files agree, load the store,
        write any batch file the outbox lacks, and compact the store when the WAL or the layout
        may hold a casting order (:meth:`Store.compaction_pending`)."""
        data = DataDir(Path(root))
        config = read_config(data)
        lock = contextlib.ExitStack()
        lock.enter_context(writer_lock(data))
        try:
            package = load_package(data.election)   # refuses a format-1 package (format_1_refused)
            key = load_signing_key(data.key_file)
            if package.election.fingerprint_hex != config.election_hex or key.verify_key.hex != config.kiosk_key_hex:
                raise FormatError("station.json names another election or kiosk key than the files beside it",
                                  hint="re-provision the station")
            station = cls(data, config, package, key, connect, synchronous)
        except BaseException:
            lock.close()
            raise
        station._lock = lock
        try:
            station.use_store(current_mode(data, connect))
            restore_outbox(data, station.store)  # a crash between a sealing's COMMIT and its file
            if station.store.compaction_pending():  # a crash mid-compaction, or ballots since the last
                station.store.compact()
        except BaseException:
            station.close()
            raise
        return station

    def use_store(self, mode: str) -> None:
        """Open ``mode``'s store as the current one and derive the state from its log."""
        if self.store is not None:
            self.store.close()
        self.store = Store.open(self.data.store_file(mode), self.key, connect=self.connect,
                                synchronous=self._synchronous)
        if not self.store.initialized or self.store.meta.get("kiosk_key_hex") != self.config.kiosk_key_hex \
                or self.store.meta.get("election_hex") != self.config.election_hex:
            raise FormatError(f"{self.store.path} is not this station's {mode} store",
                              hint="run kiosk verify; re-provision if the files were mixed up")
        self.refresh()

    def refresh(self) -> None:
        """Re-derive state and counts from the store (after opening, or after a failed write)."""
        self.store.reload()
        self.state, self.archived = state_of(self.store)
        self.ballots = self.store.ballot_count()

    @property
    def mode(self) -> str:
        """The current store's mode: ``test`` or ``official``."""
        return self.store.mode

    @property
    def accepts_ballots(self) -> bool:
        """Polls open, in a store still in use."""
        return self.state is StationState.POLLS_OPEN and not self.archived

    def close(self) -> None:
        """Close the store and the roll and release the writer lock."""
        if self.store is not None:
            self.store.close()
        self.roll.close()
        if self._lock is not None:
            self._lock.close()

    def __enter__(self) -> "Station":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
