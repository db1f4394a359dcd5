"""From a document to printer lines: decide text or raster, wrap to the paper, draw the rasters.

Pure (no device). Both the ESC/POS encoder and the tests' legend (which image came from which
text) read the same ``layout`` result, so the two can never disagree about wrapping.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Iterator, Union

from hardware.document import QR, Align, Columns, Cut, Document, Feed, Profile, Rule, Slot, Text
from hardware.raster import Raster, render_qr, render_text, text_width


@dataclass(frozen=True)
class TextLine:
    """One line in the printer's own font; ``text`` is printable ASCII only."""

    text: str
    size: int = 1
    bold: bool = False
    align: Align = Align.LEFT


@dataclass(frozen=True)
class ImageLine:
    """One raster image; ``source`` is what it shows (the text, or ``QR:`` and the data).

    ``source`` is not compared: an image read back from the wire equals the one sent.
    """

    raster: Raster
    align: Align = Align.LEFT
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class FeedLines:
    """Blank lines."""

    lines: int


@dataclass(frozen=True)
class CutPaper:
    """Feed to the cutter and cut partially."""


Line = Union[TextLine, ImageLine, FeedLines, CutPaper]


def is_plain_ascii(text: str) -> bool:
    """True when every character is printable ASCII, which every code page prints the same."""
    return all(" " <= ch <= "~" for ch in text)


def layout(document: Document, profile: Profile) -> list[Line]:
    """The printer lines of ``document`` on ``profile``'s paper, in order."""
    lines: list[Line] = []
    profile = profile.large() if document.large else profile
    for block in document.blocks:
        lines.extend(_block_lines(block, profile))
    return lines


def _block_lines(block, profile: Profile) -> Iterator[Line]:
    if isinstance(block, Text):
        yield from _text_lines(block, profile)
    elif isinstance(block, Columns):
        yield from _column_lines(block, profile)
    elif isinstance(block, Slot):
        yield from _slot_lines(block, profile)
    elif isinstance(block, QR):
        raster = render_qr(block.data, block.module_dots, block.error, profile.width_dots)
        yield ImageLine(raster, block.align, "QR:" + block.data)
    elif isinstance(block, Rule):
        if len(block.char) != 1 or not is_plain_ascii(block.char):
            raise ValueError(f"a rule is drawn with one ASCII character, not {block.char!r}")
        yield TextLine(block.char * profile.columns, profile.text_scale)
    elif isinstance(block, Feed):
        if block.lines > 0:
            yield FeedLines(min(block.lines, 255))
    elif isinstance(block, Cut):
        yield CutPaper()
    else:
        raise TypeError(f"not a document block: {type(block).__name__}")


def _text_lines(block: Text, profile: Profile) -> Iterator[Line]:
    for paragraph in block.text.replace("\t", " ").splitlines() or [""]:  # "\n" starts a line
        if is_plain_ascii(paragraph):
            width = profile.columns // block.size
            for part in textwrap.wrap(paragraph, width) or [""]:
                yield TextLine(part, block.size * profile.text_scale, block.bold, block.align)
            continue
        size_px = profile.font_px * block.size
        height = profile.line_dots * block.size
        for part in wrap_measured(paragraph, profile.width_dots, size_px, block.bold):
            yield ImageLine(render_text(part, size_px, height, block.bold), block.align, part)


def _slot_lines(block: Slot, profile: Profile) -> Iterator[Line]:
    """``block.text`` in exactly as many full-width raster lines as the longest reserved text needs."""
    size_px, height, width = profile.font_px, profile.line_dots, profile.width_dots
    parts = wrap_measured(block.text, width, size_px, block.bold) if block.text else []
    room = max([len(wrap_measured(t, width, size_px, block.bold)) for t in block.reserve if t] + [len(parts), 1])
    for part in parts + [""] * (room - len(parts)):
        yield ImageLine(render_text(part, size_px, height, block.bold, width=width), Align.LEFT, part)


def _column_lines(block: Columns, profile: Profile) -> Iterator[Line]:
    """Label and value on one line; a value too wide to leave the label a third of the paper goes
    on a line of its own under the label (a label is never chopped into pieces of two letters)."""
    if is_plain_ascii(block.left + block.right):
        room = profile.columns - len(block.right) - 1
        if room < profile.columns // 3:
            for part in textwrap.wrap(block.left, profile.columns) or [""]:
                yield TextLine(part, profile.text_scale, block.bold)
            for part in textwrap.wrap(block.right, profile.columns) or [""]:
                yield TextLine(part.rjust(profile.columns), profile.text_scale, block.bold)
            return
        parts = textwrap.wrap(block.left, room) or [""]
        for part in parts[:-1]:
            yield TextLine(part, profile.text_scale, block.bold)
        yield TextLine(parts[-1].ljust(profile.columns - len(block.right)) + block.right, profile.text_scale, block.bold)
        return
    size_px, height = profile.font_px, profile.line_dots
    gap = text_width(block.right + "  ", size_px, block.bold)  # keep two spaces before the value
    if profile.width_dots - gap < profile.width_dots // 3:
        for part in wrap_measured(block.left, profile.width_dots, size_px, block.bold):
            yield ImageLine(render_text(part, size_px, height, block.bold), Align.LEFT, part)
        for part in wrap_measured(block.right, profile.width_dots, size_px, block.bold):
            yield ImageLine(render_text("", size_px, height, block.bold, right=part, width=profile.width_dots),
                            Align.LEFT, f" | {part}")
        return
    parts = wrap_measured(block.left, max(size_px, profile.width_dots - gap), size_px, block.bold)
    for part in parts[:-1]:
        yield ImageLine(render_text(part, size_px, height, block.bold), Align.LEFT, part)
    last = render_text(parts[-1], size_px, height, block.bold, right=block.right, width=profile.width_dots)
    yield ImageLine(last, Align.LEFT, f"{parts[-1]} | {block.right}")


def wrap_measured(text: str, max_dots: int, size_px: int, bold: bool = False) -> list[str]:
    """Greedy word wrap by drawn width; a word wider than the paper is broken between letters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size_px, bold) <= max_dots:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:
            if current and text_width(current + ch, size_px, bold) > max_dots:
                lines.append(current)
                current = ""
            current += ch
    lines.append(current)
    return lines
