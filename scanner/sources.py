"""Frame sources: a camera (OpenCV), a video file, a folder of images; all behind one interface.

A source is opened, read frame by frame, and closed. ``open`` raises ``SourceUnavailable``
when there is nothing to open, ``read`` raises ``SourceLost`` when a source that worked stops,
and returns ``None`` at the end of a finite source. The camera loop reopens lost sources.

Timestamps: a live source (a camera, or a file or folder played at ``fps``) stamps frames with
its clock; a file or folder with ``fps=0`` is not live: it stamps frame *i* at
``i * frame_interval_s`` on its own timeline (a fake clock, so that tests are exact).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

import cv2
import numpy as np

from scanner.errors import SourceLost, SourceUnavailable
from scanner.source_url import SourceSpec, parse_source_url

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".tif", ".tiff"}
OFFLINE_FRAME_INTERVAL_S = 1 / 30
Clock = Callable[[], float]


@dataclass(frozen=True)
class Frame:
    """One image (BGR or grayscale ``uint8``) and when it was captured, in seconds."""

    image: np.ndarray
    captured_s: float
    index: int


class FrameSource(Protocol):
    """What the camera loop needs of a source of frames."""

    label: str
    live: bool  # frames keep coming whether or not they are taken: stale ones may be dropped

    def open(self) -> None:
        """Open the device or file; ``SourceUnavailable`` when there is nothing to open."""

    def read(self) -> Frame | None:
        """The next frame; None at the end of a finite source; ``SourceLost`` when it stopped."""

    def close(self) -> None:
        """Release the device (safe to call twice)."""


class _Pacer:
    """Plays a finite source at ``fps`` in real time, or stamps frames on a fixed timeline."""

    def __init__(self, fps: int, clock: Clock, sleep: Callable[[float], None]) -> None:
        self.fps, self.clock, self.sleep = fps, clock, sleep
        self._due_s: float | None = None

    def stamp(self, index: int) -> float:
        """The timestamp of frame ``index``, after waiting for its turn when paced."""
        if not self.fps:
            return index * OFFLINE_FRAME_INTERVAL_S
        now = self.clock()
        self._due_s = now if self._due_s is None else self._due_s + 1 / self.fps
        if self._due_s > now:
            self.sleep(self._due_s - now)
        else:
            self._due_s = now  # late: do not try to catch up with a burst
        return self.clock()


class CameraSource:
    """A V4L2 camera by index or device path, asked for a size, a frame rate and MJPEG."""

    live = True

    def __init__(self, spec: SourceSpec, clock: Clock = time.monotonic) -> None:
        self.spec, self.clock, self.label = spec, clock, spec.label
        self._capture: cv2.VideoCapture | None = None
        self._index = 0

    def open(self) -> None:
        target = self.spec.target if isinstance(self.spec.target, int) else str(self.spec.target)
        capture = cv2.VideoCapture(target, cv2.CAP_V4L2)
        if not capture.isOpened():
            capture.release()
            raise SourceUnavailable(f"no camera at {self.label}",
                                    "check the camera's cable, or pick another with --camera")
        if self.spec.mjpeg:
            capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.spec.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.spec.height)
        capture.set(cv2.CAP_PROP_FPS, self.spec.fps)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of old ones
        self._capture = capture

    def read(self) -> Frame | None:
        if self._capture is None:
            raise SourceLost(f"{self.label} is not open")
        ok, image = self._capture.read()
        if not ok or image is None:
            raise SourceLost(f"{self.label} gave no frame", "check the camera's cable")
        self._index += 1
        return Frame(image, self.clock(), self._index - 1)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class FolderSource:
    """The images of a folder in name order (the demo's and the tests' camera)."""

    def __init__(self, spec: SourceSpec, clock: Clock = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.spec, self.label, self.live = spec, spec.label, spec.fps > 0
        self._pacer = _Pacer(spec.fps, clock, sleep)
        self._paths: list[Path] = []
        self._index = 0
        self._count = 0  # frames given since open (the index keeps counting across a loop)

    def open(self) -> None:
        folder = Path(self.spec.target)
        paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) if folder.is_dir() else []
        if not paths:
            raise SourceUnavailable(f"no images in {self.label}", "give a folder of PNG or JPEG frames")
        self._paths, self._index, self._count = paths, 0, 0

    def read(self) -> Frame | None:
        if self._index >= len(self._paths):
            if not (self.spec.loop and self._paths):
                return None
            self._index = 0
        path = self._paths[self._index]
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise SourceLost(f"{self.label}: {path.name} can no longer be read")
        frame = Frame(image, self._pacer.stamp(self._count), self._count)
        self._index += 1
        self._count += 1
        return frame

    def close(self) -> None:
        self._paths = []


class VideoFileSource:
    """The frames of a video file, at their own pace (``fps=0``) or played at ``fps``."""

    def __init__(self, spec: SourceSpec, clock: Clock = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.spec, self.label, self.live = spec, spec.label, spec.fps > 0
        self._pacer = _Pacer(spec.fps, clock, sleep)
        self._capture: cv2.VideoCapture | None = None
        self._index = 0

    def open(self) -> None:
        capture = cv2.VideoCapture(str(self.spec.target))
        if not Path(self.spec.target).is_file() or not capture.isOpened():
            capture.release()
            raise SourceUnavailable(f"cannot play {self.label}", "give a video file OpenCV can read")
        self._capture, self._index = capture, 0

    def read(self) -> Frame | None:
        if self._capture is None:
            raise SourceLost(f"{self.label} is not open")
        ok, image = self._capture.read()
        if not ok and self.spec.loop and self._index:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = self._capture.read()
        if not ok:
            return None
        frame = Frame(image, self._pacer.stamp(self._index), self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


def open_source(url: str | SourceSpec, clock: Clock = time.monotonic) -> FrameSource:
    """The (not yet opened) source a camera URL names; ``SourceURLError`` if it does not parse."""
    spec = url if isinstance(url, SourceSpec) else parse_source_url(url)
    if spec.kind == "dir":
        return FolderSource(spec, clock)
    if spec.kind == "file":
        return VideoFileSource(spec, clock)
    return CameraSource(spec, clock)
