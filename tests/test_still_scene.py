"""The loop's decoder: retries when the scene moves, and at least every few frames when it is still."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from scanner.decode import decode_traced
from scanner.still_scene import StillSceneDecoder

SAMPLE = Path(__file__).parent / "data" / "scan_sample"


def test_a_still_empty_scene_gets_the_retries_now_and_then():
    scene = cv2.imread(str(SAMPLE / "640x480-empty-000.jpg"))
    rng = np.random.default_rng(1)
    decoder = StillSceneDecoder(full_every_frames=6)
    for _ in range(60):
        noisy = np.clip(scene + rng.normal(0, 3, scene.shape), 0, 255).astype(np.uint8)
        assert decoder(noisy) == []
    assert decoder.full_runs == 10 and decoder.fast_only_runs == 50


def test_a_moving_scene_gets_the_retries_every_frame():
    frames = [cv2.imread(str(SAMPLE / f"640x480-empty-00{i}.jpg")) for i in (0, 1)]
    decoder = StillSceneDecoder()
    for i in range(10):
        decoder(frames[i % 2])
    assert decoder.full_runs == 10


def test_a_hard_code_held_still_is_read_within_the_interval():
    manifest = json.loads((SAMPLE / "manifest.json").read_text())
    name = next(n for n in sorted(manifest) if n.startswith("640x480")
                and decode_traced(cv2.imread(str(SAMPLE / n)))[1] not in (None, "zxing"))
    frame, payload = cv2.imread(str(SAMPLE / name)), manifest[name]["payload"]
    decoder = StillSceneDecoder(full_every_frames=6)
    reads = [decoder(frame) for _ in range(12)]
    assert reads[0] == [payload] and reads.count([payload]) >= 2


def test_not_an_image():
    assert StillSceneDecoder()(None) == [] and StillSceneDecoder()(np.zeros(3)) == []
