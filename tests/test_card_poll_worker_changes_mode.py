"""A poll worker trying to change the mode: refused, and the test store stays the store in use."""

from __future__ import annotations

from pollhelp import PIN, TECH_PIN, card_file, cli
from storehelp import make_station

from kiosk.station.station import Station


def test_a_poll_worker_may_not_change_the_mode(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    code, out, err = cli(PIN + "\n", "mode", "official", "--data", root, "--card", card_file(tmp_path, cards.poll_worker))
    assert code == 1 and "This card may not take this step." in err and "이 카드로는" in err
    with Station.open(root) as station:
        assert station.mode == "test" and not station.archived
    assert not (root / "store-official.sqlite").exists()
    # the technician's card does it
    code, out, err = cli(TECH_PIN + "\n", "mode", "official", "--data", root,
                         "--card", card_file(tmp_path, cards.technician))
    assert code == 0 and "official mode" in out
    with Station.open(root) as station:
        assert station.mode == "official" and station.ballots == 0
