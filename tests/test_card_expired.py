"""An expired card: refused before its PIN is looked at, logged, and said in both languages."""

from __future__ import annotations

from pollhelp import PIN, card_file, cli
from storehelp import NOW, make_station

from kiosk.station.pinpolicy import CARD_REFUSED, UnlockRefused, check_unlock
from kiosk.station.station import Station


def test_an_expired_card_is_refused_and_logged(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    with Station.open(root) as station:
        assert check_unlock(station, cards.expired, PIN, NOW) == UnlockRefused("expired")
        assert station.store.last_event((CARD_REFUSED,)).fields()["reason"] == "expired"


def test_the_command_refuses_an_expired_card_and_the_polls_stay_shut(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    code, out, err = cli(PIN + "\n", "open", "--data", root, "--card", card_file(tmp_path, cards.expired))
    assert code == 1 and out == ""
    assert "This card has expired." in err and "유효 기간이 지났습니다" in err and "new card" in err
    with Station.open(root) as station:
        assert station.state.value == "provisioned"
