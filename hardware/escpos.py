"""ESC/POS, pure: printer lines to bytes, and the status bytes both ways.

Commands used (Epson ESC/POS reference; byte values in docs/printer.md):
ESC @ (initialize), ESC t 0 (code page 437: we send printable ASCII only), ESC a n (align),
ESC E n (emphasis), GS ! n (character size), LF, GS v 0 (raster image), ESC d n (feed n lines),
GS V 66 n (feed to the cutter and cut partially), DLE EOT n (real-time status),
GS r 1 (paper status, answered only once everything before it was printed).

Real-time status bytes (DLE EOT n) always have bit 1 and bit 4 on and bits 0 and 7 off:
  n=1 printer:        bit 3 offline
  n=2 offline cause:  bit 2 cover open, bit 5 printing stopped by paper end, bit 6 error
  n=4 paper sensor:   bits 2+3 roll near its end, bits 5+6 no paper
The GS r 1 reply has bit 4 off, which tells it apart from a DLE EOT reply in the same stream:
  bits 0+1 near end, bits 2+3 no paper.
"""

from __future__ import annotations

from enum import Enum
from typing import Iterable

from hardware.document import Document, Profile
from hardware.layout import CutPaper, FeedLines, ImageLine, Line, TextLine, layout

ESC, GS, DLE, EOT, LF = 0x1B, 0x1D, 0x10, 0x04, 0x0A

INITIALIZE = bytes([ESC, ord("@")])
CODE_PAGE_437 = bytes([ESC, ord("t"), 0])
STATUS_QUERY = bytes([DLE, EOT, 1, DLE, EOT, 2, DLE, EOT, 4])  # three reply bytes, in order
PRINTED_QUERY = bytes([GS, ord("r"), 1])  # one reply byte, after the data before it is printed

REALTIME_MASK, REALTIME_FIXED = 0x93, 0x12  # bits 0, 1, 4, 7 of every DLE EOT reply
OFFLINE = 0x08          # n=1
COVER_OPEN = 0x04       # n=2
PAPER_END_STOP = 0x20   # n=2
ERROR = 0x40            # n=2
NEAR_END = 0x0C         # n=4
PAPER_END = 0x60        # n=4
PRINTED_NEAR_END, PRINTED_PAPER_END = 0x03, 0x0C  # GS r 1


class Condition(Enum):
    """What the printer says about itself, worst first when several hold."""

    COVER_OPEN = "cover_open"
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"
    PAPER_NEAR_END = "paper_near_end"
    OK = "ok"

    @property
    def can_print(self) -> bool:
        """True when a print may start (near end still prints: the roll has some metres)."""
        return self in (Condition.OK, Condition.PAPER_NEAR_END)


def is_realtime_reply(byte: int) -> bool:
    """True for a byte shaped like a DLE EOT reply (fixed bits in place)."""
    return byte & REALTIME_MASK == REALTIME_FIXED


def decode_status(printer: int, offline_cause: int, paper: int) -> Condition:
    """The condition from the replies to DLE EOT 1, 2 and 4.

    Raises ValueError when a byte is not shaped like a reply (not a printer, or line noise).
    """
    for name, byte in (("printer", printer), ("offline cause", offline_cause), ("paper", paper)):
        if not is_realtime_reply(byte):
            raise ValueError(f"{name} status byte 0x{byte:02x} is not a DLE EOT reply")
    if offline_cause & COVER_OPEN:
        return Condition.COVER_OPEN
    if paper & PAPER_END or offline_cause & PAPER_END_STOP:
        return Condition.PAPER_OUT
    if printer & OFFLINE or offline_cause & ERROR:
        return Condition.OFFLINE
    if paper & NEAR_END:
        return Condition.PAPER_NEAR_END
    return Condition.OK


def encode_status(*, cover_open: bool, paper_out: bool, near_end: bool, error: bool = False) -> bytes:
    """The three reply bytes a printer in this state sends to ``STATUS_QUERY``."""
    offline = cover_open or paper_out or error
    printer = REALTIME_FIXED | (OFFLINE if offline else 0)
    cause = (REALTIME_FIXED | (COVER_OPEN if cover_open else 0)
             | (PAPER_END_STOP if paper_out else 0) | (ERROR if error else 0))
    paper = REALTIME_FIXED | (PAPER_END if paper_out else 0) | (NEAR_END if near_end or paper_out else 0)
    return bytes([printer, cause, paper])


def encode_printed_reply(*, near_end: bool) -> int:
    """The GS r 1 reply of a printer that has printed everything (so it has paper)."""
    return PRINTED_NEAR_END if near_end else 0


def is_printed_reply(byte: int) -> bool:
    """True for a byte shaped like a GS r 1 reply (bits 4 and 7 off)."""
    return byte & 0x90 == 0


def encode_line(line: Line) -> bytes:
    """The bytes of one printer line."""
    if isinstance(line, TextLine):
        out = bytearray([ESC, ord("a"), line.align.value])
        if line.bold:
            out += bytes([ESC, ord("E"), 1])
        if line.size != 1:
            out += bytes([GS, ord("!"), (line.size - 1) << 4 | (line.size - 1)])
        out += line.text.encode("ascii") + bytes([LF])
        if line.size != 1:
            out += bytes([GS, ord("!"), 0])
        if line.bold:
            out += bytes([ESC, ord("E"), 0])
        return bytes(out)
    if isinstance(line, ImageLine):
        r = line.raster
        head = bytes([ESC, ord("a"), line.align.value, GS, ord("v"), ord("0"), 0,
                      r.width_bytes & 0xFF, r.width_bytes >> 8, r.height & 0xFF, r.height >> 8])
        return head + r.data
    if isinstance(line, FeedLines):
        return bytes([ESC, ord("d"), line.lines])
    if isinstance(line, CutPaper):
        return bytes([GS, ord("V"), 66, 0])
    raise TypeError(f"not a printer line: {type(line).__name__}")


def encode_lines(lines: Iterable[Line]) -> bytes:
    """A whole job: initialize, select the code page, then every line."""
    return INITIALIZE + CODE_PAGE_437 + b"".join(encode_line(line) for line in lines)


def encode_document(document: Document, profile: Profile) -> bytes:
    """The ESC/POS bytes of ``document`` on ``profile``'s paper."""
    return encode_lines(layout(document, profile))
