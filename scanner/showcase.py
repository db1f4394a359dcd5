"""A live camera stand-in for demos: an empty scene until an image is held up to it.

``ShowcaseSource`` behaves like a camera (live, paced frames) and shows a plain scene;
``hold_up(image, seconds)`` puts an image in front of it for a while, as a hand would. It
follows the ``FrameSource`` protocol, so the real camera loop and decoder read from it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np

from scanner.errors import SourceUnavailable
from scanner.sources import Clock, Frame

FRAME_INTERVAL_S = 1 / 30


class ShowcaseSource:
    """An empty, slightly noisy scene (640 x 480 at 30 fps unless told); ``hold_up`` shows an image in the middle."""

    live = True

    def __init__(self, size: tuple[int, int] = (640, 480), clock: Clock = time.monotonic,
                 fps: float = 1 / FRAME_INTERVAL_S) -> None:
        self.label = "showcase"
        self.size, self.clock = size, clock
        self.interval_s = 1 / fps
        self._lock = threading.Lock()
        self._shown: np.ndarray | None = None
        self._until_s = 0.0
        self._count = 0
        rng = np.random.default_rng(7)
        w, h = size
        self._scene = np.clip(rng.normal(150, 6, (h, w, 3)), 0, 255).astype(np.uint8)

    def open(self) -> None:
        self._count = 0

    def hold_up(self, image: np.ndarray | Path, seconds: float = 1.5) -> None:
        """Show ``image`` (a path or BGR array) for ``seconds``, scaled to half the frame height."""
        if not isinstance(image, np.ndarray):
            image = cv2.imread(str(image), cv2.IMREAD_COLOR)
            if image is None:
                raise SourceUnavailable(f"cannot read the image {image}", "give a PNG or JPEG")
        w, h = self.size
        side = h // 2
        scaled = cv2.resize(image, (side, side * image.shape[0] // image.shape[1]), interpolation=cv2.INTER_AREA)
        frame = self._scene.copy()
        y, x = (h - scaled.shape[0]) // 2, (w - scaled.shape[1]) // 2
        frame[y:y + scaled.shape[0], x:x + scaled.shape[1]] = scaled
        with self._lock:
            self._shown, self._until_s = frame, self.clock() + seconds

    def take_away(self) -> None:
        """The hand moves away: the empty scene again."""
        with self._lock:
            self._shown = None

    def read(self) -> Frame | None:
        time.sleep(self.interval_s)
        now = self.clock()
        with self._lock:
            image = self._shown if self._shown is not None and now < self._until_s else self._scene
        self._count += 1
        return Frame(image, now, self._count)

    def close(self) -> None:
        with self._lock:
            self._shown = None


def write_held_up_frames(folder: Path, token_png: Path, count: int = 150, held: range = range(10, 20)) -> None:
    """Camera frames as JPEG files for a ``dir:`` source: the empty scene, with ``token_png``
    held up in the frames numbered in ``held`` (the emulated boot's camera)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = ShowcaseSource()
    source.hold_up(token_png)
    shown, empty = source._shown, source._scene
    for i in range(count):
        cv2.imwrite(str(folder / f"{i:04d}.jpg"), shown if i in held else empty, [cv2.IMWRITE_JPEG_QUALITY, 90])
