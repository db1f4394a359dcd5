"""Cutting a serial byte stream into lines: each ended by CR, LF or CR LF.

Handheld scanners end a code with CR (the factory default of most), LF or both; an empty line
(the LF after a CR) is no code. A line longer than ``max_line_bytes`` is line noise or a
scanner in the wrong mode: it is thrown away up to its end and counted, never cut into pieces
that could look like codes.
"""

from __future__ import annotations

MAX_LINE_BYTES = 1024


class LineSplitter:
    """Feed it bytes as they arrive; it returns the complete lines (without terminators)."""

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self.overlong = 0
        self._buffer = bytearray()
        self._skipping = False

    def feed(self, chunk: bytes) -> list[bytes]:
        """The lines completed by ``chunk``."""
        lines: list[bytes] = []
        for byte in chunk:
            if byte in (0x0D, 0x0A):
                if self._buffer and not self._skipping:
                    lines.append(bytes(self._buffer))
                self._buffer.clear()
                self._skipping = False
            elif not self._skipping:
                self._buffer.append(byte)
                if len(self._buffer) > self.max_line_bytes:
                    self.overlong += 1
                    self._buffer.clear()
                    self._skipping = True
        return lines

    def reset(self) -> None:
        """Forget a partial line (after the device was unplugged mid-code)."""
        self._buffer.clear()
        self._skipping = False
