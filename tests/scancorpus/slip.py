"""A printed token slip: the real QR symbol of a payload on paper, with its printed labels."""

from __future__ import annotations

import cv2
import numpy as np
import segno

QUIET_ZONE_MODULES = 4


def qr_modules(payload: str) -> np.ndarray:
    """The module matrix (1 = dark) of the token symbol the sheets print, quiet zone included."""
    qr = segno.make(payload, error="m", boost_error=False, mode="alphanumeric", micro=False)
    matrix = np.array([list(row) for row in qr.matrix], dtype=np.uint8) & 1
    return np.pad(matrix, QUIET_ZONE_MODULES)


def render_slip(payload: str, rng: np.random.Generator, module_px: int = 8) -> np.ndarray:
    """A BGR image of a paper slip: the code, two printed label lines and a paper tint.

    Ink spreads a little (a blurred, re-thresholded edge) and the paper is never pure white,
    as on a laser-printed sheet.
    """
    modules = qr_modules(payload)
    code = np.kron(1 - modules, np.ones((module_px, module_px), np.uint8)) * 255
    spread = rng.uniform(-0.12, 0.12) * module_px
    if abs(spread) >= 0.5:
        kernel = np.ones((int(abs(spread)) + 1,) * 2, np.uint8)
        code = cv2.erode(code, kernel) if spread > 0 else cv2.dilate(code, kernel)
    side = code.shape[0]
    label_px = int(side * 0.32)
    slip = np.full((side + label_px, side + module_px * 2), 255, np.uint8)
    slip[:side, module_px:module_px + side] = code
    scale = side / 330
    for i, text in enumerate(("GYEONGGI TTABOK 2017", f"C{rng.integers(1, 999):03d}  COMMUNITY")):
        cv2.putText(slip, text, (int(module_px * 2), side + int((i + 1) * label_px * 0.42)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.7 * scale, 40, max(1, int(2 * scale)), cv2.LINE_AA)
    paper = np.array(rng.uniform(225, 250, 3))
    ink = np.array(rng.uniform(10, 45, 3))
    norm = slip.astype(np.float32)[..., None] / 255
    bgr = ink + (paper - ink) * norm
    return np.clip(bgr, 0, 255).astype(np.uint8)


def code_box(slip_shape: tuple[int, ...], module_px: int) -> tuple[int, int, int]:
    """(x, y, side) of the code's area, quiet zone included, inside a slip from ``render_slip``."""
    side = slip_shape[1] - module_px * 2
    return module_px, 0, side
