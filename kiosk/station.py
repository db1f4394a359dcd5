"""The station: its life as a table, its state derived from the log, and the open station.

``unprovisioned -> provisioned -> polls_open <-> polls_paused -> polls_closed``, then (test
mode only) ``archived`` by the change to official mode. Each step is one log entry; the
state after a restart is whatever the log's last step says. The poll-worker flow (cards,
PINs, reports) builds on :func:`transition` and the event kinds here.
"""

from __future__ import annotations

import contextlib
import enum
from pathlib import Path

from kiosk import eventlog as ev
from kiosk.datadir import DataDir, StationConfig, read_config, writer_lock
from kiosk.errors import FormatError, StorageError
from kiosk.keys import SigningKey, load_signing_key
from kiosk.package import ElectionPackage, load_package
from kiosk.store import Connect, Store, sqlite_connect


class State(enum.Enum):
    PROVISIONED = "provisioned"
    POLLS_OPEN = "polls_open"
    POLLS_PAUSED = "polls_paused"
    POLLS_CLOSED = "polls_closed"
    ARCHIVED = "archived"  # a test store after the change to official mode: written no more


class Action(enum.Enum):
    OPEN = "open"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    CHANGE_MODE = "change_mode"


# (state, action) -> (next state, the event kind that records the step)
TRANSITIONS: dict[tuple[State, Action], tuple[State, str]] = {
    (State.PROVISIONED, Action.OPEN): (State.POLLS_OPEN, ev.POLLS_OPENED),
    (State.POLLS_OPEN, Action.PAUSE): (State.POLLS_PAUSED, ev.POLLS_PAUSED),
    (State.POLLS_PAUSED, Action.RESUME): (State.POLLS_OPEN, ev.POLLS_RESUMED),
    (State.POLLS_OPEN, Action.CLOSE): (State.POLLS_CLOSED, ev.POLLS_CLOSED),
    (State.POLLS_PAUSED, Action.CLOSE): (State.POLLS_CLOSED, ev.POLLS_CLOSED),
    (State.PROVISIONED, Action.CHANGE_MODE): (State.ARCHIVED, ev.MODE_CHANGED),
    (State.POLLS_CLOSED, Action.CHANGE_MODE): (State.ARCHIVED, ev.MODE_CHANGED),
}
STATE_AFTER = {ev.STATION_PROVISIONED: State.PROVISIONED,
               **{kind: state for (_, _), (state, kind) in TRANSITIONS.items()}}
STEP_KINDS = tuple(STATE_AFTER)


def transition(state: State, action: Action) -> tuple[State, str] | None:
    """The next state and the event kind of a step, or None when the step is not allowed."""
    return TRANSITIONS.get((state, action))


def allowed_actions(state: State) -> list[Action]:
    """The steps a poll worker may take now (drives the buttons)."""
    return [a for (s, a) in TRANSITIONS if s == state]


def state_of(store: Store) -> State:
    """The state the store's last step says."""
    last = store.last_event(STEP_KINDS)
    if last is None:
        raise FormatError(f"the store {store.path} has no station_provisioned entry")
    return STATE_AFTER[last.kind]


def create_store(data: DataDir, config: StationConfig, key: SigningKey, mode: str, now: int,
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
    official one missing: the station then opens in test mode, state archived, and
    :func:`kiosk.polls.change_mode` finishes the change.
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

    def __init__(self, data: DataDir, config: StationConfig, package: ElectionPackage, key: SigningKey,
                 connect: Connect, synchronous: str) -> None:
        self.data, self.config, self.package, self.key = data, config, package, key
        self.election = package.election
        self.roll = package.roll()
        self.connect, self._synchronous = connect, synchronous
        self.store: Store | None = None
        self.state = State.PROVISIONED
        self.ballots = 0
        self._lock: contextlib.ExitStack | None = None

    @classmethod
    def open(cls, root: Path, *, connect: Connect = sqlite_connect, synchronous: str = "FULL") -> "Station":
        """Open a station for voting: take the writer lock, check the files agree, load the store."""
        data = DataDir(Path(root))
        config = read_config(data)
        lock = contextlib.ExitStack()
        lock.enter_context(writer_lock(data))
        try:
            package = load_package(data.election)
            key = load_signing_key(data.key_file)
            if package.election.fingerprint_hex != config.election_hex or key.verify_key.hex != config.kiosk_key_hex:
                raise FormatError("station.json names another election or kiosk key than the files beside it",
                                  hint="re-provision the station")
            station = cls(data, config, package, key, connect, synchronous)
            station._lock = lock
            station.use_store(current_mode(data, connect))
        except BaseException:
            lock.close()
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
        self.state = state_of(self.store)
        self.ballots = self.store.ballot_count()

    @property
    def mode(self) -> str:
        return self.store.mode

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
