"""``make image-boot``, QEMU and its monitor: the command line, QMP (keys, screendumps), the console.

The guest is ``qemu-system-aarch64 -M virt`` with virtio devices and no network; the host
talks to it through QMP on a Unix socket and reads its serial console from a file.
"""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path

# systemd colours the unit name on the console, and shortens it to fit unless the kernel is given
# systemd.status_unit_format=name (qemu_command does)
READY_LINE = re.compile(r"Started (?:\x1b\[[0-9;]*m)?kiosk-booth\.service")
CHECK_LINE = re.compile(r"CHECK ([a-z_-]+): (.*)")


def check_line(name: str) -> re.Pattern:
    """The guest's ``CHECK name: ...`` line for one name."""
    return re.compile(rf"CHECK ({re.escape(name)}): (.*)")
KEYS = {"tab": "tab", "enter": "ret"}


class Qmp:
    """A QMP client on a Unix socket: one command at a time, events skipped."""

    def __init__(self, path: Path, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(str(path))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.file = self.sock.makefile("rwb")
        json.loads(self.file.readline())           # the greeting
        self.command("qmp_capabilities")

    def command(self, name: str, **arguments) -> object:
        """Run ``name``; its ``return`` value, or RuntimeError with QMP's error."""
        self.file.write(json.dumps({"execute": name, "arguments": arguments}).encode() + b"\n")
        self.file.flush()
        while True:
            answer = json.loads(self.file.readline())
            if "return" in answer:
                return answer["return"]
            if "error" in answer:
                raise RuntimeError(f"QMP {name}: {answer['error'].get('desc')}")

    def key(self, name: str) -> None:
        """Press and release one key (QEMU's key names: 'tab', 'ret', ...)."""
        self.command("send-key", keys=[{"type": "qcode", "data": name}])

    def screendump(self, ppm: Path, png: Path) -> tuple[int, int]:
        """The guest's display as PNG (QEMU writes PPM); its size."""
        from booth_ui.screenshots import convert_screendump

        self.command("screendump", filename=str(ppm))
        return convert_screendump(ppm, png)

    def pixels(self, ppm: Path):
        """The guest's display now as a flat array of bytes (to tell whether the screen changed)."""
        import numpy as np

        self.command("screendump", filename=str(ppm))
        return np.frombuffer(ppm.read_bytes(), np.uint8)

    def close(self) -> None:
        self.sock.close()


def differs(a, b, fraction: float) -> bool:
    """More than ``fraction`` of the bytes of two screendumps differ (a new screen, not a blink)."""
    return a.shape != b.shape or (a != b).mean() > fraction


def wait_for_new_screen(qmp: Qmp, ppm: Path, before, longest_s: float, step_s: float = 2.0):
    """Screendumps until the display is a new screen (over 2 % of it changed since ``before``)
    that holds still (under 0.5 % changed over one more dump); after ``longest_s`` go on anyway.

    Returns (the screen now, True when it changed and settled)."""
    end, last = time.monotonic() + longest_s, None
    while True:
        now = qmp.pixels(ppm)
        if differs(now, before, 0.02) and last is not None and not differs(now, last, 0.005):
            return now, True
        if time.monotonic() > end:
            return now, False
        last = now
        time.sleep(step_s)


def qemu_command(work: Path, copy: Path, kernel: Path, initrd: Path, printer_port: int) -> list[str]:
    """The QEMU command line: virt, 4 A72 cores, virtio disk/GPU/keyboard/tablet, USB serial, no network."""
    return ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-smp", "4", "-m", "2048",
            "-kernel", str(kernel), "-initrd", str(initrd),
            "-append", "root=LABEL=kioskroot rw console=ttyAMA0 systemd.show_status=1 "
            "systemd.status_unit_format=name systemd.journald.forward_to_console=1 panic=10",
            "-drive", f"file={copy},format=raw,if=virtio",
            "-device", "virtio-gpu-pci", "-device", "virtio-keyboard-pci", "-device", "virtio-tablet-pci",
            "-nic", "none", "-display", "none", "-serial", f"file:{work / 'console.log'}",
            "-chardev", f"socket,id=printer,host=127.0.0.1,port={printer_port}",
            # the printer as a USB-serial bridge (an FTDI, ftdi_sio: /dev/ttyUSB0), as on a Pi
            "-device", "qemu-xhci", "-device", "usb-serial,chardev=printer",
            "-device", "virtio-serial-pci",
            "-chardev", f"socket,id=control,path={work / 'control.sock'},server=on,wait=off",
            "-device", "virtserialport,chardev=control,name=kiosk-control",
            "-qmp", f"unix:{work / 'qmp.sock'},server=on,wait=off", "-no-reboot"]


def wait_console(log: Path, pattern: re.Pattern, deadline: float, start: int = 0) -> tuple[re.Match, int]:
    """Wait for ``pattern`` in the console log after byte ``start``; the match and where it ended."""
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        found = pattern.search(text, start)
        if found:
            return found, found.end()
        time.sleep(1.0)
    raise TimeoutError(f"no {pattern.pattern!r} on the console in time (see {log})")
