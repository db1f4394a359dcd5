"""The station's life as one transition table, with the role allowed to take each step.

``unprovisioned → provisioned → polls_open ⇄ polls_paused → polls_closed``. Closing is final
for poll workers; only a technician may set a closed station back to paused (and that is
logged and printed). ``allowed_actions(state, role)`` drives the poll-worker menu's buttons;
``decide(state, action, role)`` says what happens or why not. Pure: the caller writes the
event the decision names into the signed log, and the state after a restart is
``state_from_events`` over that log.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable


class StationState(enum.Enum):
    UNPROVISIONED = "unprovisioned"
    PROVISIONED = "provisioned"
    POLLS_OPEN = "polls_open"
    POLLS_PAUSED = "polls_paused"
    POLLS_CLOSED = "polls_closed"


class Role(enum.Enum):
    POLL_WORKER = "poll-worker"
    TECHNICIAN = "technician"


class Action(enum.Enum):
    PROVISION = "provision"
    SELF_TEST = "self_test"
    CHANGE_MODE = "change_mode"
    OPEN = "open"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    REOPEN = "reopen"            # closed → paused, technician only
    PRINT_REPORT = "print_report"
    EXPORT = "export"
    STATUS = "status"


S, A, R = StationState, Action, Role

# (state, action) -> (state after, event kind written to the log)
TRANSITIONS: dict[tuple[StationState, Action], tuple[StationState, str]] = {
    (S.UNPROVISIONED, A.PROVISION): (S.PROVISIONED, "station_provisioned"),
    (S.PROVISIONED, A.OPEN): (S.POLLS_OPEN, "polls_opened"),
    (S.POLLS_OPEN, A.PAUSE): (S.POLLS_PAUSED, "polls_paused"),
    (S.POLLS_PAUSED, A.RESUME): (S.POLLS_OPEN, "polls_resumed"),
    (S.POLLS_OPEN, A.CLOSE): (S.POLLS_CLOSED, "polls_closed"),
    (S.POLLS_PAUSED, A.CLOSE): (S.POLLS_CLOSED, "polls_closed"),
    (S.POLLS_CLOSED, A.REOPEN): (S.POLLS_PAUSED, "polls_reopened"),
}

# actions that do not change the state, and where they may be taken
STAYING: dict[Action, tuple[frozenset[StationState], str]] = {
    A.SELF_TEST: (frozenset({S.PROVISIONED, S.POLLS_PAUSED, S.POLLS_CLOSED}), "self_test"),
    A.CHANGE_MODE: (frozenset({S.PROVISIONED, S.POLLS_CLOSED}), "mode_changed"),
    A.PRINT_REPORT: (frozenset({S.PROVISIONED, S.POLLS_OPEN, S.POLLS_PAUSED, S.POLLS_CLOSED}), "report_printed"),
    A.EXPORT: (frozenset({S.POLLS_OPEN, S.POLLS_PAUSED, S.POLLS_CLOSED}), "exported"),
    A.STATUS: (frozenset(S), ""),
}

PERMITTED: dict[Role, frozenset[Action]] = {
    R.POLL_WORKER: frozenset({A.OPEN, A.PAUSE, A.RESUME, A.CLOSE, A.PRINT_REPORT, A.EXPORT, A.STATUS}),
    R.TECHNICIAN: frozenset({A.PROVISION, A.SELF_TEST, A.CHANGE_MODE, A.REOPEN, A.STATUS}),
}

EVENT_STATE = {event: after for (_, _), (after, event) in TRANSITIONS.items()}


class Denial(enum.Enum):
    ROLE_NOT_PERMITTED = "role_not_permitted"
    NOT_IN_THIS_STATE = "not_in_this_state"


@dataclass(frozen=True)
class Allowed:
    """The step may be taken: the state after it and the event to log (empty: log nothing)."""

    state: StationState
    event: str


@dataclass(frozen=True)
class Denied:
    reason: Denial


def decide(state: StationState, action: Action, role: Role) -> Allowed | Denied:
    """May ``role`` take ``action`` in ``state``? The role is checked first, so a technician
    asking to open the polls hears that the role may not, whatever the state."""
    if action not in PERMITTED[role]:
        return Denied(Denial.ROLE_NOT_PERMITTED)
    if (state, action) in TRANSITIONS:
        after, event = TRANSITIONS[state, action]
        return Allowed(after, event)
    if action in STAYING and state in STAYING[action][0]:
        return Allowed(state, STAYING[action][1])
    return Denied(Denial.NOT_IN_THIS_STATE)


def allowed_actions(state: StationState, role: Role) -> list[Action]:
    """The actions ``role`` may take now, in menu order."""
    return [a for a in Action if isinstance(decide(state, a, role), Allowed)]


def state_from_events(kinds: Iterable[str]) -> StationState:
    """The state a log leaves the station in (the kinds of its events, in order)."""
    state = S.UNPROVISIONED
    for kind in kinds:
        state = EVENT_STATE.get(kind, state)
    return state


def accepts_ballots(state: StationState) -> bool:
    """A ballot can be cast only while the polls are open."""
    return state is S.POLLS_OPEN
