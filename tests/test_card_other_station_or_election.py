"""A card of another station, of another election, or signed by another authority: refused, logged."""

from __future__ import annotations

import pytest
from pollhelp import PIN, card_file, cli
from storehelp import NOW, make_station

from kiosk.station.pinpolicy import CARD_REFUSED, UnlockRefused, check_unlock
from kiosk.station.station import Station


@pytest.mark.parametrize("kind, reason, english, korean", [
    ("other_station", "wrong_station", "another polling station", "다른 투표소"),
    ("other_election", "other_election", "another election", "다른 선거"),
    ("other_authority", "bad_signature", "not signed by this election's authority", "관리 기관이 서명한"),
])
def test_a_card_for_elsewhere_is_refused(store_election, cards, tmp_path, kind, reason, english, korean):
    root = make_station(store_election, tmp_path / "s", cards=cards)
    payload = getattr(cards, kind)
    with Station.open(root) as station:
        assert check_unlock(station, payload, PIN, NOW) == UnlockRefused(reason)
        assert station.store.last_event((CARD_REFUSED,)).fields() == {"reason": reason, "station": "S-0001",
                                                                       "time": NOW}
    code, out, err = cli(PIN + "\n", "pause", "--data", root, "--card", card_file(tmp_path, payload))
    assert code == 1 and english in err and korean in err
    with Station.open(root) as station:
        assert station.state.value == "polls_open"
