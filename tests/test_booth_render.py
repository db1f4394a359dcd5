"""The booth's screens: every screen in both languages, every text size, both themes.

Touch targets are at least 15 mm on a 7-inch 800 x 480 panel, inside the screen, and never
overlap; every message key the code uses exists in both catalogues.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

import pygame
import pytest

from booth_ui import flow
from booth_ui.i18n import catalog
from booth_ui.render import Renderer
from booth_ui.theme import min_target_px
from ceremonyhelp import format2_election
from kiosk.contract.ttabok import ttabok_spec

KEY = "ab" * 32
E = format2_election(ttabok_spec(24), KEY)
VOTE = flow.Vote(payload="KT1O", style="C003", selections=(("G01", ("P002", "P005")),), ballot_id="1" * 32)


@pytest.fixture(scope="module")
def surface():
    pygame.init()
    return pygame.Surface((800, 480))


def states():
    for screen in flow.Screen:
        base = flow.BoothState(screen=screen, polls_open=True, message="already_used", tracking_code="ABCD-EFGH")
        if screen in flow.VOTING | flow.BUSY:
            base = replace(base, vote=VOTE)
        yield screen.value, base
    yield "notice", flow.BoothState(screen=flow.Screen.BALLOT, polls_open=True, vote=VOTE, notice="max_reached")
    yield "warning", flow.BoothState(screen=flow.Screen.BALLOT, polls_open=True, vote=VOTE, warning_since=0.0)
    yield "last_page", flow.BoothState(screen=flow.Screen.BALLOT, polls_open=True, vote=replace(VOTE, page=1))


CASES = [(name, state, lang, size, hc, mode) for (name, state), lang, size, hc, mode in
         itertools.product(list(states()), ("ko", "en"), range(4), (False, True), ("test", "official"))
         if size in (0, 3) or (hc is False and mode == "test")]


@pytest.mark.parametrize("name, state, lang, size, hc, mode", CASES,
                         ids=[f"{c[0]}-{c[2]}-{c[3]}-{'hc' if c[4] else 'n'}-{c[5]}" for c in CASES])
def test_screen_targets(surface, name, state, lang, size, hc, mode):
    renderer = Renderer(E, mode, surface.get_size())
    if renderer.per_page()[size] == 0:   # not offered on this panel (tests/test_booth_vvsg.py)
        return
    state = replace(state, prefs=flow.Prefs(lang, size, hc), per_page=renderer.per_page())
    frame = renderer.draw(surface, state, now=5.0)
    smallest = min_target_px(800)
    screen = surface.get_rect()
    for target in frame.targets:
        assert target.rect.width >= smallest and target.rect.height >= smallest, (target.label, target.rect)
        assert screen.contains(target.rect), target.label
        assert target.label.strip()
    for a, b in itertools.combinations(frame.targets, 2):
        assert not a.rect.colliderect(b.rect), (a.label, b.label)
    assert frame.spoken or state.screen in flow.BUSY


def test_a_chosen_option_says_so_in_words_not_only_colour(surface):
    renderer = Renderer(E, "official", surface.get_size())
    frame = renderer.draw(surface, flow.BoothState(screen=flow.Screen.BALLOT, polls_open=True, vote=VOTE), 0.0)
    labels = {t.event.option: t.label for t in frame.targets if isinstance(t.event, flow.Choose)}
    assert "선택됨" in labels["P002"] and "선택 안 됨" in labels["P004"]
    assert "고를 수 없습니다" in labels["P003"]  # the voter's own community: greyed with the reason


def test_catalogues_have_the_same_keys_and_placeholders():
    ko, en = catalog("ko"), catalog("en")
    assert set(ko) == set(en)
    for key in ko:
        assert set(re.findall(r"{(\w+)}", ko[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_every_key_used_in_code_exists():
    root = Path(__file__).resolve().parent.parent / "booth_ui"
    used = set()
    for path in root.glob("*.py"):
        used |= set(re.findall(r"""\bt\((?:lang|other|state\.prefs\.language|'ko'|'en'|"ko"|"en"), ["']([a-z_]+)["']\s*[,)]""",
                               path.read_text()))
    assert used and used <= set(catalog("en")), used - set(catalog("en"))


def test_every_reason_and_problem_has_words():
    from kiosk.contract.tokens import RefusalReason

    for reason in RefusalReason:
        assert f"reason_{reason.value}" in catalog("ko")
    for notice in ("max_reached", "excluded", "too_few", "spoiled", "one_token"):
        assert f"notice_{notice}" in catalog("en")


def test_renderer_starts_with_only_the_display_initialised():
    """The window path initialises only pygame's display; the renderer must bring its fonts up."""
    pygame.quit()
    pygame.display.init()
    surface = pygame.Surface((800, 480))
    frame = Renderer(E, "official", (800, 480)).draw(surface, flow.BoothState(screen=flow.Screen.ATTRACT,
                                                                              polls_open=True), 0.0)
    assert frame.targets


def test_the_cast_confirmation_says_to_take_the_receipt_when_the_package_prints_one(surface):
    state = flow.BoothState(screen=flow.Screen.CAST_DONE, polls_open=True, tracking_code="5NRHC-GNQ4Z",
                            prefs=flow.Prefs("en", 0, False))
    for receipt in (False, True):
        frame = Renderer(replace(E, receipt=receipt), "official", surface.get_size()).draw(surface, state, now=5.0)
        spoken = " ".join(frame.spoken)
        assert ("Take your receipt" in spoken) == receipt and "5" in spoken
