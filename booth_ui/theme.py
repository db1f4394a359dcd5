"""Sizes and colours of the booth screen, in millimetres and contrast ratios (VVSG 2.0 chapter 7).

Every size is physical: the panel's pixels per millimetre (from its width in mm, or the stock
7-inch panel's 5.25 px/mm when it is not known) turn millimetres into pixels, so a larger panel
shows the same text and targets with more room around them. Four text sizes from 3.5 mm up
to 9 mm capital height (VVSG 2.0 7.1-G); sizes 2 and 3 are large print (every voter-facing
heading and option at 6.4 mm or more). Touch targets are 15 mm with 2.54 mm between them
(VVSG 2.0 7.2-D asks 12.7 mm and 2.54 mm). Text contrast is at least 10:1 in both themes
(7.1-E; WCAG's 4.5:1 is the floor everywhere), the focus ring 3:1 against what it sits on.
"""

from __future__ import annotations

from dataclasses import dataclass

SCREEN_WIDTH_MM = 152.5      # a 7-inch 5:3 panel (800 x 480) is about 152.5 mm wide
REF_PX_PER_MM = 800 / SCREEN_WIDTH_MM
MIN_TARGET_MM = 15.0         # touch target (VVSG 2.0: at least 12.7 mm)
MIN_TARGET_GAP_MM = 2.54     # between two targets (VVSG 2.0: at least 2.54 mm)
MIN_CAP_MM = 3.5             # the smallest capital height of any text, at any size
LARGE_CAP_MM = 6.4           # large print: headings and options at least this tall
LARGE_SIZES = (2, 3)         # the text sizes that are large print
MIN_TEXT_CONTRAST = 10.0     # VVSG 2.0 7.1-E, every text in every state
MIN_FOCUS_CONTRAST = 3.0     # a non-text indicator against its neighbours
CAP_RATIO = 0.70             # NanumGothic: capital height / font size (measured by the tests)
BODY_PT = (25, 29, 46, 62)   # text sizes 0..3 (pixels at 5.25 px/mm, about 3.9, 4.5, 6.9 and 9.3 mm caps)


@dataclass(frozen=True)
class Theme:
    background: tuple[int, int, int]
    text: tuple[int, int, int]
    muted: tuple[int, int, int]
    button: tuple[int, int, int]
    button_text: tuple[int, int, int]
    chosen: tuple[int, int, int]
    chosen_text: tuple[int, int, int]
    disabled: tuple[int, int, int]
    border: tuple[int, int, int]
    banner: tuple[int, int, int]
    banner_text: tuple[int, int, int]
    focus: tuple[int, int, int]
    border_px: int

    def text_pairs(self) -> dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]]:
        """Every (ink, paper) the renderer draws text with, by name."""
        return {"text": (self.text, self.background), "muted": (self.muted, self.background),
                "button": (self.button_text, self.button), "chosen": (self.chosen_text, self.chosen),
                "excluded": (self.text, self.disabled), "banner": (self.banner_text, self.banner)}


NORMAL = Theme(background=(246, 246, 242), text=(20, 20, 20), muted=(45, 45, 45), button=(226, 232, 240),
               button_text=(10, 30, 70), chosen=(10, 40, 110), chosen_text=(255, 255, 255),
               disabled=(205, 205, 205), border=(60, 60, 60), banner=(130, 15, 10), banner_text=(255, 255, 255),
               focus=(170, 0, 110), border_px=2)
HIGH_CONTRAST = Theme(background=(0, 0, 0), text=(255, 255, 255), muted=(255, 255, 0), button=(0, 0, 0),
                      button_text=(255, 255, 0), chosen=(255, 255, 0), chosen_text=(0, 0, 0),
                      disabled=(40, 40, 40), border=(255, 255, 255), banner=(255, 255, 255),
                      banner_text=(0, 0, 0), focus=(0, 255, 255), border_px=4)


def theme(high_contrast: bool) -> Theme:
    """The high-contrast theme or the default one."""
    return HIGH_CONTRAST if high_contrast else NORMAL


def min_target_px(screen_width_px: int, panel_width_mm: float | None = None) -> int:
    """The smallest touch target in pixels for this screen (15 mm)."""
    return int(round(MIN_TARGET_MM * px_per_mm(screen_width_px, panel_width_mm)))


def px_per_mm(screen_width_px: int, panel_width_mm: float | None = None) -> float:
    """The panel's pixel density: from its width in mm, else the stock 7-inch panel's density."""
    return screen_width_px / panel_width_mm if panel_width_mm else REF_PX_PER_MM


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
