"""What a cheap camera and a voter's hand do to a frame. Every function returns a new image."""

from __future__ import annotations

import cv2
import numpy as np


def gaussian_blur(frame: np.ndarray, sigma_px: float) -> np.ndarray:
    """Out of focus."""
    return cv2.GaussianBlur(frame, (0, 0), sigma_px) if sigma_px > 0.05 else frame


def motion_blur(frame: np.ndarray, length_px: float, angle_deg: float) -> np.ndarray:
    """The slip moving during the exposure: a line kernel ``length_px`` long."""
    n = max(3, int(np.ceil(length_px)) | 1)
    kernel = np.zeros((n, n), np.float32)
    c = n // 2
    dx, dy = np.cos(np.radians(angle_deg)) * length_px / 2, np.sin(np.radians(angle_deg)) * length_px / 2
    cv2.line(kernel, (int(round(c - dx)), int(round(c - dy))), (int(round(c + dx)), int(round(c + dy))), 1.0, 1,
             cv2.LINE_AA)
    return cv2.filter2D(frame, -1, kernel / kernel.sum())


def sensor_noise(frame: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    """Gaussian noise of standard deviation ``sigma`` grey levels, partly shared by the channels."""
    h, w = frame.shape[:2]
    luma = rng.normal(0, sigma, (h, w, 1)).astype(np.float32)
    chroma = rng.normal(0, sigma * 0.4, frame.shape).astype(np.float32)
    return np.clip(frame + luma + chroma, 0, 255).astype(np.uint8)


def dark(frame: np.ndarray, rng: np.random.Generator, light: float) -> np.ndarray:
    """Poor light: the signal scaled by ``light``, then the camera's gain brings the noise up."""
    gain = rng.uniform(1.0, 1.8)
    dim = frame.astype(np.float32) * light
    noisy = dim + rng.normal(0, 2.5, frame.shape[:2] + (1,)).astype(np.float32)
    return np.clip(np.round(noisy) * gain, 0, 255).astype(np.uint8)


def low_contrast(frame: np.ndarray, contrast: float, level: float) -> np.ndarray:
    """Haze or a washed-out exposure: grey levels squeezed around ``level``."""
    return np.clip(level + (frame.astype(np.float32) - level) * contrast, 0, 255).astype(np.uint8)


def glare(frame: np.ndarray, center: tuple[float, float], radius_px: float, strength: float,
          rng: np.random.Generator) -> np.ndarray:
    """A reflection of a lamp on the glossy slip: a bright, partly saturated ellipse."""
    h, w = frame.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    ratio = rng.uniform(0.3, 1.0)
    dx, dy = xx - center[0], yy - center[1]
    u = (dx * np.cos(angle) + dy * np.sin(angle)) / radius_px
    v = (-dx * np.sin(angle) + dy * np.cos(angle)) / (radius_px * ratio)
    spot = np.exp(-(u * u + v * v) * 1.5) * strength
    return np.clip(frame + spot[..., None] * 255, 0, 255).astype(np.uint8)


def hard_shadow(frame: np.ndarray, point: tuple[float, float], angle_deg: float, depth: float) -> np.ndarray:
    """The shadow of a head or a booth wall: one side of a line darkened by ``depth``."""
    h, w = frame.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    nx, ny = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    side = ((xx - point[0]) * nx + (yy - point[1]) * ny) > 0
    factor = np.where(side, 1 - depth, 1.0).astype(np.float32)
    factor = cv2.GaussianBlur(factor, (0, 0), 1.2)
    return (frame * factor[..., None]).astype(np.uint8)


def finger(frame: np.ndarray, tip: tuple[float, float], angle_deg: float, width_px: float,
           rng: np.random.Generator) -> np.ndarray:
    """A thumb over the slip: a shaded skin-coloured capsule from outside up to ``tip``."""
    out = frame.copy()
    length = width_px * 4
    d = np.array([np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))])
    start = np.array(tip) - d * length
    skin = np.array([rng.uniform(90, 150), rng.uniform(120, 175), rng.uniform(170, 235)])
    layer = np.zeros(frame.shape[:2], np.uint8)
    cv2.line(layer, tuple(int(v) for v in start), tuple(int(v) for v in tip), 255, int(width_px), cv2.LINE_AA)
    soft = cv2.GaussianBlur(layer, (0, 0), max(1.0, width_px / 10)).astype(np.float32) / 255
    mask = (layer.astype(np.float32) / 255)[..., None]
    shade = (0.65 + 0.35 * soft)[..., None]
    return (out * (1 - mask) + skin * shade * mask).astype(np.uint8)


def jpeg(frame: np.ndarray, quality: int) -> np.ndarray:
    """A round trip through JPEG at ``quality`` (what an MJPEG camera sends)."""
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def vignette(frame: np.ndarray, strength: float) -> np.ndarray:
    """Darker corners, as with every cheap lens."""
    h, w = frame.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    return (frame * (1 - strength * r2 / 2)[..., None]).astype(np.uint8)
