"""``WindowScreen``: the whole-election demo's booth in a real pygame window while a scripted voter
touches it (SDL's dummy video driver: a real display surface, no monitor)."""

from __future__ import annotations

import pygame
import pytest

from booth_ui import flow
from booth_ui.display import WindowScreen
from kiosk.app.booth import SCREEN_SIZE, Appliance
from kiosk.app.demo import prepare
from kiosk.app.voter import vote
from scanner.showcase import ShowcaseSource


@pytest.fixture
def appliance(tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    tokens = prepare(tmp_path)
    camera = ShowcaseSource()
    app = Appliance(tmp_path / "station", camera, f"file:{tmp_path / 'printer.escpos'}").start()
    yield app, camera, tokens
    app.stop()
    WindowScreen.close()


def test_the_window_shows_every_frame_the_voter_touches(appliance):
    app, camera, tokens = appliance
    screen = WindowScreen(app.booth, SCREEN_SIZE, "kiosk S01 (demo)", pause_s=0.05)
    style, png = tokens[0]
    shown = []
    real_flip = pygame.display.flip

    def flip():  # what reached the window, frame by frame
        shown.append(screen.booth.state.screen)
        real_flip()

    pygame.display.flip = flip
    try:
        outcome = vote(screen, lambda: camera.hold_up(png), ["P001"] if style != "C001" else ["P002"])
    finally:
        pygame.display.flip = real_flip
    assert outcome.cast, outcome
    assert pygame.display.get_caption()[0] == "kiosk S01 (demo)"
    assert pygame.display.get_surface().get_size() == SCREEN_SIZE
    # the window went through the voter's screens, and it holds exactly what the booth drew last
    assert {flow.Screen.BALLOT, flow.Screen.REVIEW, flow.Screen.CAST_DONE} <= set(shown)
    window = pygame.display.get_surface()
    assert pygame.image.tobytes(window, "RGB") == pygame.image.tobytes(screen.surface, "RGB")


def test_closing_the_window_lets_the_voter_finish_off_screen(appliance):
    app, camera, tokens = appliance
    screen = WindowScreen(app.booth, SCREEN_SIZE, pause_s=0.05)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    style, png = tokens[1]
    outcome = vote(screen, lambda: camera.hold_up(png), [])
    assert screen.closed and not pygame.display.get_init()
    assert outcome.cast  # the script went on: a blank ballot cast off screen
