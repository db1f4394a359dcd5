"""The PIN attempts policy as a pure function of the log: free tries, doubling waits, the lock."""

from __future__ import annotations

import pytest

from kiosk.station.pinpolicy import (CARD_LOCKED, FIRST_WAIT_S, LOCK_AT, MUST_WAIT, PIN_REFUSED, UNLOCKED, WRONG_PIN,
                             Attempts, attempts, wait_after)


def wrong(card="A", time=100):
    return PIN_REFUSED, {"card_id": card, "reason": WRONG_PIN, "time": time}


@pytest.mark.parametrize("failures, wait_s", [(0, 0), (1, 0), (4, 0), (5, 15), (6, 30), (7, 60), (14, 15 * 512),
                                               (15, 0), (40, 0)])
def test_waits_double_after_five_free_tries(failures, wait_s):
    assert wait_after(failures) == wait_s


def test_five_wrong_pins_start_the_wait_from_the_last_one():
    events = [wrong(time=t) for t in (100, 101, 102, 103, 110)]
    assert attempts("A", events) == Attempts(5, 110 + FIRST_WAIT_S)
    assert attempts("A", events[:4]) == Attempts(4, None)


def test_a_right_pin_clears_the_count_and_other_cards_do_not_count():
    events = [wrong()] * 4 + [(UNLOCKED, {"card_id": "A", "time": 200})] + [wrong()] * 2 + [wrong("B")] * 9
    assert attempts("A", events) == Attempts(2, None)
    assert attempts("B", events).failures == 9


def test_waiting_and_locked_refusals_are_not_wrong_pins():
    events = [wrong()] * 5 + [(PIN_REFUSED, {"card_id": "A", "reason": MUST_WAIT, "time": 101})] * 3
    assert attempts("A", events).failures == 5


def test_locked_at_fifteen():
    state = attempts("A", [wrong()] * LOCK_AT)
    assert state.locked and state.attempts_left == 0 and state.wait_until_s is None
    assert not attempts("A", [wrong()] * (LOCK_AT - 1)).locked
    assert attempts("A", [(PIN_REFUSED, {"card_id": "A", "reason": CARD_LOCKED, "time": 1})]).failures == 0
