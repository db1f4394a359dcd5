"""A kiosk switched off and on comes back in the state its log says, in every state, and the
next step works from there (through Station.open, the way the booth and the commands start)."""

from __future__ import annotations

import pytest
from pollhelp import PIN, TECH_PIN, card_file, cli
from storehelp import NOW, choices, make_station, verify_json

from kiosk.station import eventlog as ev
from kiosk.station.casting import Cast, cast
from kiosk.station.lifecycle import Action, Role, StationState, allowed_actions
from kiosk.station.pinpolicy import ARCHIVED, Unlocked, UnlockRefused, check_unlock
from kiosk.station.pollsteps import StepTaken, take_step
from kiosk.station.station import Station

S = StationState
ROUTES = {  # the steps that lead to a state, each by (role, action)
    S.PROVISIONED: [],
    S.POLLS_OPEN: [Action.OPEN],
    S.POLLS_PAUSED: [Action.OPEN, Action.PAUSE],
    S.POLLS_CLOSED: [Action.OPEN, Action.PAUSE, Action.RESUME, Action.CLOSE],
    "reopened": [Action.OPEN, Action.CLOSE, Action.REOPEN],
}
NEXT = {S.PROVISIONED: Action.OPEN, S.POLLS_OPEN: Action.PAUSE, S.POLLS_PAUSED: Action.RESUME,
        S.POLLS_CLOSED: Action.REOPEN, "reopened": Action.CLOSE}


def step(station, cards, action, now):
    card, pin = (cards.technician, TECH_PIN) if action is Action.REOPEN else (cards.poll_worker, PIN)
    who = check_unlock(station, card, pin, now)
    assert isinstance(who, Unlocked)
    return take_step(station, action, who, now, "en")


@pytest.mark.parametrize("target", list(ROUTES), ids=lambda t: getattr(t, "value", t))
def test_restart_in_every_state(store_election, cards, tmp_path, target):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    style, payload = store_election.test[0]
    now = NOW
    with Station.open(root) as station:
        for action in ROUTES[target]:
            now += 60
            assert isinstance(step(station, cards, action, now), StepTaken)
            if action is Action.OPEN:
                assert isinstance(cast(station, payload, choices(store_election.election, style), now), Cast)
        before = (station.state, station.ballots, station.store.head_seq, station.accepts_ballots)
    with Station.open(root) as station:
        assert (station.state, station.ballots, station.store.head_seq, station.accepts_ballots) == before
        expected = S.POLLS_PAUSED if target == "reopened" else target
        assert station.state is expected
        assert station.accepts_ballots == (expected is S.POLLS_OPEN)
        assert NEXT[target] in allowed_actions(station.state, Role.TECHNICIAN if NEXT[target] is Action.REOPEN
                                               else Role.POLL_WORKER)
        assert isinstance(step(station, cards, NEXT[target], now + 60), StepTaken)
    assert verify_json(root)[0] == 0


def test_a_change_of_mode_cut_short_is_finished_by_a_technician(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    with Station.open(root) as station:  # the first half of kiosk.station.polls.change_mode, then the power went
        with station.store.transaction():
            station.store.append(ev.MODE_CHANGED, {"station": "S-0001", "time": NOW, "to": "official"})
    with Station.open(root) as station:
        assert station.mode == "test" and station.archived and not station.accepts_ballots
        assert check_unlock(station, cards.poll_worker, PIN, NOW) == UnlockRefused(ARCHIVED)
        head = station.store.head_seq
        assert isinstance(check_unlock(station, cards.technician, TECH_PIN, NOW), Unlocked)
        assert station.store.head_seq == head, "an archived store takes no more entries"
    code, out, err = cli(TECH_PIN + "\n", "mode", "official", "--data", root,
                         "--card", card_file(tmp_path, cards.technician))
    assert code == 0
    with Station.open(root) as station:
        assert station.mode == "official" and station.state is S.PROVISIONED and not station.archived
    assert verify_json(root)[0] == 0
