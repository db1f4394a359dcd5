"""When to try a node again: capped exponential backoff with jitter (pure: it takes ``now``).

After the n-th failure in a row the next attempt waits ``min(cap, base * 2**(n-1))`` seconds,
shortened by up to ``jitter`` of itself by the random fraction the caller draws, so that many
kiosks that lost the same node at the same moment do not all come back at the same second.
After a success the daemon waits ``idle_s`` before looking at the outbox again.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff settings (seconds)."""

    base_s: float = 1.0
    cap_s: float = 300.0
    jitter: float = 0.5
    idle_s: float = 10.0

    def __post_init__(self) -> None:
        if not (0 < self.base_s <= self.cap_s and 0 <= self.jitter < 1 and self.idle_s > 0):
            raise ValueError("a retry policy needs 0 < base <= cap, 0 <= jitter < 1 and idle > 0")


def backoff_s(policy: RetryPolicy, failures: int, random_fraction: float) -> float:
    """The wait after ``failures`` failures in a row (0 failures: the idle wait)."""
    if failures <= 0:
        return policy.idle_s
    if not 0 <= random_fraction <= 1:
        raise ValueError("random_fraction is drawn from [0, 1]")
    delay = min(policy.cap_s, policy.base_s * 2 ** min(failures - 1, 62))
    return delay * (1 - policy.jitter * random_fraction)


def next_attempt(now: float, policy: RetryPolicy, failures: int, random_fraction: float) -> float:
    """The moment of the next attempt."""
    return now + backoff_s(policy, failures, random_fraction)
