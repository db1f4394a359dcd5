"""1-bit raster images for the printer: Hangul text drawn with NanumGothic, and QR codes.

A ``Raster`` is exactly what ESC/POS ``GS v 0`` carries: rows of ``width_bytes`` bytes, the
leftmost dot in the high bit, 1 = ink. The virtual printer decodes the same structure back,
so a test can compare hashes of what was sent and what came out.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw, ImageFont

from kiosk.fonts import hangul_font

QUIET_ZONE = 4  # modules of white around a QR code, as ISO/IEC 18004 asks
_REFERENCE = "한글Agjy|"  # tall and deep glyphs: fixes one baseline for every line


@dataclass(frozen=True)
class Raster:
    """A 1-bit image: ``height`` rows of ``width_bytes`` bytes each (8 dots a byte)."""

    width_bytes: int
    height: int
    data: bytes

    def __post_init__(self) -> None:
        if len(self.data) != self.width_bytes * self.height:
            raise ValueError(f"raster data is {len(self.data)} bytes, "
                             f"not {self.width_bytes} x {self.height}")

    @property
    def width_dots(self) -> int:
        """Width in printer dots (a multiple of 8)."""
        return self.width_bytes * 8

    def sha256(self) -> str:
        """Hash of the size and the dots: equal hashes mean the same printed image."""
        head = f"{self.width_bytes}x{self.height}:".encode()
        return hashlib.sha256(head + self.data).hexdigest()

    def to_image(self) -> Image.Image:
        """A Pillow image (mode "1", white paper, black ink) for looking at."""
        inked = Image.frombytes("1", (self.width_dots, self.height), self.data)
        return Image.eval(inked.convert("L"), lambda v: 255 - v).convert("1")

    @classmethod
    def from_ink(cls, image: Image.Image) -> "Raster":
        """From a mode "1" image whose set pixels are ink (Pillow packs rows MSB first)."""
        width_bytes = (image.width + 7) // 8
        return cls(width_bytes, image.height, image.tobytes())


@functools.lru_cache(maxsize=8)
def _font(size_px: int, bold: bool) -> tuple[ImageFont.FreeTypeFont, int, int]:
    """The font at a pixel size, with the top and bottom of the reference glyphs."""
    font = ImageFont.truetype(str(hangul_font(bold=bold)), size_px)
    _, top, _, bottom = font.getbbox(_REFERENCE)
    return font, top, bottom


def text_width(text: str, size_px: int, bold: bool = False) -> int:
    """Width in dots that ``text`` takes when drawn by ``render_text``."""
    font, _, _ = _font(size_px, bold)
    return int(font.getlength(text) + 0.999)


def render_text(text: str, size_px: int, height: int, bold: bool = False,
                right: str = "", width: int | None = None) -> Raster:
    """Draw one line of text into a raster ``height`` dots tall, vertically centred.

    With ``right``, that text is drawn flush with the right edge of ``width`` dots (columns).
    Drawn without anti-aliasing (mode "1"): a thermal head has no grey.
    """
    font, top, bottom = _font(size_px, bold)
    width = width or max(8, text_width(text, size_px, bold))
    image = Image.new("1", (width, height), 0)
    y = (height - (bottom - top)) // 2 - top
    draw = ImageDraw.Draw(image)
    draw.text((0, y), text, font=font, fill=1)
    if right:
        draw.text((width - text_width(right, size_px, bold), y), right, font=font, fill=1)
    return Raster.from_ink(image)


def render_qr(data: str, module_dots: int, error: str, max_width: int) -> Raster:
    """A QR code with its quiet zone, ``module_dots`` per module, shrunk to fit ``max_width``.

    Raises ValueError when even one dot a module is too wide (the data is too long).
    """
    code = segno.make(data, error=error, boost_error=False, micro=False)
    matrix = [bytes(row) for row in code.matrix]
    modules = len(matrix) + 2 * QUIET_ZONE
    scale = min(module_dots, max_width // modules)
    if scale < 1:
        raise ValueError(f"a QR code of {len(data)} characters does not fit {max_width} dots")
    small = Image.new("1", (modules, modules), 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark & 1:
                small.putpixel((c + QUIET_ZONE, r + QUIET_ZONE), 1)
    return Raster.from_ink(small.resize((modules * scale, modules * scale), Image.NEAREST))
