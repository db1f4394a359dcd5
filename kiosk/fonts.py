"""Finding a Hangul font: NanumGothic from Debian's ``fonts-nanum``, never tofu boxes."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.errors import KioskError

FONT_DIRS = ("/usr/share/fonts/truetype/nanum", "/usr/share/fonts/nanum",
             "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))


class FontMissing(KioskError):
    """No Hangul font is installed."""


def hangul_font(bold: bool = False) -> Path:
    """Path of NanumGothic (or its bold face); FontMissing names the package to install."""
    names = ["NanumGothicBold.ttf", "NanumGothic.ttf"] if bold else ["NanumGothic.ttf"]
    extra = os.environ.get("KIOSK_FONT_DIR")
    for d in ([extra] if extra else []) + list(FONT_DIRS):
        for name in names:
            path = Path(d) / name
            if path.is_file():
                return path
    raise FontMissing("no Hangul font (NanumGothic) is installed, so Korean text cannot be shown",
                      hint="install Debian's fonts-nanum package: sudo apt-get install fonts-nanum "
                           "(or set KIOSK_FONT_DIR to a folder holding NanumGothic.ttf)")
