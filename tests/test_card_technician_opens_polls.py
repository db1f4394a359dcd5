"""A technician card trying to open the polls: the card unlocks, the step is refused for its role."""

from __future__ import annotations

from pollhelp import TECH_PIN, card_file, cli
from storehelp import NOW, make_station

from kiosk.station.lifecycle import Action
from kiosk.station.pinpolicy import Unlocked, check_unlock
from kiosk.station.pollsteps import take_step
from kiosk.station.polls import StepRefused
from kiosk.station.station import Station


def test_a_technician_may_not_open_the_polls(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    with Station.open(root) as station:
        who = check_unlock(station, cards.technician, TECH_PIN, NOW)
        assert isinstance(who, Unlocked)
        assert take_step(station, Action.OPEN, who, NOW, "ko") == StepRefused("role_not_permitted")
    code, out, err = cli(TECH_PIN + "\n", "open", "--data", root, "--card", card_file(tmp_path, cards.technician),
                         "--printer", f"file:{tmp_path}/paper.bin")
    assert code == 1 and "This card may not take this step." in err and "이 카드로는" in err
    assert not (tmp_path / "paper.bin").exists(), "no zero report for polls that did not open"
    with Station.open(root) as station:
        assert station.state.value == "provisioned"
