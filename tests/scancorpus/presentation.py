"""A simulated hand presentation: the slip moves into view, slows down and settles, at 30 fps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scancorpus.corpus import make_frame
from scancorpus.scene import Pose, cluttered_background

CONDITIONS = ("clean", "dark", "low_contrast", "glare", "shadow", "finger", "noise", "bend", "perspective")


@dataclass(frozen=True)
class Presentation:
    """Frames at ``fps``; ``shown_index`` is the first frame with the whole code in view."""

    frames: list[np.ndarray]
    shown_index: int
    payload: str
    fps: float
    condition: str


def _in_view(pose: Pose, width: int, height: int) -> bool:
    half = pose.code_width_px * 0.75  # the rotated code's half extent, with a little slack
    x, y = pose.center_px
    return half <= x <= width - half and half <= y <= height - half


def hand_presentation(payload: str, rng: np.random.Generator, size: tuple[int, int] = (640, 480),
                      fps: float = 30.0, duration_s: float = 1.5) -> Presentation:
    """The slip enters from an edge over 0.2-0.5 s (easing out), then trembles in the hand."""
    width, height = size
    condition = str(rng.choice(CONDITIONS))
    background = cluttered_background(rng, width, height)
    code_w = rng.uniform(110, 200) * width / 640
    rest = np.array([rng.uniform(code_w, width - code_w), rng.uniform(code_w, height - code_w)])
    edge = rng.integers(0, 4)
    start = rest.copy()
    start[edge % 2] = -code_w if edge < 2 else (width, height)[edge % 2] + code_w
    enter_s = rng.uniform(0.2, 0.5)
    roll0, roll1 = rng.uniform(-40, 40, 2)
    pitch, yaw = rng.uniform(-15, 15, 2)
    if condition == "perspective":
        pitch = rng.uniform(30, 50) * rng.choice([-1, 1])
    scene_seed = int(rng.integers(0, 2**63))
    frames, shown, previous = [], None, None
    exposure = 0.5  # of the frame interval: the shutter is open half the time
    for i in range(int(duration_s * fps)):
        t = i / fps
        u = min(1.0, t / enter_s)
        ease = 1 - (1 - u) ** 3
        tremor = rng.normal(0, 1.2, 2) * width / 640
        center = start + (rest - start) * ease + tremor
        pose = Pose(roll0 + (roll1 - roll0) * ease, pitch, yaw, (float(center[0]), float(center[1])), code_w)
        motion = None
        if previous is not None:
            step = center - previous
            motion = (float(np.hypot(*step)) * exposure, float(np.degrees(np.arctan2(step[1], step[0]))))
        previous = center
        scene_rng = np.random.default_rng(scene_seed)  # the same slip and light in every frame
        frames.append(make_frame(payload, condition, size, scene_rng, pose=pose, background=background,
                                 motion=motion, camera_rng=rng))
        if shown is None and _in_view(pose, width, height):
            shown = i
    return Presentation(frames, shown if shown is not None else len(frames), payload, fps, condition)

