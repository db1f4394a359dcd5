"""A picture of the paper that came out of the virtual printer, for people to look at.

Text lines are drawn a character a cell, as the printer's Font A does (12 x 24 dots), with
NanumGothic since the printer's own font is not at hand; images are the very dots received;
a cut is a dashed line. Used by ``--tape`` of the virtual printer and by
tests that save what a report looks like on paper.
"""

from __future__ import annotations

from typing import Sequence

from PIL import Image, ImageDraw

from hardware.document import PAPER_80MM, Align, Profile
from hardware.layout import CutPaper, FeedLines, ImageLine, TextLine
from hardware.raster import render_text

MARGIN = 16  # white around the printable width, as on a real slip


def _x(align: Align, width: int, paper: int) -> int:
    return {Align.LEFT: 0, Align.CENTER: (paper - width) // 2, Align.RIGHT: paper - width}[align]


def _item_image(item, profile: Profile) -> Image.Image | None:
    """The dots of one item as an ink image (1 = ink), or None for a blank or a cut."""
    if isinstance(item, ImageLine):
        return Image.frombytes("1", (item.raster.width_dots, item.raster.height), item.raster.data)
    if isinstance(item, TextLine) and item.text.strip():
        return _monospace(item, profile)
    return None


def glyph_top(data: bytes, width_bytes: int) -> int:
    """The first row with ink (so a cropped glyph goes back on its own baseline)."""
    for row in range(len(data) // width_bytes):
        if any(data[row * width_bytes:(row + 1) * width_bytes]):
            return row
    return 0


def _monospace(line: TextLine, profile: Profile) -> Image.Image:
    cell = profile.width_dots // profile.columns * line.size
    height = profile.line_dots * line.size
    ink = Image.new("1", (cell * len(line.text), height), 0)
    for i, ch in enumerate(line.text):
        if ch != " ":
            glyph = render_text(ch, profile.font_px * line.size, height, line.bold)
            image = Image.frombytes("1", (glyph.width_dots, glyph.height), glyph.data)
            image = image.crop(image.getbbox() or (0, 0, 1, height))
            if image.width > cell - 2:  # Font A is condensed: squeeze wide glyphs into the cell
                image = image.resize((cell - 2, image.height), Image.NEAREST)
            top = glyph_top(glyph.data, glyph.width_bytes)
            ink.paste(1, (i * cell + (cell - image.width) // 2, top), image)
    return ink


def tape_image(items: Sequence, profile: Profile = PAPER_80MM) -> Image.Image:
    """The printed ``items`` (``VirtualPrinter.printed``) as one grey-scale image, top to bottom."""
    rows: list[tuple[int, int, Image.Image | None, bool]] = []  # (x, height, ink, is_cut)
    for item in items:
        if isinstance(item, FeedLines):
            rows.append((0, item.lines * profile.line_dots, None, False))
        elif isinstance(item, CutPaper):
            rows.append((0, profile.line_dots, None, True))
        else:
            ink = _item_image(item, profile)
            height = ink.height if ink is not None else profile.line_dots * getattr(item, "size", 1)
            x = _x(item.align, ink.width, profile.width_dots) if ink is not None else 0
            rows.append((x, height, ink, False))
    total = sum(height for _, height, _, _ in rows) + 2 * MARGIN
    paper = Image.new("L", (profile.width_dots + 2 * MARGIN, total), 255)
    draw = ImageDraw.Draw(paper)
    y = MARGIN
    for x, height, ink, is_cut in rows:
        if ink is not None:
            paper.paste(0, (MARGIN + x, y), ink)  # ink pixels as the mask: black where set
        if is_cut:
            middle = y + height // 2
            for start in range(0, paper.width, 12):
                draw.line([(start, middle), (start + 6, middle)], fill=128)
        y += height
    return paper
