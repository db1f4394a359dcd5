"""The daemon's pure parts: the backoff schedule and the push plan."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from sync.pusher import plan
from sync.schedule import RetryPolicy, backoff_s, next_attempt

POLICY = RetryPolicy(base_s=1.0, cap_s=300.0, jitter=0.5, idle_s=10.0)


def test_backoff_doubles_then_stays_at_the_cap():
    waits = [backoff_s(POLICY, n, 0.0) for n in range(1, 12)]
    assert waits[:9] == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    assert waits[9:] == [300, 300]
    assert backoff_s(POLICY, 10_000, 0.0) == 300  # no overflow after days of failures
    assert backoff_s(POLICY, 0, 0.7) == 10  # after success: the idle wait


@given(st.integers(1, 200), st.floats(0, 1))
def test_jitter_only_shortens_and_never_below_half(failures, fraction):
    full = backoff_s(POLICY, failures, 0.0)
    wait = backoff_s(POLICY, failures, fraction)
    assert full * (1 - POLICY.jitter) <= wait <= full
    assert next_attempt(1000.0, POLICY, failures, fraction) == 1000.0 + wait


def test_bad_policies_and_fractions_are_refused():
    with pytest.raises(ValueError):
        RetryPolicy(base_s=10, cap_s=1)
    with pytest.raises(ValueError):
        backoff_s(POLICY, 1, 1.5)


def test_plan_sends_what_the_node_lacks_and_what_we_hold_no_ack_for():
    numbers = [1, 2, 3, 4, 5]
    assert plan(numbers, delivered=set(), accepted_through=0) == [1, 2, 3, 4, 5]
    assert plan(numbers, delivered={1, 2, 3}, accepted_through=3) == [4, 5]
    assert plan(numbers, delivered={1, 3}, accepted_through=3) == [2, 4, 5]  # answer to 2 was lost: get a duplicate
    assert plan(numbers, delivered={1, 2, 3, 4, 5}, accepted_through=2) == [3, 4, 5]  # the node lost data: again
    assert plan(numbers, delivered={1, 2, 3, 4, 5}, accepted_through=5) == []
