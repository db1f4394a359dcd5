"""Reading an ESC/POS stream back: bytes in, printed lines, images and status requests out.

Printed items come back as the very line types ``hardware.layout`` makes (``TextLine``,
``ImageLine``, ``FeedLines``, ``CutPaper``), so a round trip can compare them directly.

The virtual printer's ear. It is a parser of outside input, so it never raises on any bytes:
unknown commands are skipped by their known length (or reported as ``Unknown``), oversized
images are skipped without being held in memory, and a half-received command waits for
the rest. Feed it chunks in any split; the result is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from hardware.document import Align
from hardware.escpos import DLE, EOT, ESC, GS, LF
from hardware.layout import CutPaper, FeedLines, ImageLine, TextLine
from hardware.raster import Raster

FS, CR, HT = 0x1C, 0x0D, 0x09
MAX_LINE_CHARS = 1024          # a printer line is a few dozen characters; noise is cut here
MAX_RASTER_BYTES = 1 << 20     # 1 MiB: far above a receipt image, far below trouble
_ALIGNS = {0: Align.LEFT, 1: Align.CENTER, 2: Align.RIGHT, 48: Align.LEFT, 49: Align.CENTER, 50: Align.RIGHT}

# Argument bytes after ESC x / GS x for the fixed-length commands a receipt printer knows.
_ESC_ARGS = {b"@": 0, b"2": 0, b"t": 1, b"a": 1, b"E": 1, b"d": 1, b"!": 1, b"-": 1, b"3": 1,
             b"J": 1, b"M": 1, b"G": 1, b"R": 1, b"V": 1, b"{": 1, b" ": 1, b"U": 1, b"r": 1,
             b"e": 1, b"c": 2, b"$": 2, b"\\": 2, b"p": 3}
_GS_ARGS = {b"!": 1, b"r": 1, b"a": 1, b"B": 1, b"H": 1, b"h": 1, b"w": 1, b"f": 1, b"I": 1,
            b"b": 1, b"L": 2, b"W": 2}


@dataclass(frozen=True)
class StatusRequest:
    """DLE EOT n: answer at once, whatever state the printer is in."""

    n: int


@dataclass(frozen=True)
class PrintedRequest:
    """GS r n: answer once everything before it is printed."""

    n: int


@dataclass(frozen=True)
class Unknown:
    """Bytes skipped as a command the parser does not know, or an image too large."""

    what: str


Event = Union[TextLine, ImageLine, FeedLines, CutPaper, StatusRequest, PrintedRequest, Unknown]
PRINTED_TYPES = (TextLine, ImageLine, FeedLines, CutPaper)


class Parser:
    """Incremental ESC/POS parser: ``feed(chunk)`` returns the events completed by it."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._skip = 0  # bytes of an oversized image still to drop
        self._reset()

    def _reset(self) -> None:
        self._line: list[str] = []
        self.size, self.bold, self.align = 1, False, Align.LEFT

    def feed(self, chunk: bytes) -> list[Event]:
        """Consume ``chunk``; return the events it completed, in order."""
        if self._skip:
            dropped = min(self._skip, len(chunk))
            self._skip -= dropped
            chunk = chunk[dropped:]
        self._buf += chunk
        events: list[Event] = []
        pos = 0
        while pos < len(self._buf):
            used = self._step(pos, events)
            if used == 0:
                break  # an incomplete command: wait for more bytes
            pos += used
        del self._buf[:min(pos, len(self._buf))]
        if self._skip and self._buf:
            dropped = min(self._skip, len(self._buf))
            self._skip -= dropped
            del self._buf[:dropped]
        return events

    def _flush_text(self, events: list[Event]) -> None:
        if self._line:
            events.append(TextLine("".join(self._line), self.size, self.bold, self.align))
            self._line = []

    def _step(self, pos: int, events: list[Event]) -> int:
        """Handle the item at ``pos``; return the bytes used, or 0 if it is not all here yet."""
        buf = self._buf
        byte = buf[pos]
        if byte == LF:
            if not self._line:  # LF alone prints an empty line
                self._line = [""]
            self._flush_text(events)
            return 1
        if byte in (ESC, GS, DLE, FS):
            if pos + 1 >= len(buf):
                return 0
            handler = {ESC: self._esc, GS: self._gs, DLE: self._dle, FS: self._fs}[byte]
            return handler(pos, events)
        if byte >= 0x20 or byte == HT:
            self._line.append(" " if byte == HT else bytes([byte]).decode("cp437"))
            if len(self._line) >= MAX_LINE_CHARS:
                self._flush_text(events)
            return 1
        return 1  # CR and other control bytes: nothing to print

    def _args(self, pos: int, count: int) -> bytes | None:
        end = pos + 2 + count
        return bytes(self._buf[pos + 2:end]) if end <= len(self._buf) else None

    def _fixed(self, pos: int, table: dict[bytes, int], name: str,
               events: list[Event]) -> tuple[bytes, bytes | None, int]:
        """(command letter, its arguments or None, bytes used) of a fixed-length command;
        an unknown letter is reported and skipped, an incomplete one uses 0 bytes."""
        cmd = bytes(self._buf[pos + 1:pos + 2])
        count = table.get(cmd)
        if count is None:
            events.append(Unknown(f"{name} 0x{cmd[0]:02x}"))
            return cmd, None, 2
        args = self._args(pos, count)
        return cmd, args, 0 if args is None else 2 + count

    def _esc(self, pos: int, events: list[Event]) -> int:
        cmd, args, used = self._fixed(pos, _ESC_ARGS, "ESC", events)
        if args is None:
            return used
        if cmd == b"@":
            self._flush_text(events)
            self._reset()
        elif cmd == b"a":
            self.align = _ALIGNS.get(args[0], Align.LEFT)
        elif cmd == b"E":
            self.bold = bool(args[0] & 1)
        elif cmd == b"!":  # print mode: bit 3 emphasis, bits 4/5 double height/width
            self.bold = bool(args[0] & 0x08)
            self.size = 2 if args[0] & 0x30 else 1
        elif cmd == b"d":
            self._flush_text(events)
            events.append(FeedLines(args[0]))
        return used

    def _gs(self, pos: int, events: list[Event]) -> int:
        cmd = bytes(self._buf[pos + 1:pos + 2])
        if cmd == b"v":
            return self._raster(pos, events)
        if cmd == b"V":
            args = self._args(pos, 1)
            if args is None:
                return 0
            extra = 1 if args[0] in (65, 66, 97, 98, 103, 104) else 0
            if extra and self._args(pos, 2) is None:
                return 0
            self._flush_text(events)
            events.append(CutPaper())
            return 3 + extra
        if cmd == b"(":  # GS ( fn pL pH data: length-prefixed, so skippable whole
            head = self._args(pos, 3)
            if head is None:
                return 0
            return self._skip_bytes(pos, 5, head[1] | head[2] << 8, events, "GS (")
        cmd, args, used = self._fixed(pos, _GS_ARGS, "GS", events)
        if args is None:
            return used
        if cmd == b"!":
            # GS ! n: height in the low bits, width in the high (1-8 each); the line's size is the larger
            self.size = max(args[0] & 0x07, args[0] >> 4 & 0x07) + 1
        elif cmd == b"r":
            events.append(PrintedRequest(args[0]))
        return used

    def _raster(self, pos: int, events: list[Event]) -> int:
        head = self._args(pos, 6)  # '0' m xL xH yL yH
        if head is None:
            return 0
        if head[0] != ord("0"):
            events.append(Unknown("GS v"))
            return 3
        width_bytes, height = head[2] | head[3] << 8, head[4] | head[5] << 8
        size = width_bytes * height
        if size > MAX_RASTER_BYTES or size == 0:
            return self._skip_bytes(pos, 8, size, events, "GS v 0 (size out of range)")
        if pos + 8 + size > len(self._buf):
            return 0
        self._flush_text(events)
        data = bytes(self._buf[pos + 8:pos + 8 + size])
        events.append(ImageLine(Raster(width_bytes, height, data), self.align))
        return 8 + size

    def _skip_bytes(self, pos: int, head: int, count: int, events: list[Event], what: str) -> int:
        """Drop a length-prefixed command; bytes not yet received are dropped as they come."""
        events.append(Unknown(what))
        available = len(self._buf) - pos - head
        if count > available:
            self._skip = count - available
            return len(self._buf) - pos
        return head + count

    def _dle(self, pos: int, events: list[Event]) -> int:
        cmd = self._buf[pos + 1]
        if cmd == EOT:
            args = self._args(pos, 1)
            if args is None:
                return 0
            events.append(StatusRequest(args[0]))
            return 3
        events.append(Unknown(f"DLE 0x{cmd:02x}"))
        return 2

    def _fs(self, pos: int, events: list[Event]) -> int:
        events.append(Unknown(f"FS 0x{self._buf[pos + 1]:02x}"))
        return 2
