"""The wire to a printer: any pyserial URL, or ``file:PATH`` (bytes appended to a file).

A link only moves bytes; the ESC/POS conversation is in ``hardware.printer``. Library
exceptions are wrapped here into ``PrinterUnavailable`` (``NOT_CONNECTED`` when the port
will not open, ``DISCONNECTED`` when it goes away in use, ``NOT_RESPONDING`` when a write
cannot get through), so callers see one kind of error whatever the port.
"""

from __future__ import annotations

import os
from pathlib import Path

import serial

try:  # termios.error (not an OSError) is what a vanished pty gives on tcflush
    from termios import error as _TermiosError
except ImportError:  # not POSIX
    _TermiosError = OSError

from hardware.errors import PrinterUnavailable, Problem
from hardware.escpos import STATUS_QUERY, encode_printed_reply, encode_status

_PORT_ERRORS = (serial.SerialException, OSError, _TermiosError)


class SerialLink:
    """A printer behind a pyserial URL: ``/dev/ttyUSB0``, a pty path, ``socket://h:p``, ``loop://``."""

    def __init__(self, url: str, baudrate: int = 19200, write_timeout_s: float = 10.0) -> None:
        # Paths are opened exclusively: two processes writing one printer interleave receipts.
        exclusive = {"exclusive": True} if "://" not in url else {}
        try:
            self._port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.5,
                                               write_timeout=write_timeout_s, **exclusive)
        except _PORT_ERRORS + (ValueError,) as e:
            raise PrinterUnavailable(Problem.NOT_CONNECTED, f"{url}: {e}") from e
        self.url = url

    def send(self, data: bytes) -> None:
        """Write all of ``data``; a lost port or a printer that stops taking bytes raises."""
        try:
            self._port.write(data)
            self._port.flush()
        except serial.SerialTimeoutException as e:
            raise PrinterUnavailable(Problem.NOT_RESPONDING, "write timed out") from e
        except _PORT_ERRORS as e:
            raise PrinterUnavailable(Problem.DISCONNECTED, str(e)) from e

    def read(self, count: int, timeout_s: float) -> bytes:
        """Up to ``count`` bytes, waiting at most ``timeout_s``; b"" when nothing came."""
        try:
            self._port.timeout = timeout_s
            return self._port.read(count)
        except _PORT_ERRORS as e:
            raise PrinterUnavailable(Problem.DISCONNECTED, str(e)) from e

    def discard_input(self) -> None:
        """Drop stale bytes (late replies of an earlier conversation)."""
        try:
            self._port.reset_input_buffer()
        except _PORT_ERRORS as e:
            raise PrinterUnavailable(Problem.DISCONNECTED, str(e)) from e

    def close(self) -> None:
        """Close the port; errors on a port already gone are of no interest."""
        try:
            self._port.close()
        except _PORT_ERRORS:
            pass


class FileLink:
    """``file:PATH``: each job's bytes are appended to PATH; the "printer" is always ready
    (status queries are answered OK and not written; every job is confirmed).

    For the demo and the command line without a printer; the virtual printer reads such
    files back (``python -m hardware.virtual_printer --replay PATH``).
    """

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.url = f"file:{path}"
        self._replies = b""
        if not self.path.parent.is_dir():
            raise PrinterUnavailable(Problem.NOT_CONNECTED, f"no folder {self.path.parent}")

    def send(self, data: bytes) -> None:
        """Append ``data`` to the file, durably; the status queries among it are answered."""
        if data == STATUS_QUERY:  # answered as a healthy printer would, and not written
            self._replies += encode_status(cover_open=False, paper_out=False, near_end=False)
            return
        try:
            with open(self.path, "ab") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise PrinterUnavailable(Problem.NOT_CONNECTED, f"{self.path}: {e.strerror}") from e
        self._replies += bytes([encode_printed_reply(near_end=False)])

    def read(self, count: int, timeout_s: float) -> bytes:
        """The canned replies to what was sent."""
        out, self._replies = self._replies[:count], self._replies[count:]
        return out

    def discard_input(self) -> None:
        """Nothing is stale in a file."""
        self._replies = b""

    def close(self) -> None:
        """Nothing to close: every job opens and closes the file."""


def open_link(url: str, baudrate: int = 19200, write_timeout_s: float = 10.0):
    """The link for a printer URL (``file:PATH`` or any pyserial URL or device path)."""
    if url.startswith("file:"):
        return FileLink(url[len("file:"):])
    return SerialLink(url, baudrate, write_timeout_s)
