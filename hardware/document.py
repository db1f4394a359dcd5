"""What the printer is asked to print: a document as a list of blocks, knowing nothing of elections.

Report code builds a ``Document`` from these blocks; ``hardware.layout`` turns it into printer
lines (ASCII text, or raster images for everything else) for a given paper ``Profile``. Blocks
are plain frozen values, so a document can be compared, stored and printed again (a reprint).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Union


class Align(Enum):
    """Horizontal position of a line on the paper (ESC a: 0 left, 1 centre, 2 right)."""

    LEFT = 0
    CENTER = 1
    RIGHT = 2


@dataclass(frozen=True)
class Text:
    """Text, wrapped to the paper width; a newline starts a new line.

    Printable ASCII goes to the printer as characters (its built-in font); anything else
    (Hangul) is drawn with NanumGothic into a 1-bit raster, because printers' Korean code
    pages differ from model to model and many have none. ``size`` is 1 (normal) or 2
    (double width and height).
    """

    text: str
    size: int = 1
    bold: bool = False
    align: Align = Align.LEFT

    def __post_init__(self) -> None:
        if self.size not in (1, 2):
            raise ValueError(f"text size must be 1 or 2, not {self.size}")


@dataclass(frozen=True)
class Columns:
    """A label on the left and a value on the right of one line (``Option A ...... 123``).

    A long label wraps; the value goes on its last line. A value too wide to leave the label a
    third of the paper goes flush right on a line of its own under the label. Hangul is measured in dots, so the
    values line up on the right edge even though NanumGothic is proportional.
    """

    left: str
    right: str
    bold: bool = False


@dataclass(frozen=True)
class QR:
    """A QR code of ``data`` (segno picks the smallest version), printed as a raster image.

    ``module_dots`` is the width of one module in printer dots (203 dpi: 4 dots = 0.5 mm,
    which a phone camera reads from a hand-held tape).
    """

    data: str
    module_dots: int = 4
    error: str = "m"
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Slot:
    """Text in a space of fixed size: as many full-width raster lines as the longest of
    ``reserve`` needs when wrapped, whatever ``text`` is (it must be one of them, or shorter).

    Every line of it goes to the printer as the same number of bytes, so neither the job's
    length nor its line count tells which of the reserved texts was printed. ``text`` "" is a
    blank slot of the same size.
    """

    text: str
    reserve: tuple[str, ...] = ()
    bold: bool = False

    def __init__(self, text: str, reserve=(), bold: bool = False) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "reserve", tuple(reserve))
        object.__setattr__(self, "bold", bold)


@dataclass(frozen=True)
class Rule:
    """A separator across the whole paper width, drawn with ``char`` in the printer's font."""

    char: str = "-"


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed the paper to the cutter and cut partially (a tab holds the slip until torn off)."""


Block = Union[Text, Columns, Slot, QR, Rule, Feed, Cut]


@dataclass(frozen=True)
class Document:
    """An ordered list of blocks; ``title`` is for logs and errors (never printed content).

    ``private``: a document whose printing must leave no trace per copy (a voter's paper record):
    the printer logs neither its success nor its size, only a fault, and without a size.
    """

    blocks: tuple[Block, ...]
    title: str = "document"
    private: bool = False
    large: bool = False

    def __init__(self, blocks, title: str = "document", private: bool = False, large: bool = False) -> None:
        object.__setattr__(self, "blocks", tuple(blocks))
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "private", private)
        object.__setattr__(self, "large", large)


@dataclass(frozen=True)
class Profile:
    """The paper and printer: 80 mm paper at 203 dpi has 576 printable dots, 48 columns of
    Font A (12 x 24 dots); 58 mm paper has 384 dots and 32 columns."""

    width_dots: int = 576
    columns: int = 48
    line_dots: int = 24
    font_px: int = 22  # Hangul glyph size that sits in one 24-dot line like Font A
    text_scale: int = 1  # large print: 3, every text three times as wide and tall (Font A by GS !, Hangul drawn larger)

    def large(self) -> "Profile":
        """The same paper in large print (capitals >= 5 mm): a third of the columns, three times the line and glyphs."""
        return Profile(self.width_dots, self.columns // 3, self.line_dots * 3, self.font_px * 3, self.text_scale * 3)


PAPER_80MM = Profile()
PAPER_58MM = Profile(width_dots=384, columns=32)
