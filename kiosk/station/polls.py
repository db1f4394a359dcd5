"""The station's steps written to its log: open, pause, resume, close, reopen; change to official mode.

Each step asks :func:`kiosk.station.lifecycle.decide` whether the role may take it in the present
state, and writes the event the table names. Who holds the role (an unlocked card and PIN) is
the poll-worker flow's business: it passes the card's id as ``by``. A step not taken is a
value, :class:`StepRefused`; opening a station whose ballot box is not empty is refused and
logged (``polls_open_refused``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.station import eventlog as ev
from kiosk.contract.sealed_batch import SealedBatch
from kiosk.station.eventlog import Entry
from kiosk.station.lifecycle import Action, Denied, Role, decide
from kiosk.station.sealing import finish_batch, seal_in_transaction
from kiosk.station.station import Station, create_store

STEP_REFUSAL_TEXT = {
    "role_not_permitted": "this role may not take this step",
    "not_in_this_state": "this step is not allowed in the station's present state",
    "ballot_box_not_empty": "the ballot box is not empty, so the polls cannot be opened",
    "archived": "this store was archived by the change to official mode",
    "official_is_final": "an official-mode station cannot change mode",
}


@dataclass(frozen=True)
class StepRefused:
    """A step that was not taken, and why (a key of STEP_REFUSAL_TEXT)."""

    reason: str

    def __str__(self) -> str:
        return STEP_REFUSAL_TEXT[self.reason]


def _check(station: Station, action: Action, role: Role):
    if station.archived:
        return StepRefused("archived")
    decision = decide(station.state, action, role)
    return StepRefused(decision.reason.value) if isinstance(decision, Denied) else decision


def _body(station: Station, now: int, by: str | None, **extra: object) -> dict:
    body = {"time": now, "station": station.config.station, **extra}
    if by is not None:
        body["by"] = by
    return body


def _step(station: Station, action: Action, role: Role, now: int, by: str | None) -> Entry | StepRefused:
    decision = _check(station, action, role)
    if isinstance(decision, StepRefused):
        return decision
    with station.store.transaction():
        entry = station.store.append(decision.event, _body(station, now, by))
    station.state = decision.state
    return entry


def open_polls(station: Station, now: int, by: str | None = None,
               role: Role = Role.POLL_WORKER) -> Entry | StepRefused:
    """Open the polls: refused (and logged) unless the ballot box is empty."""
    decision = _check(station, Action.OPEN, role)
    if isinstance(decision, StepRefused):
        return decision
    ballots = station.store.ballot_count()
    root = station.roll.root
    with station.store.transaction():
        if ballots:
            station.store.append(ev.POLLS_OPEN_REFUSED,
                                 _body(station, now, by, reason="ballot_box_not_empty", ballots=ballots))
        else:
            entry = station.store.append(decision.event, _body(station, now, by, ballots=0,
                                                                roll_root_hex=root.root_hex if root else None))
    if ballots:
        return StepRefused("ballot_box_not_empty")
    station.state = decision.state
    return entry


def pause_polls(station: Station, now: int, by: str | None = None,
                role: Role = Role.POLL_WORKER) -> Entry | StepRefused:
    """Pause: no ballot can be cast until the polls resume."""
    return _step(station, Action.PAUSE, role, now, by)


def resume_polls(station: Station, now: int, by: str | None = None,
                 role: Role = Role.POLL_WORKER) -> Entry | StepRefused:
    """Resume after a pause."""
    return _step(station, Action.RESUME, role, now, by)


def reopen_polls(station: Station, now: int, by: str | None = None,
                 role: Role = Role.TECHNICIAN) -> Entry | StepRefused:
    """Set a closed station back to paused (a technician's step; the next batch follows the closing one)."""
    return _step(station, Action.REOPEN, role, now, by)


def close_polls(station: Station, now: int, by: str | None = None,
                role: Role = Role.POLL_WORKER) -> SealedBatch | StepRefused:
    """Close the polls and seal the closing batch (whatever its count) in one transaction."""
    decision = _check(station, Action.CLOSE, role)
    if isinstance(decision, StepRefused):
        return decision
    with station.store.transaction():
        station.store.append(decision.event, _body(station, now, by, ballots=station.ballots))
        batch = seal_in_transaction(station, now, polls_closed=True)
    station.state = decision.state
    finish_batch(station, batch)
    return batch


def change_mode(station: Station, now: int, by: str | None = None,
                role: Role = Role.TECHNICIAN) -> Entry | StepRefused:
    """Leave test mode for good: archive the test store (last entry mode_changed), start the official one.

    Also finishes a change that a crash interrupted (test store archived, no official store).
    """
    if station.mode == "official":
        return StepRefused("official_is_final")
    if not station.archived:
        decision = decide(station.state, Action.CHANGE_MODE, role)
        if isinstance(decision, Denied):
            return StepRefused(decision.reason.value)
        with station.store.transaction():
            station.store.append(decision.event, _body(station, now, by, to="official"))
    previous = {"previous_mode": "test", "previous_head_hex": station.store.head_hash.hex()}
    create_store(station.data, station.config, station.key, "official", now, previous, station.connect)
    station.use_store("official")
    return station.store.last_event((ev.STATION_PROVISIONED,))
