"""The station's steps as log entries: open, pause, resume, close the polls; change to official mode.

Core functions only: who may take a step (cards, PINs) and what gets printed (zero report,
results tape) belong to the poll-worker flow, which passes the unlocked card's id as ``by``.
A step that the state table does not allow is refused as a value; so is opening a station
whose ballot box is not empty (and that refusal is logged).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk import eventlog as ev
from kiosk.batch import SealedBatch
from kiosk.eventlog import Entry
from kiosk.sealing import finish_batch, seal_in_transaction
from kiosk.station import Action, State, Station, create_store, transition

STEP_REFUSAL_TEXT = {
    "not_allowed": "this step is not allowed in the station's present state",
    "ballot_box_not_empty": "the ballot box is not empty, so the polls cannot be opened",
    "official_is_final": "an official-mode station cannot change mode",
}


@dataclass(frozen=True)
class StepRefused:
    """A step that was not taken, and why (a key of STEP_REFUSAL_TEXT)."""

    reason: str

    def __str__(self) -> str:
        return STEP_REFUSAL_TEXT[self.reason]


def _body(station: Station, now: int, by: str | None, **extra: object) -> dict:
    body = {"time": now, "station": station.config.station, **extra}
    if by is not None:
        body["by"] = by
    return body


def _simple_step(station: Station, action: Action, now: int, by: str | None) -> Entry | StepRefused:
    step = transition(station.state, action)
    if step is None:
        return StepRefused("not_allowed")
    with station.store.transaction():
        entry = station.store.append(step[1], _body(station, now, by))
    station.state = step[0]
    return entry


def open_polls(station: Station, now: int, by: str | None = None) -> Entry | StepRefused:
    """Open the polls: refused (and logged) unless the ballot box is empty."""
    step = transition(station.state, Action.OPEN)
    if step is None:
        return StepRefused("not_allowed")
    ballots = station.store.ballot_count()
    root = station.roll.root
    with station.store.transaction():
        if ballots:
            station.store.append(ev.POLLS_OPEN_REFUSED,
                                 _body(station, now, by, reason="ballot_box_not_empty", ballots=ballots))
        else:
            entry = station.store.append(step[1], _body(station, now, by, ballots=0,
                                                        roll_root_hex=root.root_hex if root else None))
    if ballots:
        return StepRefused("ballot_box_not_empty")
    station.state = step[0]
    return entry


def pause_polls(station: Station, now: int, by: str | None = None) -> Entry | StepRefused:
    """Pause: no ballot can be cast until the polls resume."""
    return _simple_step(station, Action.PAUSE, now, by)


def resume_polls(station: Station, now: int, by: str | None = None) -> Entry | StepRefused:
    """Resume after a pause."""
    return _simple_step(station, Action.RESUME, now, by)


def close_polls(station: Station, now: int, by: str | None = None) -> SealedBatch | StepRefused:
    """Close the polls and seal the closing batch (whatever its count) in one transaction."""
    step = transition(station.state, Action.CLOSE)
    if step is None:
        return StepRefused("not_allowed")
    with station.store.transaction():
        station.store.append(step[1], _body(station, now, by, ballots=station.ballots))
        batch = seal_in_transaction(station, now, polls_closed=True)
    station.state = step[0]
    finish_batch(station, batch)
    return batch


def change_mode(station: Station, now: int, by: str | None = None) -> Entry | StepRefused:
    """Leave test mode for good: archive the test store (last entry mode_changed), start the official one.

    Also finishes a change that a crash interrupted (test store archived, no official store).
    """
    if station.mode == "official":
        return StepRefused("official_is_final")
    if station.state is not State.ARCHIVED:
        step = transition(station.state, Action.CHANGE_MODE)
        if step is None:
            return StepRefused("not_allowed")
        with station.store.transaction():
            station.store.append(step[1], _body(station, now, by, to="official"))
    previous = {"previous_mode": "test", "previous_head_hex": station.store.head_hash.hex()}
    create_store(station.data, station.config, station.key, "official", now, previous, station.connect)
    station.use_store("official")
    return station.store.last_event((ev.STATION_PROVISIONED,))
