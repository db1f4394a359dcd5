"""A hand-over point for frames between the grabbing and the decoding thread.

From a live source the decoder always gets the newest frame: a frame not yet taken is
replaced by a newer one (and counted as dropped) rather than queued, so the booth never
reacts to what the camera saw seconds ago. From a file or folder played without pacing, the
grabber waits instead, so that every frame is decoded in order (exact, repeatable tests).
"""

from __future__ import annotations

import threading

from scanner.sources import Frame


class FrameSlot:
    """Holds at most one frame. ``put`` by the grabber, ``take`` by the decoder."""

    def __init__(self, keep_every_frame: bool) -> None:
        self.keep_every_frame = keep_every_frame
        self.dropped = 0
        self._frame: Frame | None = None
        self._closed = False
        self._cond = threading.Condition()

    def put(self, frame: Frame) -> bool:
        """Offer a frame; False once the slot is closed."""
        with self._cond:
            if self.keep_every_frame:
                self._cond.wait_for(lambda: self._frame is None or self._closed)
            if self._closed:
                return False
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._cond.notify_all()
            return True

    def take(self, timeout_s: float) -> Frame | None:
        """The waiting frame, or None after ``timeout_s`` or when closed and empty."""
        with self._cond:
            self._cond.wait_for(lambda: self._frame is not None or self._closed, timeout_s)
            frame, self._frame = self._frame, None
            self._cond.notify_all()
            return frame

    def close(self) -> None:
        """No more frames will come; wakes both sides."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        """Closed and emptied: the decoder is done."""
        with self._cond:
            return self._closed and self._frame is None
