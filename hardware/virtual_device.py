"""The virtual printer's insides: paper, cover, and what came out. No ports here.

``VirtualPrinter.receive(bytes) -> reply bytes`` is the whole protocol: it parses the stream
(``hardware.escpos_parse``), prints while it can, and answers DLE EOT (always, as real
printers do) and GS r (only when online, because a real printer answers it only after
printing what came before). Scripts: ``paper_lines`` runs out of paper after that many
lines, ``near_end_lines`` raises the near-end sensor that many lines before, ``open_cover``
and ``open_cover_after(lines)``, ``stall`` (prints so slowly that no job is ever confirmed).

Honest difference: a real printer that runs out of paper keeps the rest of the job in its
buffer and may print it when a roll goes in; this one drops it (``lines_lost`` counts it).
"""

from __future__ import annotations

import logging
import threading
from typing import Mapping

from hardware.document import Document, Profile
from hardware.escpos import encode_printed_reply, encode_status
from hardware.escpos_parse import PRINTED_TYPES, Parser, PrintedRequest, StatusRequest
from hardware.layout import CutPaper, FeedLines, ImageLine, TextLine, layout

log = logging.getLogger(__name__)


class VirtualPrinter:
    """A receipt printer in memory. Thread-safe: a server thread feeds it, a test scripts it."""

    def __init__(self, paper_lines: int | None = None, near_end_lines: int = 0,
                 cover_open: bool = False, line_dots: int = 24) -> None:
        self.paper_left = paper_lines  # None: an endless roll
        self.near_end_lines = near_end_lines
        self.cover_open = cover_open
        self.line_dots = line_dots
        self.printed: list = []  # TextLine / ImageLine / FeedLines / CutPaper, as layout makes them
        self.lines_lost = 0
        self.bytes_received = 0
        self.stalled = False
        self._cover_after: int | None = None
        self._parser = Parser()
        self._lock = threading.Lock()

    # -- scripting -------------------------------------------------------------------------
    def load_paper(self, lines: int | None = None) -> None:
        """Put in a new roll (``lines`` long, endless by default)."""
        with self._lock:
            self.paper_left = lines

    def open_cover(self) -> None:
        """Open the cover: the printer stops and reports it."""
        with self._lock:
            self.cover_open = True

    def open_cover_after(self, lines: int) -> None:
        """Open the cover once ``lines`` more lines are printed (someone lifts it mid-job)."""
        with self._lock:
            self._cover_after = lines

    def stall(self, stalled: bool = True) -> None:
        """Hold back the answer to GS r, as a printer still printing a long job does."""
        with self._lock:
            self.stalled = stalled

    def close_cover(self) -> None:
        """Close the cover."""
        with self._lock:
            self.cover_open = False

    @property
    def paper_out(self) -> bool:
        """True when the roll is used up."""
        return self.paper_left is not None and self.paper_left <= 0

    @property
    def near_end(self) -> bool:
        """True when the near-end sensor sees the end of the roll coming."""
        return self.paper_left is not None and self.paper_left <= self.near_end_lines

    @property
    def online(self) -> bool:
        """True when the printer can print."""
        return not (self.cover_open or self.paper_out)

    # -- the protocol ----------------------------------------------------------------------
    def receive(self, data: bytes) -> bytes:
        """Take bytes from the host; return the bytes the printer sends back."""
        with self._lock:
            self.bytes_received += len(data)
            replies = bytearray()
            for event in self._parser.feed(data):
                if isinstance(event, StatusRequest):
                    replies += self._status_reply(event.n)
                elif isinstance(event, PrintedRequest):
                    if self.online and not self.stalled:
                        replies.append(encode_printed_reply(near_end=self.near_end))
                elif isinstance(event, PRINTED_TYPES):
                    self._print(event)
            return bytes(replies)

    def _status_reply(self, n: int) -> bytes:
        printer, cause, paper = encode_status(cover_open=self.cover_open, paper_out=self.paper_out,
                                              near_end=self.near_end)
        # n=3 (error cause) has the same fixed bits and no error: answer with the fixed byte.
        return bytes([{1: printer, 2: cause, 4: paper}.get(n, 0x12)])

    def _print(self, item) -> None:
        cost = self._lines_of(item)
        if not self.online or (self.paper_left is not None and cost > self.paper_left):
            self.lines_lost += cost
            if self.paper_left is not None:
                self.paper_left = 0  # the roll ends inside this item
            return
        self.printed.append(item)
        if self.paper_left is not None:
            self.paper_left -= cost
        if self._cover_after is not None:
            self._cover_after -= cost
            if self._cover_after <= 0:
                self.cover_open, self._cover_after = True, None
        if isinstance(item, CutPaper):
            log.info("virtual printer: cut after %d items", len(self.printed))

    def _lines_of(self, item) -> int:
        if isinstance(item, TextLine):
            return item.size
        if isinstance(item, ImageLine):
            return max(1, -(-item.raster.height // self.line_dots))
        if isinstance(item, FeedLines):
            return item.lines
        return 0

    def transcript(self, legend: Mapping[str, str] | None = None) -> list[str]:
        """What is on the paper, one string a line (see ``describe``)."""
        with self._lock:
            return [describe(item, legend) for item in self.printed]


def describe(item, legend: Mapping[str, str] | None = None) -> str:
    """One printed item as text: ``[center,bold,x2] TEXT``, ``[image] SOURCE`` for an image
    whose hash is in ``legend``, ``[image 176x24 0123abcd…]`` otherwise, ``(feed 2)``, ``(cut)``."""
    if isinstance(item, FeedLines):
        return f"(feed {item.lines})"
    if isinstance(item, CutPaper):
        return "(cut)"
    marks = [] if item.align.name == "LEFT" else [item.align.name.lower()]
    if isinstance(item, TextLine):
        marks += (["bold"] if item.bold else []) + (["x2"] if item.size == 2 else [])
        return (f"[{','.join(marks)}] " if marks else "") + item.text
    sha = item.raster.sha256()
    known = (legend or {}).get(sha)
    marks.insert(0, "image" if known is not None else
                 f"image {item.raster.width_dots}x{item.raster.height} {sha[:16]}")
    return f"[{','.join(marks)}]" + (f" {known}" if known is not None else "")


def legend_of(document: Document, profile: Profile) -> dict[str, str]:
    """Hash → source text of every image in ``document``, drawn exactly as the printer gets it.

    With it a golden test reads Hangul lines as words: equal hashes mean the very dots of
    that text's rendering came back, which is stronger than reading them back by OCR.
    """
    return {line.raster.sha256(): line.source for line in layout(document, profile)
            if isinstance(line, ImageLine)}
