"""The technician's self-test on the real devices: camera frames, printer status, touch or
keypad, free disk, a sane clock (the checks are kiosk.station.selftest's; this wires the devices)."""

from __future__ import annotations

import shutil
import time
from functools import partial
from pathlib import Path

from hardware.printer import Printer
from kiosk.station.input_devices import InputDevice, parse_input_devices
from kiosk.station.selftest import (MIN_FRAMES, SelfTestReport, check_camera, check_clock, check_disk, check_input,
                                    check_printer, run_selftest)
from scanner.sources import open_source


INPUT_DEVICES = Path("/proc/bus/input/devices")


def read_input_devices(path: Path = INPUT_DEVICES) -> list[InputDevice]:
    """The kernel's list of input devices (empty when it cannot be read); the check itself takes them parsed."""
    try:
        return parse_input_devices(Path(path).read_text(errors="replace"))
    except OSError:
        return []


def count_frames(camera_url: str, timeout_s: float = 5.0) -> int:
    """How many frames the camera gives within ``timeout_s`` (at most MIN_FRAMES are asked for)."""
    source = open_source(camera_url)
    source.open()
    frames, deadline = 0, time.monotonic() + timeout_s
    try:
        while frames < MIN_FRAMES and time.monotonic() < deadline and source.read() is not None:
            frames += 1
    finally:
        source.close()
    return frames


def printer_status(printer_url: str) -> str:
    """The printer's answer to a status query."""
    with Printer(printer_url) as printer:
        return printer.status().value


def station_selftest(data: Path, camera_url: str, printer_url: str | None, min_free_mb: int,
                     now: int) -> SelfTestReport:
    """Every check, on the devices given (a missing printer URL fails the printer check)."""
    return run_selftest([
        partial(check_camera, partial(count_frames, camera_url)),
        partial(check_printer, partial(printer_status, printer_url) if printer_url else lambda: "not configured"),
        partial(check_input, read_input_devices()),
        partial(check_disk, Path(data), min_free_mb, shutil.disk_usage),
        partial(check_clock, now),
    ])
