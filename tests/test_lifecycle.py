"""Every (state, action, role) triple of the station's life, and restart from the log."""

from __future__ import annotations

import itertools

import pytest

from kiosk.station.lifecycle import (Action, Allowed, Denial, Denied, Role, StationState, accepts_ballots,
                             allowed_actions, decide, state_from_events)

S, A, R = StationState, Action, Role

EXPECTED_MOVES = {
    (S.UNPROVISIONED, A.PROVISION, R.TECHNICIAN): S.PROVISIONED,
    (S.PROVISIONED, A.OPEN, R.POLL_WORKER): S.POLLS_OPEN,
    (S.POLLS_OPEN, A.PAUSE, R.POLL_WORKER): S.POLLS_PAUSED,
    (S.POLLS_PAUSED, A.RESUME, R.POLL_WORKER): S.POLLS_OPEN,
    (S.POLLS_OPEN, A.CLOSE, R.POLL_WORKER): S.POLLS_CLOSED,
    (S.POLLS_PAUSED, A.CLOSE, R.POLL_WORKER): S.POLLS_CLOSED,
    (S.POLLS_CLOSED, A.REOPEN, R.TECHNICIAN): S.POLLS_PAUSED,
}
POLL_WORKER_ONLY = {A.OPEN, A.PAUSE, A.RESUME, A.CLOSE, A.PRINT_REPORT, A.EXPORT}
TECHNICIAN_ONLY = {A.PROVISION, A.SELF_TEST, A.CHANGE_MODE, A.REOPEN}


@pytest.mark.parametrize("state, action, role", list(itertools.product(S, A, R)))
def test_every_triple(state, action, role):
    result = decide(state, action, role)
    if (role is R.POLL_WORKER and action in TECHNICIAN_ONLY) or (role is R.TECHNICIAN and action in POLL_WORKER_ONLY):
        assert result == Denied(Denial.ROLE_NOT_PERMITTED)
    elif (state, action, role) in EXPECTED_MOVES:
        assert result == Allowed(EXPECTED_MOVES[state, action, role], result.event) and result.event
    elif isinstance(result, Allowed):
        assert result.state is state, "only the listed moves change the state"
    else:
        assert result == Denied(Denial.NOT_IN_THIS_STATE)
    assert (action in allowed_actions(state, role)) == isinstance(result, Allowed)


def test_closing_is_final_for_poll_workers():
    for action in A:
        result = decide(S.POLLS_CLOSED, action, R.POLL_WORKER)
        assert not isinstance(result, Allowed) or result.state is S.POLLS_CLOSED


def test_technician_cannot_open_and_poll_worker_cannot_provision():
    assert decide(S.PROVISIONED, A.OPEN, R.TECHNICIAN) == Denied(Denial.ROLE_NOT_PERMITTED)
    assert decide(S.UNPROVISIONED, A.PROVISION, R.POLL_WORKER) == Denied(Denial.ROLE_NOT_PERMITTED)


def test_mode_change_never_while_the_polls_are_open_or_paused():
    assert isinstance(decide(S.POLLS_OPEN, A.CHANGE_MODE, R.TECHNICIAN), Denied)
    assert isinstance(decide(S.POLLS_PAUSED, A.CHANGE_MODE, R.TECHNICIAN), Denied)


@pytest.mark.parametrize("kinds, state", [
    ([], S.UNPROVISIONED),
    (["station_provisioned", "software_attested"], S.PROVISIONED),
    (["station_provisioned", "polls_opened", "ballot_cast", "ballot_cast"], S.POLLS_OPEN),
    (["station_provisioned", "polls_opened", "polls_paused"], S.POLLS_PAUSED),
    (["station_provisioned", "polls_opened", "polls_paused", "polls_resumed", "polls_closed"], S.POLLS_CLOSED),
    (["station_provisioned", "polls_opened", "polls_closed", "polls_reopened"], S.POLLS_PAUSED),
])
def test_restart_comes_back_in_the_state_the_log_says(kinds, state):
    assert state_from_events(kinds) is state
    assert accepts_ballots(state) == (state is S.POLLS_OPEN)
