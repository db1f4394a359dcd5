"""Sizes and colours of the booth screen: two themes, four text sizes, 15 mm touch targets."""

from __future__ import annotations

from dataclasses import dataclass

SCREEN_WIDTH_MM = 152.5      # a 7-inch 5:3 panel (800 x 480) is about 152.5 mm wide
MIN_TARGET_MM = 15.0         # VVSG-style minimum touch target
BODY_PT = (22, 26, 31, 37)   # text sizes 0..3 (pixels at 800 x 480, scaled with the screen)


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


NORMAL = Theme(background=(246, 246, 242), text=(20, 20, 20), muted=(90, 90, 90), button=(226, 232, 240),
               button_text=(10, 30, 70), chosen=(20, 70, 160), chosen_text=(255, 255, 255),
               disabled=(205, 205, 205), border=(60, 60, 60), banner=(190, 40, 30), banner_text=(255, 255, 255),
               focus=(230, 140, 0), border_px=2)
HIGH_CONTRAST = Theme(background=(0, 0, 0), text=(255, 255, 255), muted=(255, 255, 0), button=(0, 0, 0),
                      button_text=(255, 255, 0), chosen=(255, 255, 0), chosen_text=(0, 0, 0),
                      disabled=(70, 70, 70), border=(255, 255, 255), banner=(255, 255, 255),
                      banner_text=(0, 0, 0), focus=(0, 255, 255), border_px=4)


def theme(high_contrast: bool) -> Theme:
    return HIGH_CONTRAST if high_contrast else NORMAL


def min_target_px(screen_width_px: int) -> int:
    """The smallest touch target in pixels for this screen width (15 mm)."""
    return int(round(MIN_TARGET_MM * screen_width_px / SCREEN_WIDTH_MM))
