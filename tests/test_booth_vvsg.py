"""VVSG 2.0 sizes and contrast, measured on rendered screens at three panel resolutions.

For every screen, both languages, both themes and the smallest and largest text size, on
800 x 480, 1024 x 600 and 1920 x 1080 (SDL_VIDEODRIVER=dummy): every line of text drawn has
capitals of at least 3.5 mm (large print: headings and options at least 6.4 mm), a contrast of
at least 10:1 between its ink and the pixel under it, and stays on the screen; every touch
target is at least 15 mm with at least 2.54 mm to the next. Theme colours are checked pair
by pair, and the focus ring at 3:1 against the background it is drawn on.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import replace

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from booth_ui import flow  # noqa: E402
from booth_ui.render import Renderer  # noqa: E402
from booth_ui.theme import (CAP_RATIO, HIGH_CONTRAST, LARGE_CAP_MM, MIN_CAP_MM, MIN_FOCUS_CONTRAST,  # noqa: E402
                            MIN_TARGET_GAP_MM, MIN_TARGET_MM, MIN_TEXT_CONTRAST, NORMAL, contrast, luminance)
from kiosk.fonts import hangul_font  # noqa: E402
from tests.test_booth_render import E, states  # noqa: E402

PANELS = [(800, 480), (1024, 600), (1920, 1080)]


@pytest.mark.parametrize("th", [NORMAL, HIGH_CONTRAST], ids=["normal", "high-contrast"])
def test_theme_colours_reach_ten_to_one_and_the_focus_ring_three(th):
    ratios = {name: contrast(ink, paper) for name, (ink, paper) in th.text_pairs().items()}
    assert min(ratios.values()) >= MIN_TEXT_CONTRAST, ratios
    assert contrast(th.focus, th.background) >= MIN_FOCUS_CONTRAST


def test_contrast_formula_known_answers():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)  # WCAG's grey on white
    assert luminance((255, 255, 255)) == pytest.approx(1.0)


@pytest.mark.parametrize("bold", [False, True])
def test_cap_ratio_is_the_fonts_own(bold):
    pygame.font.init()
    font = pygame.font.Font(str(hangul_font(bold=bold)), 200)
    ink = font.render("H", True, (0, 0, 0), (255, 255, 255))
    ink.set_colorkey((255, 255, 255))
    cap = ink.get_bounding_rect().height / 200
    assert CAP_RATIO - 0.005 <= cap <= CAP_RATIO + 0.06, cap  # never overstates it (antialiased edges add a little)


def gap_between(a: pygame.Rect, b: pygame.Rect) -> int:
    dx = max(b.left - a.right, a.left - b.right, 0)
    dy = max(b.top - a.bottom, a.top - b.bottom, 0)
    return max(dx, dy)


CASES = [(panel, name, state, lang, size, hc) for panel, (name, state), lang, size, hc in
         itertools.product(PANELS, list(states()), ("ko", "en"), (0, 2, 3), (False, True))
         if lang == "en" or not hc]


@pytest.fixture(scope="module")
def renderers():
    pygame.init()
    return {panel: (Renderer(E, "test", panel), pygame.Surface(panel)) for panel in PANELS}


@pytest.mark.parametrize("panel, name, state, lang, size, hc", CASES,
                         ids=[f"{c[0][0]}x{c[0][1]}-{c[1]}-{c[3]}-{c[4]}-{'hc' if c[5] else 'n'}" for c in CASES])
def test_rendered_sizes_and_contrast(renderers, panel, name, state, lang, size, hc):
    renderer, surface = renderers[panel]
    if renderer.per_page()[size] == 0:   # a size this panel cannot show is not offered (checked below)
        return
    state = replace(state, prefs=flow.Prefs(lang, size, hc), per_page=renderer.per_page())
    frame = renderer.draw(surface, state, now=5.0)
    mm = renderer.px_per_mm
    assert frame.texts
    options = {t.label.split(". ")[0] for t in frame.targets if isinstance(t.event, flow.Choose)}
    for text in frame.texts:
        cap_mm = text.font_px * CAP_RATIO / mm
        assert cap_mm >= MIN_CAP_MM - 0.05, (text.text, round(cap_mm, 2))
        if size >= 2 and text.text in options:
            assert cap_mm >= LARGE_CAP_MM - 0.05, (text.text, round(cap_mm, 2))
        if name != "warning":   # the warning's shade lies over the page, the box on it is checked
            assert contrast(text.ink, text.paper) >= MIN_TEXT_CONTRAST, (text.text, text.ink, text.paper)
        assert surface.get_rect().contains(text.rect) or text.rect.width > panel[0], (text.text, text.rect)
    for target in frame.targets:
        assert min(target.rect.size) >= MIN_TARGET_MM * mm - 1, (target.label, target.rect)
        assert surface.get_rect().contains(target.rect), target.label
    for a, b in itertools.combinations(frame.targets, 2):
        assert gap_between(a.rect, b.rect) >= MIN_TARGET_GAP_MM * mm - 0.5, (a.label, b.label)


def test_which_sizes_each_panel_offers():
    offered = {panel: Renderer(E, "test", panel).per_page() for panel in [*PANELS, (1024, 768)]}
    assert offered[(800, 480)][2:] == (0, 0)          # the 7-inch panel has no room for large print
    assert offered[(1024, 600)][2] > 0                # large print from a 1024 x 600 panel up
    assert all(offered[(1024, 768)]) and all(offered[(1920, 1080)])   # VVSG 2.0's 1024 x 768: all four
    state = flow.BoothState(screen=flow.Screen.ATTRACT, polls_open=True, per_page=offered[(800, 480)])
    for _ in range(4):
        state, _ = flow.step(state, flow.TextSize(1), 0.0, E)
    assert state.prefs.text_size == 1                 # 가+ stops at the largest size the panel can show


def test_a_larger_panel_shows_more_options_and_the_same_millimetres():
    small, large = Renderer(E, "official", (800, 480)), Renderer(E, "official", (1920, 1080))
    assert large.per_page()[1] > small.per_page()[1]
    assert large.min_px == small.min_px  # same density: the same text height in mm
    dense = Renderer(E, "official", (1920, 1080), panel_width_mm=152.5)  # a 7-inch 1080p panel
    assert dense.font_px_for(MIN_CAP_MM) * CAP_RATIO / dense.px_per_mm >= MIN_CAP_MM


def test_large_print_shows_headings_and_options_at_six_point_four_mm(renderers):
    renderer, surface = renderers[(1920, 1080)]
    vote = next(s for n, s in states() if n == "ballot").vote
    state = flow.BoothState(screen=flow.Screen.BALLOT, polls_open=True, vote=vote, prefs=flow.Prefs("en", 2),
                            per_page=renderer.per_page())
    frame = renderer.draw(surface, state, 0.0)
    heading = next(t for t in frame.texts if t.text == E.contest("G01").title.in_language("en"))
    assert heading.font_px * CAP_RATIO / renderer.px_per_mm >= LARGE_CAP_MM


def test_the_booth_lays_itself_out_again_for_the_panel_it_is_given():
    from booth_ui.booth import Booth

    class NoPort:
        pass

    booth = Booth(E, "official", NoPort(), (800, 480), polls_open=True)
    try:
        vote = next(s for n, s in states() if n == "last_page").vote
        booth.state = replace(booth.state, screen=flow.Screen.BALLOT, vote=replace(vote, page=3))
        first = flow.pages(E, vote.style, 1, booth.state.per_page)[3][1][0]
        booth.resize((1920, 1080))
        assert booth.state.per_page == booth.renderer.per_page() and booth.renderer.width == 1920
        assert first in flow.pages(E, vote.style, 1, booth.state.per_page)[booth.state.vote.page][1]
        surface = pygame.Surface((1920, 1080))
        frame = booth.renderer.draw(surface, booth.state, 0.0)
        assert any(isinstance(t.event, flow.Choose) and t.event.option == first for t in frame.targets)
    finally:
        booth.close()
