"""From per-frame reads to events: confirmation, repeat hold and the one-token-at-a-time hint.

Pure logic with the time passed in (``now_s``), so that tests drive it with a fake clock:

- a payload is accepted when it is read identically in two frames no more than
  ``confirm_window_s`` apart, or read once and passed by ``validator`` (the token check);
- an accepted payload is not announced again while it keeps being seen (``RepeatFilter``);
- a frame with two different codes is ignored and gives a ``ONE_AT_A_TIME`` hint (at most one
  hint per ``hint_hold_s``).
"""

from __future__ import annotations

import logging
from typing import Callable

from kiosk.scanning import (REPEAT_HOLD_S, HintShown, PayloadScanned, RepeatFilter, ScanEvent,
                            ScanHint)

log = logging.getLogger(__name__)
CONFIRM_WINDOW_S = 0.5
HINT_HOLD_S = 2.0


class FrameConfirmer:
    """Turns what each frame read into the events the booth should hear."""

    def __init__(self, device: str, validator: Callable[[str], bool] | None = None,
                 confirm_window_s: float = CONFIRM_WINDOW_S, repeat_hold_s: float = REPEAT_HOLD_S,
                 hint_hold_s: float = HINT_HOLD_S) -> None:
        self.device = device
        self.validator = validator
        self.confirm_window_s = confirm_window_s
        self.hint_hold_s = hint_hold_s
        self._repeats = RepeatFilter(repeat_hold_s)
        self._pending: tuple[str, float] | None = None
        self._last_hint_s: float | None = None

    def _confirmed(self, text: str, now_s: float) -> bool:
        if self.validator is not None and self._validates(text):
            return True
        pending = self._pending
        return pending is not None and pending[0] == text and now_s - pending[1] <= self.confirm_window_s

    def _validates(self, text: str) -> bool:
        try:
            return bool(self.validator(text))
        except Exception:  # a validator bug must not stop the camera: fall back to two frames
            log.exception("the payload validator failed (payload length %d)", len(text))
            return False

    def process(self, texts: list[str], now_s: float) -> list[ScanEvent]:
        """The events for one frame that read ``texts`` (distinct printable texts) at ``now_s``."""
        if len(texts) > 1:
            self._pending = None
            if self._last_hint_s is None or now_s - self._last_hint_s >= self.hint_hold_s:
                self._last_hint_s = now_s
                log.info("%d different codes in one frame: asking for one token at a time", len(texts))
                return [HintShown(ScanHint.ONE_AT_A_TIME, self.device, now_s)]
            return []
        if not texts:
            return []
        text = texts[0]
        if not self._confirmed(text, now_s):
            self._pending = (text, now_s)
            return []
        self._pending = (text, now_s)
        if not self._repeats.admit(text, now_s):
            return []
        log.info("code accepted from %s (%d characters)", self.device, len(text))
        return [PayloadScanned(text, self.device, now_s)]
