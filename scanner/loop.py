"""The camera loop: frames from a source, decoded off the UI thread, events onto a queue.

Two threads: one grabs frames (and reopens a lost camera every ``reconnect_interval_s``),
one decodes the newest frame (``StillSceneDecoder``: the whole cascade when the scene
moves) and turns reads into events (``FrameConfirmer``). The booth
drains the queue with ``get_nowait`` (or ``kiosk.scanning.drain``) and never waits on the
camera. Events: ``PayloadScanned``, ``HintShown``, ``DeviceLost``, ``DeviceBack``,
``SourceEnded``.

``decode_interval_s`` slows the decoding down while no scan is wanted (the booth sets it while
a voter is on the ballot: a scan is only heard on the idle and poll-worker screens). Frames
are still grabbed (a lost camera is still noticed) and decoded every ``decode_interval_s``, so
a token still in view keeps being seen and is not announced again when full speed returns.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from kiosk.scanning import DeviceBack, DeviceLost, ScanEvent, SourceEnded, offer
from scanner.confirm import FrameConfirmer
from scanner.errors import SourceUnavailable
from scanner.frame_slot import FrameSlot
from scanner.sources import Clock, FrameSource, open_source
from scanner.still_scene import StillSceneDecoder

log = logging.getLogger(__name__)
RECONNECT_INTERVAL_S = 1.0


@dataclass
class LoopStats:
    """Counters of a running loop (read without locking: they only grow)."""

    frames_read: int = 0
    frames_decoded: int = 0
    frames_dropped: int = 0
    decode_s_total: float = 0.0
    reconnects: int = 0
    decode_waits: int = 0


class CameraLoop:
    """Reads ``source`` in its own threads and puts ``ScanEvent`` values on ``events``."""

    def __init__(self, source: FrameSource, events: "queue.Queue[ScanEvent]",
                 validator: Callable[[str], bool] | None = None,
                 decode: Callable[[np.ndarray], list[str]] | None = None,
                 reconnect_interval_s: float = RECONNECT_INTERVAL_S, clock: Clock = time.monotonic,
                 confirmer: FrameConfirmer | None = None) -> None:
        self.source, self.events, self.clock = source, events, clock
        self.decode = decode or StillSceneDecoder()
        self.reconnect_interval_s = reconnect_interval_s
        self.confirmer = confirmer or FrameConfirmer(source.label, validator)
        self.stats = LoopStats()
        self._slot = FrameSlot(keep_every_frame=not source.live)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._interval_s = 0.0
        self._last_decode_s: float | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> "CameraLoop":
        """Start both threads (daemons: they never keep the process alive)."""
        self._threads = [threading.Thread(target=self._grab, name="camera-grab", daemon=True),
                         threading.Thread(target=self._decode, name="camera-decode", daemon=True)]
        for t in self._threads:
            t.start()
        return self

    @property
    def decode_interval_s(self) -> float:
        """The least time between two decoded frames (0: every frame the decoder can take)."""
        return self._interval_s

    @decode_interval_s.setter
    def decode_interval_s(self, seconds: float) -> None:
        if seconds != self._interval_s:
            self._interval_s = max(0.0, seconds)
            self._wake.set()   # a decoder waiting out a long interval looks again at once

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop both threads and close the source."""
        self._stop.set()
        self._wake.set()
        self._slot.close()
        for t in self._threads:
            t.join(timeout_s)

    @property
    def running(self) -> bool:
        """True while the decoding thread runs."""
        return any(t.is_alive() for t in self._threads)

    def _emit(self, event: ScanEvent) -> None:
        offer(self.events, event)

    def _lost(self, reason: str, already_lost: bool) -> None:
        if not already_lost:
            log.warning("camera %s lost: %s", self.source.label, reason)
            self._emit(DeviceLost(self.source.label, reason, self.clock()))

    def _grab(self) -> None:
        is_open, lost = False, False
        try:
            while not self._stop.is_set():
                if not is_open:
                    try:
                        self.source.open()
                    except SourceUnavailable as e:
                        self._lost(e.message, lost)
                        lost = True
                        self._stop.wait(self.reconnect_interval_s)
                        continue
                    is_open = True
                    if lost:
                        self.stats.reconnects += 1
                        log.info("camera %s is back", self.source.label)
                        self._emit(DeviceBack(self.source.label, self.clock()))
                        lost = False
                try:
                    frame = self.source.read()
                except Exception as e:  # SourceLost, or OpenCV's own errors on unplugging
                    self.source.close()
                    is_open = False
                    self._lost(getattr(e, "message", type(e).__name__), lost)
                    lost = True
                    self._stop.wait(self.reconnect_interval_s)
                    continue
                if frame is None:
                    break
                self.stats.frames_read += 1
                if not self._slot.put(frame):
                    break
        finally:
            self.source.close()
            self._slot.close()

    def _wait_for_turn(self) -> None:
        while self._interval_s and self._last_decode_s is not None and not self._stop.is_set():
            remaining = self._last_decode_s + self._interval_s - time.monotonic()
            if remaining <= 0:
                return
            self.stats.decode_waits += 1
            self._wake.wait(remaining)
            self._wake.clear()

    def _decode(self) -> None:
        while not self._stop.is_set():
            self._wait_for_turn()
            frame = self._slot.take(timeout_s=0.2)
            if frame is None:
                if self._slot.closed:
                    break
                continue
            started = time.perf_counter()
            self._last_decode_s = time.monotonic()
            try:
                texts = self.decode(frame.image)
            except Exception:  # a decoder bug must not take the camera down
                log.exception("decoding a frame failed")
                texts = []
            self.stats.decode_s_total += time.perf_counter() - started
            self.stats.frames_decoded += 1
            self.stats.frames_dropped = self._slot.dropped
            for event in self.confirmer.process(texts, frame.captured_s):
                self._emit(event)
        if not self._stop.is_set():
            self._emit(SourceEnded(self.source.label, self.clock()))


def start_camera_loop(url: str, events: "queue.Queue[ScanEvent]",
                      validator: Callable[[str], bool] | None = None, **options) -> CameraLoop:
    """Open the source a camera URL names and start a loop on it (the booth's one call)."""
    return CameraLoop(open_source(url), events, validator=validator, **options).start()
