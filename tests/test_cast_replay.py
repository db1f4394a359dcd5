"""Replay: a token is spent once, in this process, after a restart, and from another process."""

from __future__ import annotations

import subprocess
import sys

from kiosk.station.casting import Cast, admit_token, cast, commit_ballot, prepare_ballot
from kiosk.station.station import Station
from kiosk.contract.tokens import RefusalReason, Refused
from storehelp import NOW, choices, make_station, verify_json


def test_the_same_token_twice_is_refused_as_already_used(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    style, payload = store_election.test[0]
    with Station.open(root) as station:
        assert isinstance(cast(station, payload, choices(store_election.election, style), NOW), Cast)
        assert cast(station, payload, choices(store_election.election, style), NOW) == \
            Refused(RefusalReason.ALREADY_USED)


def test_the_same_token_after_a_restart_is_refused(store_election, tmp_path):
    root = make_station(store_election, tmp_path / "s")
    style, payload = store_election.test[0]
    with Station.open(root) as station:
        cast(station, payload, choices(store_election.election, style), NOW)
    with Station.open(root) as station:
        assert cast(station, payload, {}, NOW) == Refused(RefusalReason.ALREADY_USED)
        assert station.store.ballot_count() == 1
    assert verify_json(root)[0] == 0


def test_a_prepared_ballot_committed_twice_is_refused(store_election, tmp_path):
    """Two booth screens racing with one token: admitted twice, only the first commit counts."""
    root = make_station(store_election, tmp_path / "s")
    style, payload = store_election.test[0]
    with Station.open(root) as station:
        first = prepare_ballot(station, admit_token(station, payload, NOW), choices(station.election, style), NOW)
        second = prepare_ballot(station, admit_token(station, payload, NOW), choices(station.election, style), NOW)
        assert isinstance(commit_ballot(station, first, NOW), Cast)
        assert commit_ballot(station, second, NOW) == Refused(RefusalReason.ALREADY_USED)
        assert station.store.ballot_count() == 1
    assert verify_json(root)[0] == 0


def test_a_token_spent_by_another_process_is_refused(store_election, tmp_path):
    """The restart is a real one: a separate Python process casts, this one replays."""
    root = make_station(store_election, tmp_path / "s")
    style, payload = store_election.test[0]
    script = ("import sys; from kiosk.station.station import Station; from kiosk.station.casting import cast, Cast\n"
              "with Station.open(sys.argv[1]) as s:\n"
              "    r = cast(s, sys.argv[2], {}, 0)\n"
              "    sys.exit(0 if isinstance(r, Cast) else 1)\n")
    assert subprocess.run([sys.executable, "-c", script, str(root), payload], timeout=60).returncode == 0
    with Station.open(root) as station:
        assert cast(station, payload, choices(store_election.election, style), NOW) == \
            Refused(RefusalReason.ALREADY_USED)
