"""A wrong PIN five and fifteen times: the waits, the lock, every attempt logged (never the PIN),
and none of it forgotten when the kiosk restarts."""

from __future__ import annotations

from pollhelp import PIN, TECH_PIN, card_file, cli
from storehelp import NOW, make_station, verify_json

from kiosk.station.lifecycle import Role
from kiosk.station.pinpolicy import (CARD_LOCKED, MUST_WAIT, PIN_REFUSED, UNLOCKED, WRONG_PIN, Unlocked, UnlockRefused,
                             check_unlock)
from kiosk.station.station import Station

WRONG = "864209"


def unlock_events(root):
    with Station.open(root) as station:
        return [(e.kind, e.fields()) for e in station.store.events((PIN_REFUSED, UNLOCKED))]


def test_five_wrong_pins_make_the_card_wait_even_across_a_restart(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    with Station.open(root) as station:
        for n in range(1, 5):
            assert check_unlock(station, cards.poll_worker, WRONG, NOW + n) == UnlockRefused(WRONG_PIN, None, 15 - n)
        assert check_unlock(station, cards.poll_worker, WRONG, NOW + 5) == UnlockRefused(WRONG_PIN, NOW + 20, 10)
        # while it waits even the right PIN is refused, and not checked
        assert check_unlock(station, cards.poll_worker, PIN, NOW + 6) == UnlockRefused(MUST_WAIT, NOW + 20, 10)
        # another card is not held back by this one
        assert isinstance(check_unlock(station, cards.technician, TECH_PIN, NOW + 6), Unlocked)
    with Station.open(root) as station:  # switched off and on: still waiting
        assert check_unlock(station, cards.poll_worker, PIN, NOW + 19) == UnlockRefused(MUST_WAIT, NOW + 20, 10)
        unlocked = check_unlock(station, cards.poll_worker, PIN, NOW + 20)
        assert unlocked == Unlocked(unlocked.card, Role.POLL_WORKER)
        # the right PIN cleared the count: four free tries again
        assert check_unlock(station, cards.poll_worker, WRONG, NOW + 21) == UnlockRefused(WRONG_PIN, None, 14)
    events = unlock_events(root)
    assert [body["reason"] for kind, body in events if kind == PIN_REFUSED] == [WRONG_PIN] * 5 + [MUST_WAIT] * 2 \
        + [WRONG_PIN]
    assert all(set(body) <= {"card_id", "reason", "failures", "station", "time", "role"} for _, body in events)
    assert verify_json(root)[0] == 0


def test_fifteen_wrong_pins_lock_the_card(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    now, waits = NOW, []
    with Station.open(root) as station:
        for n in range(1, 15):
            refused = check_unlock(station, cards.poll_worker, WRONG, now)
            assert refused.reason == WRONG_PIN and refused.attempts_left == 15 - n
            if refused.wait_until_s:
                waits.append(refused.wait_until_s - now)
                now = refused.wait_until_s
            now += 1
        assert waits == [15 * 2 ** i for i in range(10)]
        assert check_unlock(station, cards.poll_worker, WRONG, now) == UnlockRefused(CARD_LOCKED, None, 0)
    with Station.open(root) as station:  # a restart, and a day later: still locked, whatever the PIN
        assert check_unlock(station, cards.poll_worker, PIN, now + 86_400) == UnlockRefused(CARD_LOCKED, None, 0)
        assert isinstance(check_unlock(station, cards.technician, TECH_PIN, now), Unlocked)
    log_text = repr(unlock_events(root))
    assert WRONG not in log_text
    assert verify_json(root)[0] == 0


def test_the_command_says_how_long_to_wait_in_both_languages(store_election, cards, tmp_path):
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    card = card_file(tmp_path, cards.poll_worker)
    for n in range(5):
        code, out, err = cli(WRONG + "\n", "open", "--data", root, "--card", card)
        assert code == 1 and "The PIN is wrong." in err and "비밀번호가 틀렸습니다." in err
    code, out, err = cli(PIN + "\n", "open", "--data", root, "--card", card)
    assert code == 1, "the right PIN is not even checked during the wait"
    assert "the card must wait" in err and "기다려야" in err and "10 more wrong PINs" in err
    assert WRONG not in out + err and PIN not in out + err
    with Station.open(root) as station:
        assert station.state.value == "provisioned"


def test_the_change_to_official_mode_gives_no_fresh_count(store_election, cards, tmp_path):
    """Wrong PINs in the test store still count after the change to official mode (a new store):
    the count is read from the archived test store's log too."""
    root = make_station(store_election, tmp_path / "s", polls_open=False, cards=cards)
    with Station.open(root) as station:
        for n in range(5):  # five wrong PINs: the card must wait 15 s
            check_unlock(station, cards.poll_worker, WRONG, NOW + n)
    code, _, err = cli(TECH_PIN + "\n", "mode", "official", "--data", root, "--card", card_file(tmp_path, cards.technician))
    assert code == 0, err
    with Station.open(root) as station:
        assert station.mode == "official"
        later = NOW + 10_000  # long after every wait
        assert check_unlock(station, cards.poll_worker, WRONG, later) == UnlockRefused(WRONG_PIN, later + 30, 9)  # the sixth: 30 s, not a first
