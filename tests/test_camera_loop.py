"""The camera loop on dir: sources: events in order, stale frames dropped, a lost camera."""

from __future__ import annotations

import queue
import threading

import cv2
import numpy as np
import pytest

from kiosk.scanning import DeviceBack, DeviceLost, PayloadScanned, ScanHint, SourceEnded
from scanner import CameraLoop, open_source, start_camera_loop
from scanner.frame_slot import FrameSlot
from scanner.sources import Frame
from sync.central.sheets import token_qr

FRAME_S = 1 / 30


def code_image(*payloads, size=(480, 640)):
    frame = np.full(size + (3,), 150, np.uint8)
    for i, payload in enumerate(payloads):
        matrix = 1 - np.pad(np.array(token_qr(payload).matrix, np.uint8) & 1, 4)
        code = np.kron(matrix, np.ones((5, 5), np.uint8)) * 255
        y, x = 60, 40 + i * 300
        frame[y:y + code.shape[0], x:x + code.shape[1]] = code[..., None]
    return frame


def write_frames(folder, frames):
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"{i:04d}.png"), frame)
    return folder


def wait_for(predicate, timeout_s=20.0):
    done = threading.Event()
    for _ in range(int(timeout_s / 0.01)):
        if predicate():
            return
        done.wait(0.01)
    raise AssertionError("the loop did not get there")


def collect(events, until=SourceEnded, timeout_s=20.0):
    out = []
    while True:
        event = events.get(timeout=timeout_s)
        out.append(event)
        if isinstance(event, until):
            return out


@pytest.fixture(scope="module")
def two_tokens(small_election):
    _, official, _ = small_election
    return official["C001"][0], official["C003"][1]


def test_events_from_a_folder_in_order_on_its_own_timeline(tmp_path, two_tokens):
    a, b = two_tokens
    empty = np.full((480, 640, 3), 150, np.uint8)
    frames = [empty, code_image(a), code_image(a), code_image(a), empty, code_image(a, b),
              code_image(a, b), code_image(b), code_image(b), code_image(b)]
    events = queue.Queue()
    loop = start_camera_loop(f"dir:{write_frames(tmp_path / 'f', frames)}", events)
    got = collect(events)
    loop.stop()
    summary = [(type(e).__name__, getattr(e, "payload", None), round(getattr(e, "at_s", 0) / FRAME_S))
               for e in got[:-1]]
    assert summary == [("PayloadScanned", a, 2), ("HintShown", None, 5), ("PayloadScanned", b, 8)]
    assert got[1].hint is ScanHint.ONE_AT_A_TIME
    assert loop.stats.frames_decoded == 10 and loop.stats.frames_dropped == 0


def test_one_read_is_enough_when_the_validator_passes(tmp_path, two_tokens):
    a, _ = two_tokens
    folder = write_frames(tmp_path / "f", [code_image(a)])
    for validator, expected in ((lambda p: p.startswith("KT1"), [PayloadScanned]), (None, [])):
        events = queue.Queue()
        start_camera_loop(f"dir:{folder}", events, validator=validator)
        assert [type(e) for e in collect(events)[:-1]] == expected


def test_sample_frames_as_a_camera(tmp_path):
    """The fixed sample of hard frames played as a folder: nothing but sample payloads comes out."""
    import json
    from pathlib import Path

    sample = Path(__file__).parent / "data" / "scan_sample"
    truth = {info["payload"] for info in json.loads((sample / "manifest.json").read_text()).values()}
    events = queue.Queue()
    start_camera_loop(f"dir:{sample}", events, validator=lambda p: True)
    scanned = [e.payload for e in collect(events) if isinstance(e, PayloadScanned)]
    assert len(scanned) >= 20 and set(scanned) <= truth


class BlockingDecoder:
    def __init__(self):
        self.release = threading.Event()
        self.indices = []

    def __call__(self, image):
        self.release.wait(10)
        self.indices.append(int(image[0, 0, 0]))
        return []


def test_stale_frames_are_dropped_from_a_live_source(tmp_path):
    frames = [np.full((120, 160, 3), i, np.uint8) for i in range(10)]
    source = open_source(f"dir:{write_frames(tmp_path / 'f', frames)}?fps=200")
    assert source.live
    decoder = BlockingDecoder()
    events = queue.Queue()
    loop = CameraLoop(source, events, decode=decoder).start()
    wait_for(lambda: loop.stats.frames_read == 10)  # the grabber goes on while the decoder is busy
    decoder.release.set()
    assert isinstance(collect(events)[-1], SourceEnded)
    assert decoder.indices[-1] == 9
    assert len(decoder.indices) < 10 and loop.stats.frames_dropped == 10 - len(decoder.indices)


def test_frame_slot_keeps_the_newest_or_every_frame():
    live = FrameSlot(keep_every_frame=False)
    for i in range(3):
        live.put(Frame(np.zeros((2, 2), np.uint8), i * FRAME_S, i))
    assert live.take(0).index == 2 and live.dropped == 2
    assert live.take(0) is None
    live.close()
    assert live.closed and not live.put(Frame(np.zeros((2, 2), np.uint8), 0, 0))


def test_a_lost_folder_is_reported_and_comes_back(tmp_path, two_tokens):
    a, _ = two_tokens
    folder = write_frames(tmp_path / "camera", [np.full((120, 160, 3), 150, np.uint8)] * 3)
    events = queue.Queue()
    loop = start_camera_loop(f"dir:{folder}?loop=1", events, reconnect_interval_s=0.02)
    try:
        wait_for(lambda: loop.stats.frames_decoded >= 3)
        folder.rename(tmp_path / "unplugged")
        lost = collect(events, until=DeviceLost)[-1]
        assert lost.device == f"dir:{folder}"
        (tmp_path / "unplugged").rename(folder)
        collect(events, until=DeviceBack)
        for i in range(3):  # written aside and moved in, so that no half-written file is read
            cv2.imwrite(str(tmp_path / "new.png"), code_image(a, size=(360, 400)))
            (tmp_path / "new.png").replace(folder / f"{i:04d}.png")
        scanned = collect(events, until=PayloadScanned)
        assert scanned[-1].payload == a
        assert not any(isinstance(e, DeviceLost) for e in scanned)
    finally:
        loop.stop()
    assert not loop.running


def test_a_camera_that_is_not_there_is_reported_lost():
    events = queue.Queue()
    loop = start_camera_loop("/dev/video-none", events, reconnect_interval_s=0.05)
    try:
        event = events.get(timeout=10)
        assert isinstance(event, DeviceLost) and event.device == "camera:/dev/video-none"
        assert "no camera" in event.reason
    finally:
        loop.stop()


def test_a_hand_presentation_is_accepted_soon_after_the_code_is_in_view(tmp_path, two_tokens):
    """A slip moving into view and settling (the corpus generator), played as a folder at 30 fps."""
    from scancorpus import hand_presentation

    a, _ = two_tokens
    presentation = hand_presentation(a, np.random.default_rng(4), duration_s=1.0)
    assert presentation.condition not in ("finger", "glare")  # a seed with a readable condition
    folder = write_frames(tmp_path / "f", presentation.frames)
    events = queue.Queue()
    start_camera_loop(f"dir:{folder}", events)
    scanned = [e for e in collect(events) if isinstance(e, PayloadScanned)]
    assert [e.payload for e in scanned] == [a]
    shown_s = presentation.shown_index * FRAME_S
    assert scanned[0].at_s - shown_s <= 0.3  # on the source's timeline, not the wall clock


class EndlessCamera:
    """A live camera stand-in: a frame every 10 ms, for ever."""

    live, label = True, "endless"

    def open(self):
        self.count = 0

    def read(self):
        threading.Event().wait(0.01)
        self.count += 1
        return Frame(np.full((60, 80, 3), 150, np.uint8), self.count * 0.01, self.count)

    def close(self):
        pass


def test_a_decode_interval_slows_decoding_and_full_speed_returns_at_once():
    decoded = []
    loop = CameraLoop(EndlessCamera(), queue.Queue(), decode=lambda image: decoded.append(1) or [])
    loop.decode_interval_s = 3600.0                  # a voter on the ballot: (almost) no decoding
    loop.start()
    try:
        wait_for(lambda: len(decoded) == 1 and loop.stats.frames_read > 20)
        assert len(decoded) == 1 and loop.stats.decode_waits >= 1   # frames still grabbed, not decoded
        loop.decode_interval_s = 0.0                 # back on the attract screen: woken, not after an hour
        wait_for(lambda: len(decoded) > 5, timeout_s=5.0)
    finally:
        loop.stop()
