"""The booth's drawing kit: fonts in millimetres, wrapped and fitted text, buttons, rows of buttons.

:class:`Painter` knows the panel (its pixels per millimetre, the touch target, the gap between
targets) and draws text that never falls under 3.5 mm capitals, noting every line it draws
(:class:`DrawnText`) so the tests can measure sizes and contrast on the pixels themselves.
The screens (:mod:`booth_ui.render`, :mod:`booth_ui.render_ballot`, :mod:`booth_ui.render_worker`)
are built from these pieces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from booth_ui import flow
from booth_ui.theme import (BODY_PT, CAP_RATIO, LARGE_CAP_MM, LARGE_SIZES, MIN_CAP_MM, MIN_TARGET_GAP_MM, REF_PX_PER_MM,
                            Theme, min_target_px, px_per_mm)
from kiosk.fonts import hangul_font


@dataclass(frozen=True)
class Target:
    rect: pygame.Rect
    event: object
    label: str


@dataclass(frozen=True)
class DrawnText:
    """One line of text as drawn: its words, font height, ink, the paper under it, and where."""

    text: str
    font_px: int
    ink: tuple[int, int, int]
    paper: tuple[int, int, int]
    rect: pygame.Rect


@dataclass
class Frame:
    targets: list[Target] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    texts: list[DrawnText] = field(default_factory=list)


class Painter:
    """Text and buttons on a panel of ``size`` pixels, ``panel_width_mm`` wide (unknown: the 7-inch panel)."""

    def __init__(self, size: tuple[int, int], panel_width_mm: float | None = None) -> None:
        self.width, self.height = size
        self.px_per_mm = px_per_mm(self.width, panel_width_mm)
        self.scale = self.px_per_mm / REF_PX_PER_MM
        self.target = min_target_px(self.width, panel_width_mm)
        self.gap = max(4, int(MIN_TARGET_GAP_MM * self.px_per_mm + 0.999))  # between two targets
        self.min_px = self.font_px_for(MIN_CAP_MM)
        self.large_px = self.font_px_for(LARGE_CAP_MM)
        self._texts: list[DrawnText] = []
        pygame.font.init()  # idempotent; the window path initialises only the display
        self._font_path = str(hangul_font())
        self._bold_path = str(hangul_font(bold=True))
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._sizes: dict[int, int] = {}   # id(font) -> its size in pixels

    def font_px_for(self, cap_mm: float) -> int:
        """The font size in pixels whose capital letters are ``cap_mm`` tall on this panel."""
        return int(cap_mm * self.px_per_mm / CAP_RATIO + 0.999)

    def font(self, px: int, bold: bool = False, floor: int | None = None) -> pygame.font.Font:
        """A font of ``px`` (at 5.25 px/mm, scaled to the panel), never below ``floor`` or 3.5 mm capitals."""
        key = (max(int(px * self.scale), floor or self.min_px), bold)
        if key not in self._fonts:
            self._fonts[key] = pygame.font.Font(self._bold_path if bold else self._font_path, key[0])
            self._sizes[id(self._fonts[key])] = key[0]
        return self._fonts[key]

    def floor(self, state: flow.BoothState, step: int = 0) -> int:
        """The smallest font for a text: large print for voters' headings and options at sizes 2 and 3."""
        large = state.prefs.text_size in LARGE_SIZES and step >= -2 and state.screen not in flow.WORKER
        return self.large_px if large else self.min_px

    def body(self, state: flow.BoothState, step: int = 0, bold: bool = False) -> pygame.font.Font:
        return self.font(BODY_PT[state.prefs.text_size] + step, bold, self.floor(state, step))

    def blit_text(self, surface, font: pygame.font.Font, line: str, ink, pos: tuple[int, int]) -> None:
        """Draw one line, noting what it is, its size, its ink and the paper under it (for the tests)."""
        image = font.render(line, True, ink)
        rect = image.get_rect(topleft=pos)
        clipped = rect.clip(surface.get_rect())
        if line.strip() and clipped.width and clipped.height:
            paper = tuple(surface.get_at((clipped.left, clipped.centery)))[:3]
            self._texts.append(DrawnText(line, self._sizes[id(font)], tuple(ink), paper, rect))
        surface.blit(image, pos)

    def wrap(self, text: str, font: pygame.font.Font, width: int) -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                trial = f"{line} {word}".strip()
                if font.size(trial)[0] <= width or not line:
                    line = trial
                    while font.size(line)[0] > width and len(line) > 1:  # a word wider than the box
                        cut = len(line) - 1
                        while cut > 1 and font.size(line[:cut])[0] > width:
                            cut -= 1
                        lines.append(line[:cut])
                        line = line[cut:]
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return lines

    def text(self, surface, text, font, color, rect: pygame.Rect, center=True) -> int:
        """Wrapped text inside ``rect``; returns the height used."""
        y = rect.top
        for line in self.wrap(text, font, rect.width):
            x = rect.left + (rect.width - font.size(line)[0]) // 2 if center else rect.left
            self.blit_text(surface, font, line, color, (x, y))
            y += font.get_linesize()
        return y - rect.top

    def button(self, frame, surface, th: Theme, rect, label, event, font, fill=None, ink=None) -> None:
        pygame.draw.rect(surface, fill or th.button, rect, border_radius=int(10 * self.scale))
        pygame.draw.rect(surface, th.border, rect, th.border_px, border_radius=int(10 * self.scale))
        inner = rect.width - 2 * self.gap
        font = self._fit(label, font, inner, rect.height - self.gap // 2, bold=True)
        if any(font.size(word)[0] > inner for word in label.split()):
            inner = rect.width - self.gap // 2   # a narrow key: less margin rather than a word cut in two ("Eras/e")
        lines = self.wrap(label, font, inner)
        y = rect.centery - len(lines) * font.get_linesize() // 2
        for line in lines:
            self.blit_text(surface, font, line, ink or th.button_text, (rect.centerx - font.size(line)[0] // 2, y))
            y += font.get_linesize()
        frame.targets.append(Target(pygame.Rect(rect), event, label))

    def _fit(self, text: str, font: pygame.font.Font, width: int, height: int, bold: bool = False,
             floor: int | None = None) -> pygame.font.Font:
        """The font, made smaller until ``text`` wrapped to ``width`` fits in ``height`` (never below the floor)."""
        floor = floor or self.min_px
        size = self._sizes[id(font)]
        while size - 2 >= floor and len(self.wrap(text, font, width)) * font.get_linesize() > height:
            size -= 2
            font = self.font(0, bold, size)
        return font

    def _shrink(self, items, width: int, height: int, spacing: int) -> list[pygame.font.Font]:
        """Fonts for (text, font, bold) paragraphs, made smaller together (never below 3.5 mm) until they fit."""
        fonts = [font for _, font, _ in items]
        while True:
            used = sum(len(self.wrap(text, f, width)) * f.get_linesize() + spacing for (text, _, _), f in zip(items, fonts))
            if used <= height or all(self._sizes[id(f)] <= self.min_px for f in fonts):
                return fonts
            fonts = [self.font(0, bold, max(self.min_px, self._sizes[id(f)] - 2)) for (_, _, bold), f in zip(items, fonts)]

    def _nav(self, frame, surface, th, state, area, items) -> pygame.Rect:
        """A row of bottom buttons (label, event or None for a plain label); returns the area above."""
        font = self.body(state, -2, bold=True)
        y = area.bottom - self.target
        w = (area.width - (len(items) - 1) * self.gap) // len(items)
        for i, (label, event) in enumerate(items):
            rect = pygame.Rect(area.left + i * (w + self.gap), y, w, self.target)
            # a label that does not fit its button gets smaller, down to 3.5 mm
            fit = self._fit(label, font, rect.width - 2 * self.gap, rect.height, bold=True)
            if event is None:
                self.text(surface, label, fit, th.text, rect.move(0, (self.target - fit.get_linesize()) // 2))
            else:
                self.button(frame, surface, th, rect, label, event, fit)
        return pygame.Rect(area.left, area.top, area.width, area.height - self.target - self.gap)

    def _message(self, frame, surface, th, state, area, title, lines, buttons=()):
        lang = state.prefs.language
        if buttons:
            area = self._nav(frame, surface, th, state, area, buttons)
        spacing = int(14 * self.scale)
        fonts = self._shrink([(title, self.body(state, 8, bold=True), True),
                              *((line, self.body(state), False) for line in lines)], area.width, area.height, spacing)
        height = sum(len(self.wrap(x, f, area.width)) * f.get_linesize() + spacing
                     for x, f in zip([title, *lines], fonts))
        y = area.top + min(int(20 * self.scale), max(0, area.height - height))
        y += self.text(surface, title, fonts[0], th.text, pygame.Rect(area.left, y, area.width, 999))
        for line, font in zip(lines, fonts[1:]):
            y += spacing
            y += self.text(surface, line, font, th.text, pygame.Rect(area.left, y, area.width, 999))
        frame.spoken[:0] = [title, *lines]
        del lang
