"""The camera loop's decoder: the whole cascade when the scene moves, the fast read while it is still.

Most of a booth's day the camera looks at an empty, unchanging booth, and the cascade's
retries (several milliseconds) would find nothing there frame after frame. So the retries run
when the scene has changed since they last ran (a hand, a slip, a change of light), and at
least every ``full_every_frames`` frames otherwise (a slip held very still in bad light still
gets them several times a second). The fast read (zxing-cpp, under a millisecond) runs on
every frame. The change test compares 80x60 thumbnails: sensor noise averages out there.
"""

from __future__ import annotations

import cv2
import numpy as np

from scanner.decode import decode_retries, is_image, to_gray
from scanner.decoders import zxing_texts

THUMB_SIZE = (80, 60)
CHANGE_GREY_LEVELS = 3.0   # mean absolute difference of thumbnails that counts as movement
FULL_EVERY_FRAMES = 6      # at 30 fps: the retries at least 5 times a second


class StillSceneDecoder:
    """``decoder(frame) -> list[str]`` with memory of the scene; one per camera loop (one thread)."""

    def __init__(self, change_grey_levels: float = CHANGE_GREY_LEVELS,
                 full_every_frames: int = FULL_EVERY_FRAMES) -> None:
        self.change_grey_levels = change_grey_levels
        self.full_every_frames = full_every_frames
        self.full_runs = 0
        self.fast_only_runs = 0
        self._thumb_at_last_full: np.ndarray | None = None
        self._frames_since_full = 0

    def _moved(self, thumb: np.ndarray) -> bool:
        last = self._thumb_at_last_full
        if last is None or last.shape != thumb.shape:
            return True
        return float(cv2.absdiff(thumb, last).mean()) > self.change_grey_levels

    def __call__(self, frame: np.ndarray) -> list[str]:
        if not is_image(frame):
            return []
        gray = to_gray(frame)
        texts = zxing_texts(gray)
        if texts:
            return texts
        thumb = cv2.resize(gray, THUMB_SIZE, interpolation=cv2.INTER_AREA)
        self._frames_since_full += 1
        if not self._moved(thumb) and self._frames_since_full < self.full_every_frames:
            self.fast_only_runs += 1
            return []
        self._thumb_at_last_full, self._frames_since_full = thumb, 0
        self.full_runs += 1
        return decode_retries(gray)[0]
