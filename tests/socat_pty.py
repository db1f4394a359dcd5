"""A real pseudo-terminal pair from socat, as a serial cable between the kiosk and a device.

``PtyPair(folder)`` starts ``socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`` and
waits until socat says it is ready (it names both ptys on stderr). ``host`` and ``device``
are the two stable link paths; ``unplug()`` kills socat (both ptys vanish, as when a USB
serial adapter is pulled), ``plug()`` starts it again on the same paths.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

READY = "starting data transfer loop"


class PtyPair:
    """Two linked ptys; use as a context manager so socat never outlives the test."""

    def __init__(self, folder: Path) -> None:
        if shutil.which("socat") is None:
            pytest.skip("socat is not installed (make test installs it)")
        self.host = str(folder / "kiosk-end")
        self.device = str(folder / "device-end")
        self.pty_names: list[str] = []
        self._proc: subprocess.Popen | None = None
        self.plug()

    def plug(self, timeout_s: float = 5.0) -> None:
        """Start socat and wait until both ptys exist."""
        self._proc = subprocess.Popen(
            ["socat", "-d", "-d", f"pty,raw,echo=0,link={self.host}", f"pty,raw,echo=0,link={self.device}"],
            stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + timeout_s
        self.pty_names = []
        for line in self._proc.stderr:  # socat logs "N PTY is /dev/pts/7" for each end
            found = re.search(r"PTY is (\S+)", line)
            if found:
                self.pty_names.append(found.group(1))
            if READY in line or time.monotonic() > deadline:
                break
        if len(self.pty_names) != 2:
            self.unplug()
            raise RuntimeError("socat did not report two ptys")

    def unplug(self) -> None:
        """Kill socat: the ptys close under whoever holds them."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(timeout=5)
            self._proc.stderr.close()
            self._proc = None

    def __enter__(self) -> "PtyPair":
        return self

    def __exit__(self, *exc) -> None:
        self.unplug()
