"""Categories of hard frames and the seeded generator of the corpus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import cv2
import numpy as np

from scancorpus import degrade
from scancorpus.scene import (Pose, bend_slip, cluttered_background, place_slip, project,
                              slip_homography)
from scancorpus.slip import code_box, qr_modules, render_slip

DEGRADATIONS = ("rotation", "perspective", "bend", "gaussian_blur", "motion_blur", "noise", "dark",
                "low_contrast", "glare", "shadow", "finger", "jpeg", "small")
HARD_CATEGORIES = DEGRADATIONS + ("combined",)
CATEGORIES = ("clean",) + HARD_CATEGORIES + ("empty",)
SIZES = ((640, 480), (1280, 720))


@dataclass(frozen=True)
class Sample:
    """One frame of the corpus and the text printed on it (None: no code in the frame)."""

    category: str
    size: tuple[int, int]
    index: int
    image: np.ndarray
    payload: str | None

    @property
    def name(self) -> str:
        """A file name stem such as ``640x480-glare-003``."""
        return f"{self.size[0]}x{self.size[1]}-{self.category}-{self.index:03d}"


def _pose(rng: np.random.Generator, width: int, height: int, kinds: set[str]) -> Pose:
    scale = width / 640
    code_w = rng.uniform(45, 72) if "small" in kinds else rng.uniform(95, 190)
    code_w *= scale
    roll = rng.uniform(0, 360) if "rotation" in kinds else rng.uniform(-30, 30)
    if "perspective" in kinds:
        strong = rng.uniform(35, 58) * rng.choice([-1, 1])
        weak = rng.uniform(-20, 20)
        pitch, yaw = (strong, weak) if rng.random() < 0.5 else (weak, strong)
    else:
        pitch, yaw = rng.uniform(-20, 20, 2)
    margin = code_w * 0.85
    center = (rng.uniform(margin, width - margin), rng.uniform(margin, height - margin))
    return Pose(roll, pitch, yaw, center, code_w)


def _lighting_and_hand(frame, rng, kinds, code_quad, code_w, module_px):
    center = code_quad.mean(axis=0)
    if "finger" in kinds:
        side = rng.integers(0, 4)
        edge_mid = (code_quad[side] + code_quad[(side + 1) % 4]) / 2
        inward = center - edge_mid
        depth = rng.uniform(0.04, 0.22)
        tip = edge_mid + inward * depth * 2 + rng.uniform(-0.3, 0.3) * (code_quad[(side + 1) % 4] - code_quad[side])
        angle = np.degrees(np.arctan2(inward[1], inward[0])) + rng.uniform(-35, 35)
        frame = degrade.finger(frame, tuple(tip), angle, code_w * rng.uniform(0.2, 0.34), rng)
    if "glare" in kinds:
        spot = center + rng.uniform(-0.3, 0.3, 2) * code_w
        frame = degrade.glare(frame, tuple(spot), code_w * rng.uniform(0.25, 0.55), rng.uniform(0.5, 1.1), rng)
    if "shadow" in kinds:
        point = center + rng.uniform(-0.3, 0.3, 2) * code_w
        frame = degrade.hard_shadow(frame, tuple(point), rng.uniform(0, 360), rng.uniform(0.45, 0.72))
    if "dark" in kinds:
        frame = degrade.dark(frame, rng, rng.uniform(0.07, 0.22))
    if "low_contrast" in kinds:
        frame = degrade.low_contrast(frame, rng.uniform(0.12, 0.28), rng.uniform(60, 200))
    if "gaussian_blur" in kinds:
        frame = degrade.gaussian_blur(frame, module_px * rng.uniform(0.3, 0.62))
    if "motion_blur" in kinds:
        frame = degrade.motion_blur(frame, module_px * rng.uniform(0.8, 2.0), rng.uniform(0, 180))
    return frame


def _camera(frame, rng, kinds):
    frame = degrade.gaussian_blur(frame, rng.uniform(0.35, 0.8))
    frame = degrade.sensor_noise(frame, rng, rng.uniform(14, 38) if "noise" in kinds else rng.uniform(1.5, 4))
    frame = degrade.vignette(frame, rng.uniform(0.05, 0.35))
    return degrade.jpeg(frame, rng.integers(5, 16) if "jpeg" in kinds else rng.integers(70, 93))


def make_frame(payload: str | None, category: str, size: tuple[int, int], rng: np.random.Generator,
               pose: Pose | None = None, background: np.ndarray | None = None,
               motion: tuple[float, float] | None = None,
               camera_rng: np.random.Generator | None = None) -> np.ndarray:
    """One BGR camera frame of ``payload`` printed on a slip, degraded as ``category`` says.

    ``pose`` and ``background`` fix the scene (a presentation moves one slip over one
    background); ``motion`` = (length_px, angle_deg) adds the blur of a moving hand;
    ``camera_rng`` draws the sensor's noise apart from the scene's (default: ``rng``).
    """
    camera_rng = camera_rng or rng
    width, height = size
    frame = background.copy() if background is not None else cluttered_background(rng, width, height)
    if category == "empty" or payload is None:
        return _camera(frame, camera_rng, set())
    kinds = {category} - {"clean"}
    if category == "combined":
        kinds = set(rng.choice([d for d in DEGRADATIONS if d != "small"], rng.integers(2, 4), replace=False))
    pose = pose or _pose(rng, width, height, kinds)
    modules = qr_modules(payload).shape[0]
    module_px = pose.code_width_px / modules
    render_px = int(np.clip(round(module_px * 1.5), 3, 12))
    slip = render_slip(payload, rng, render_px)
    curvature = rng.uniform(0.7, 1.5) * rng.choice([-1, 1]) if "bend" in kinds else rng.uniform(-0.3, 0.3)
    slip, alpha = bend_slip(slip, curvature)
    shrink = module_px / render_px
    if shrink < 0.9:  # anti-alias before the warp shrinks the print
        slip = cv2.GaussianBlur(slip, (0, 0), 0.45 / shrink)
    x, y, side = code_box(slip.shape, render_px)
    h = slip_homography(pose, slip.shape[1], slip.shape[0], side, width)
    frame = place_slip(frame, slip, alpha, h)
    quad = project(h, np.array([[x, y], [x + side, y], [x + side, y + side], [x, y + side]], float))
    frame = _lighting_and_hand(frame, rng, kinds, quad, pose.code_width_px, module_px)
    if motion and motion[0] >= 1:
        frame = degrade.motion_blur(frame, *motion)
    return _camera(frame, camera_rng, kinds)


def generate(payloads: Sequence[str], seed: int, per_category: int,
             sizes: Sequence[tuple[int, int]] = SIZES,
             categories: Sequence[str] = CATEGORIES) -> Iterator[Sample]:
    """The corpus: ``per_category`` frames of every category at every size, reproducible by seed."""
    k = 0
    for s, size in enumerate(sizes):
        for c, category in enumerate(categories):
            for i in range(per_category):
                rng = np.random.default_rng([seed, s, CATEGORIES.index(category), i])
                payload = None if category == "empty" else payloads[k % len(payloads)]
                k += payload is not None
                yield Sample(category, tuple(size), i, make_frame(payload, category, size, rng), payload)
