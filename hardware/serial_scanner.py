"""A USB-CDC handheld QR scanner on a serial port: one code per line, into the scan events.

It feeds the same ``queue.Queue`` of ``kiosk.scanning`` events as the camera loop:
``PayloadScanned`` for each code (the same payload is held back for ``repeat_hold_s`` while it
keeps coming, as a scanner in continuous mode sends it), ``DeviceLost`` when the port goes
away (unplugged) and ``DeviceBack`` when it can be opened again. Any pyserial URL works:
``/dev/ttyACM0``, ``loop://`` (a fake that reads back what is written), ``socket://host:port``.
Only printable ASCII lines count; anything else is counted and dropped, never logged.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable

import serial

from hardware.line_splitter import LineSplitter
from kiosk.scanning import (REPEAT_HOLD_S, DeviceBack, DeviceLost, PayloadScanned, RepeatFilter,
                            ScanEvent, is_printable_payload, offer)

log = logging.getLogger(__name__)
RECONNECT_INTERVAL_S = 1.0
READ_TIMEOUT_S = 0.2


class SerialScanner:
    """Reads codes from a serial scanner in its own thread; ``start`` and ``stop``."""

    def __init__(self, url: str, events: "queue.Queue[ScanEvent]", baudrate: int = 9600,
                 reconnect_interval_s: float = RECONNECT_INTERVAL_S, repeat_hold_s: float = REPEAT_HOLD_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.url, self.events, self.baudrate, self.clock = url, events, baudrate, clock
        self.label = f"serial:{url}"
        self.reconnect_interval_s = reconnect_interval_s
        self.unreadable_lines = 0
        self._repeats = RepeatFilter(repeat_hold_s)
        self._splitter = LineSplitter()
        self.connected = threading.Event()  # set while the port is open
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "SerialScanner":
        """Start reading (a daemon thread)."""
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop reading and close the port."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        """True while the reading thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def _emit(self, event: ScanEvent) -> None:
        offer(self.events, event)

    def _open(self) -> serial.SerialBase | None:
        try:
            return serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=READ_TIMEOUT_S)
        except (serial.SerialException, OSError, ValueError) as e:
            self._last_error = str(e) or type(e).__name__
            return None

    def _run(self) -> None:
        port, lost = None, False
        self._last_error = ""
        while not self._stop.is_set():
            if port is None:
                port = self._open()
                if port is None:
                    if not lost:
                        self._lost(self._last_error)
                    lost = True
                    self._stop.wait(self.reconnect_interval_s)
                    continue
                if lost:
                    log.info("handheld scanner %s is back", self.label)
                    self._emit(DeviceBack(self.label, self.clock()))
                lost = False
                self._splitter.reset()
                self.connected.set()
            try:
                chunk = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError) as e:
                port.close()
                port, lost = None, True
                self.connected.clear()
                self._lost(str(e) or type(e).__name__)
                continue
            for line in self._splitter.feed(chunk):
                self._line(line)
        if port is not None:
            port.close()
        self.connected.clear()

    def _lost(self, reason: str) -> None:
        log.warning("handheld scanner %s lost: %s", self.label, reason)
        self._emit(DeviceLost(self.label, reason, self.clock()))

    def _line(self, line: bytes) -> None:
        try:
            text = line.decode("ascii").strip()
        except UnicodeDecodeError:
            text = ""
        if not is_printable_payload(text):
            self.unreadable_lines += 1
            log.info("handheld scanner sent an unreadable line of %d bytes", len(line))
            return
        now_s = self.clock()
        if self._repeats.admit(text, now_s):
            log.info("code read by %s (%d characters)", self.label, len(text))
            self._emit(PayloadScanned(text, self.label, now_s))
