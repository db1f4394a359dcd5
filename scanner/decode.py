"""Decoding QR codes in a camera frame: ``decode_frame(frame) -> list[str]``, a measured cascade.

The order and the steps come from ``bench/scan_bench.py`` on synthetic hard frames (see
docs/scanner.md for the table):

1. grayscale once; zxing-cpp on the frame as it is (about 0.5 ms at 640x480, reads most frames);
2. only when that fails, cheap retries, all with zxing-cpp, on a working image of at most
   ``WORK_WIDTH_PX`` pixels across (a 1280x720 frame is halved first, which alone reads
   some blurred and noisy frames): histogram-equalised, enlarged 1.5x, unsharp-masked, CLAHE;
3. last, pyzbar, but only on a frame whose texture looks like a sharp code (``code_texture``):
   it reads codes with a thumb or a glare over a finder pattern that zxing-cpp misses, and it
   costs ten times as much, so it must not run on every empty frame.

The first step that reads anything wins. Every step is bounded by the working image's size,
so no frame costs more than a few tens of milliseconds. Only printable ASCII is returned.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

from scanner.decoders import zbar_texts, zxing_texts

WORK_WIDTH_PX = 800           # frames wider than this are shrunk for the retries ...
WORK_SHRINK_TO_PX = 640       # ... to this width
CODE_TEXTURE_THRESHOLD = 8.4  # measured: empty cluttered frames mostly below, pyzbar's wins above
UPSCALE = 1.5


def to_gray(frame: np.ndarray) -> np.ndarray:
    """A grayscale ``uint8`` view of a BGR, BGRA or grayscale image (converted once)."""
    if frame.dtype != np.uint8:
        frame = np.clip(frame, 0, 255).astype(np.uint8)
    if frame.ndim == 2:
        return np.ascontiguousarray(frame)
    if frame.ndim == 3 and frame.shape[2] == 1:
        return np.ascontiguousarray(frame[:, :, 0])
    if frame.ndim == 3 and frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    if frame.ndim == 3 and frame.shape[2] == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    raise ValueError(f"not an image: shape {frame.shape}")


def working_image(gray: np.ndarray) -> np.ndarray:
    """The image the retries work on: the frame itself, or shrunk when it is large."""
    h, w = gray.shape
    if w <= WORK_WIDTH_PX:
        return gray
    return cv2.resize(gray, (WORK_SHRINK_TO_PX, max(1, round(h * WORK_SHRINK_TO_PX / w))),
                      interpolation=cv2.INTER_AREA)


def equalized(gray: np.ndarray) -> np.ndarray:
    """Global histogram equalisation: dark and washed-out frames."""
    return cv2.equalizeHist(gray)


def enlarged(gray: np.ndarray) -> np.ndarray:
    """1.5x bicubic enlargement: small, far and slightly blurred codes."""
    return cv2.resize(gray, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_CUBIC)


def unsharp(gray: np.ndarray) -> np.ndarray:
    """Unsharp mask with a 5x5 box blur: out-of-focus and moving codes."""
    return cv2.addWeighted(gray, 2.0, cv2.blur(gray, (5, 5)), -1.0, 0)


_per_thread = threading.local()


def clahe(gray: np.ndarray) -> np.ndarray:
    """Contrast-limited local equalisation: glare and hard shadows across the code."""
    if not hasattr(_per_thread, "clahe"):  # an OpenCV CLAHE object is not shared across threads
        _per_thread.clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    return _per_thread.clahe.apply(gray)


def code_texture(gray: np.ndarray) -> float:
    """How much the sharpest code-sized patch looks like QR modules (edge energy / contrast).

    Computed on a quarter-size image in well under a millisecond.
    """
    small = cv2.resize(gray, (max(1, gray.shape[1] // 4), max(1, gray.shape[0] // 4)),
                       interpolation=cv2.INTER_AREA).astype(np.float32)
    edges = cv2.blur(np.abs(cv2.Laplacian(small, cv2.CV_32F, ksize=3)), (9, 9))
    mean = cv2.blur(small, (9, 9))
    std = np.sqrt(np.maximum(cv2.blur(small * small, (9, 9)) - mean * mean, 0))
    return float(np.max(edges / (std + 8)))


def _zbar_if_code_like(gray: np.ndarray) -> list[str]:
    return zbar_texts(gray) if code_texture(gray) >= CODE_TEXTURE_THRESHOLD else []


@dataclass(frozen=True)
class Step:
    """One step of the cascade: what it does to the working image, and which decoder reads it."""

    name: str
    prepare: Callable[[np.ndarray], np.ndarray]
    read: Callable[[np.ndarray], list[str]]


RETRIES = (
    Step("zxing-equalized", equalized, zxing_texts),
    Step("zxing-enlarged", enlarged, zxing_texts),
    Step("zxing-unsharp", unsharp, zxing_texts),
    Step("zxing-clahe", clahe, zxing_texts),
    Step("pyzbar-if-code-like", lambda g: g, _zbar_if_code_like),
)


def is_image(frame: object) -> bool:
    """True for a non-empty BGR, BGRA or grayscale array (anything else reads nothing)."""
    if not isinstance(frame, np.ndarray) or frame.size == 0 or min(frame.shape[:2]) < 2:
        return False
    return frame.ndim == 2 or (frame.ndim == 3 and frame.shape[2] in (1, 3, 4))


def decode_retries(gray: np.ndarray) -> tuple[list[str], str | None]:
    """The cascade after a failed fast read: the retries in order, the first that reads wins."""
    work = working_image(gray)
    if work is not gray:
        texts = zxing_texts(work)
        if texts:
            return texts, "zxing-shrunk"
    for step in RETRIES:
        texts = step.read(step.prepare(work))
        if texts:
            return texts, step.name
    return [], None


def decode_traced(frame: np.ndarray, retries: bool = True) -> tuple[list[str], str | None]:
    """The texts read and the name of the step that read them (None when nothing was read).

    ``retries=False`` runs the fast read alone.
    """
    if not is_image(frame):
        return [], None
    gray = to_gray(frame)
    texts = zxing_texts(gray)
    if texts:
        return texts, "zxing"
    return decode_retries(gray) if retries else ([], None)


def decode_frame(frame: np.ndarray) -> list[str]:
    """The texts of the QR codes in a BGR or grayscale image (empty when none is read).

    Never raises on an image, never returns a text that is not printable ASCII.
    """
    return decode_traced(frame)[0]


def decode_still(frame: np.ndarray) -> list[str]:
    """Every text any step of the cascade reads in a still image, in order of first reading.

    For a photo or scan read once (a results tape with several QR codes): the camera loop stops at
    the first step that reads anything, which may be one code of several; here every step runs.
    """
    if not is_image(frame):
        return []
    gray = to_gray(frame)
    work = working_image(gray)
    texts = zxing_texts(gray) + (zxing_texts(work) if work is not gray else [])
    for step in RETRIES:
        texts += step.read(step.prepare(work))
    return list(dict.fromkeys(texts))
