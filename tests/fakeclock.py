"""A clock that runs with the wall clock but can be moved forward at once (the booth tests' fake clock).

Give the same instance to the camera (``ShowcaseSource(clock=...)``) and the booth
(``Appliance(clock=...)``): frames are stamped and timers run on it, so a test skips the
3 s repeat hold or an inactivity timeout by moving it, instead of sleeping.
"""

from __future__ import annotations

import time


class SkipClock:
    """``time.monotonic()`` plus an offset that :meth:`skip` moves forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def skip(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward at once."""
        self.offset += seconds
