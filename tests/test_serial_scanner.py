"""The handheld scanner against a real pseudo-terminal pair (socat), and the line splitter."""

from __future__ import annotations

import queue
import re
import shutil
import subprocess

import pytest
import serial

from hardware.line_splitter import LineSplitter
from hardware.serial_scanner import SerialScanner
from kiosk.scanning import DeviceBack, DeviceLost, PayloadScanned

TOKEN = "KT1TABCDEFGHABCDEFGHIJKLMNOPQRSTUVWXYZ"[:38]
OTHER = "KT1TABCDEFGH" + "Z" * 26
pytestmark = pytest.mark.skipif(shutil.which("socat") is None, reason="needs socat (make test installs it)")


class Socat:
    """``socat -d -d pty,raw,echo=0 pty,raw,echo=0``; the two pty paths read from its stderr."""

    def __init__(self, link=None):
        first = f"pty,raw,echo=0,link={link}" if link else "pty,raw,echo=0"
        self.proc = subprocess.Popen(["socat", "-d", "-d", first, "pty,raw,echo=0"],
                                     stderr=subprocess.PIPE, text=True)
        self.paths = []
        while len(self.paths) < 2:
            line = self.proc.stderr.readline()
            if not line:
                raise RuntimeError("socat ended before making its pseudo-terminals")
            found = re.search(r"PTY is (\S+)", line)
            if found:
                self.paths.append(found.group(1))
        self.device_side = serial.Serial(self.paths[1], timeout=1)

    def send(self, data: bytes) -> None:
        """What the scanner hardware would send."""
        self.device_side.write(data)
        self.device_side.flush()

    def stop(self) -> None:
        self.device_side.close()
        self.proc.terminate()
        self.proc.wait(timeout=5)
        self.proc.stderr.close()


def payloads(events, count, timeout_s=5.0):
    got = []
    while len(got) < count:
        event = events.get(timeout=timeout_s)
        if isinstance(event, PayloadScanned):
            got.append(event.payload)
    return got


def next_of(events, kind, timeout_s=5.0):
    while True:
        event = events.get(timeout=timeout_s)
        if isinstance(event, kind):
            return event


@pytest.fixture
def socat():
    pair = Socat()
    yield pair
    pair.stop()


def test_lines_ended_by_cr_lf_or_both(socat):
    events = queue.Queue()
    scanner = SerialScanner(socat.paths[0], events, repeat_hold_s=0).start()
    try:
        assert scanner.connected.wait(5)  # opening a port drops what came before
        socat.send(TOKEN.encode() + b"\r")
        socat.send(OTHER[:10].encode())  # a code split across two writes
        socat.send(OTHER[10:].encode() + b"\r\n" + b"CARD-1\n")
        assert payloads(events, 3) == [TOKEN, OTHER, "CARD-1"]
    finally:
        scanner.stop()


def test_repeats_held_back_and_binary_dropped(socat):
    events = queue.Queue()
    scanner = SerialScanner(socat.paths[0], events, repeat_hold_s=60).start()
    try:
        assert scanner.connected.wait(5)
        socat.send(TOKEN.encode() + b"\r" + TOKEN.encode() + b"\r" + b"\x00\xff\x01\r" + OTHER.encode() + b"\r")
        assert payloads(events, 2) == [TOKEN, OTHER]
        assert scanner.unreadable_lines == 1
    finally:
        scanner.stop()


def test_unplugged_then_back(tmp_path):
    link = tmp_path / "scanner"
    first = Socat(link=link)
    events = queue.Queue()
    scanner = SerialScanner(str(link), events, reconnect_interval_s=0.05, repeat_hold_s=0).start()
    try:
        assert scanner.connected.wait(5)
        first.send(TOKEN.encode() + b"\r")
        assert payloads(events, 1) == [TOKEN]
        first.stop()  # the cable is pulled: the pty and its link vanish
        lost = next_of(events, DeviceLost)
        assert lost.device == f"serial:{link}"
        second = Socat(link=link)  # plugged in again, at the same path
        try:
            next_of(events, DeviceBack)
            assert scanner.connected.wait(5)
            second.send(OTHER.encode() + b"\n")
            assert payloads(events, 1) == [OTHER]
        finally:
            second.stop()
    finally:
        scanner.stop()


def test_a_port_that_is_not_there_is_reported_lost():
    events = queue.Queue()
    scanner = SerialScanner("/dev/ttyNOSUCHSCANNER", events, reconnect_interval_s=0.05).start()
    try:
        assert isinstance(events.get(timeout=5), DeviceLost)
    finally:
        scanner.stop()
    assert not scanner.running


@pytest.mark.parametrize("chunks, lines", [
    ([b"A\rB\nC\r\nD"], [b"A", b"B", b"C"]),
    ([b"AB", b"C\r"], [b"ABC"]),
    ([b"\r\n\r\n"], []),
    ([b"X" * 2000 + b"\rOK\r"], [b"OK"]),
])
def test_line_splitter(chunks, lines):
    splitter = LineSplitter(max_line_bytes=1024)
    got = [line for chunk in chunks for line in splitter.feed(chunk)]
    assert got == lines
