"""The scene in front of the camera: a cluttered background and a slip held in 3-D."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


def cluttered_background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A booth seen by a camera: a shaded wall, boxes, stripes, print and cables."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    base = rng.uniform(60, 200, 3)
    tilt = rng.uniform(-0.25, 0.25, 2)
    shade = 1 + tilt[0] * (xx / width - 0.5) + tilt[1] * (yy / height - 0.5)
    frame = (base[None, None, :] * shade[..., None]).astype(np.float32)
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    scale = width / 640
    for _ in range(rng.integers(6, 14)):
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(0, 5)
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        if kind == 0:
            w, h = (rng.integers(20, 220, 2) * scale).astype(int)
            cv2.rectangle(frame, (x, y), (x + int(w), y + int(h)), color, -1)
        elif kind == 1:
            cv2.circle(frame, (x, y), int(rng.integers(10, 90) * scale), color, -1, cv2.LINE_AA)
        elif kind == 2:
            for i in range(int(rng.integers(3, 12))):
                step = int(rng.integers(4, 14) * scale)
                cv2.line(frame, (x + i * step, y), (x + i * step, y + int(80 * scale)), color,
                         max(1, step // 2))
        elif kind == 3:
            cv2.putText(frame, "".join(rng.choice(list("ABCDEFGH0123456789 "), 12)), (x, y),
                        cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.4, 1.4) * scale, color,
                        max(1, int(2 * scale)), cv2.LINE_AA)
        else:
            pts = np.cumsum(rng.integers(-40, 41, (8, 2)), axis=0) * scale + (x, y)
            cv2.polylines(frame, [pts.astype(np.int32)], False, color, max(1, int(4 * scale)), cv2.LINE_AA)
    texture = rng.normal(0, 6, (height // 4 + 1, width // 4 + 1, 1)).astype(np.float32)
    texture = cv2.resize(texture, (width, height), interpolation=cv2.INTER_LINEAR)[..., None]
    return np.clip(frame + texture, 0, 255).astype(np.uint8)


def bend_slip(slip: np.ndarray, curvature: float) -> tuple[np.ndarray, np.ndarray]:
    """The slip bent around a vertical cylinder (``curvature`` = slip width / radius).

    Returns the bent slip and its alpha mask (0 where the paper no longer is).
    """
    h, w = slip.shape[:2]
    alpha = np.full((h, w), 255, np.uint8)
    if abs(curvature) < 1e-3:
        return slip, alpha
    radius = w / abs(curvature)
    half_out = radius * np.sin(w / 2 / radius)
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    xo = (xx - w / 2) / (w / 2) * half_out            # where the pixel is seen from the front
    arc = radius * np.arcsin(np.clip(xo / radius, -1, 1))
    map_x = (arc + w / 2).astype(np.float32)
    sag = (1 - np.cos(arc / radius)) * radius * 0.35 * np.sign(curvature)
    map_y = (yy + sag * (yy / h - 0.5) * 2).astype(np.float32)
    bent = cv2.remap(slip, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.remap(alpha, map_x, map_y, cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT)
    shading = (0.8 + 0.2 * np.cos(arc / radius * 2))[..., None]
    return np.clip(bent * shading, 0, 255).astype(np.uint8), mask


@dataclass(frozen=True)
class Pose:
    """Where the slip is: angles in degrees, centre in frame pixels, code width in pixels."""

    roll_deg: float
    pitch_deg: float
    yaw_deg: float
    center_px: tuple[float, float]
    code_width_px: float


def slip_homography(pose: Pose, slip_w: int, slip_h: int, code_side: int, frame_w: int) -> np.ndarray:
    """The homography taking slip pixels to frame pixels for a slip held at ``pose``."""
    focal = frame_w * 0.9
    r, p, y = np.radians([pose.roll_deg, pose.pitch_deg, pose.yaw_deg])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rot = ry @ rx @ rz
    distance = focal * code_side / pose.code_width_px
    k = np.array([[focal, 0, pose.center_px[0]], [0, focal, pose.center_px[1]], [0, 0, 1]])
    offset = rot @ np.array([-slip_w / 2, -code_side / 2, 0]) + np.array([0, 0, distance])
    return k @ np.column_stack([rot[:, 0], rot[:, 1], offset])


def place_slip(frame: np.ndarray, slip: np.ndarray, alpha: np.ndarray, homography: np.ndarray) -> np.ndarray:
    """Composite the slip onto the frame through ``homography`` (anti-aliased edges)."""
    h, w = frame.shape[:2]
    warped = cv2.warpPerspective(slip, homography, (w, h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(alpha, homography, (w, h), flags=cv2.INTER_LINEAR)
    m = (mask.astype(np.float32) / 255)[..., None]
    return (frame * (1 - m) + warped * m).astype(np.uint8)


def project(homography: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Slip pixel coordinates to frame pixel coordinates."""
    pts = np.column_stack([points, np.ones(len(points))]) @ homography.T
    return pts[:, :2] / pts[:, 2:3]
