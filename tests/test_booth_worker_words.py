"""The poll worker's screens say things in words: tries left after a wrong PIN, statuses as
sentences (never ``polls_open``), a refused card refused as a card, Export to USB from the menu,
and the panel's width from the configuration. The real station, camera path, PIN policy and
USB export; pygame with the dummy video driver."""

from __future__ import annotations

import re

import pygame
import pytest

from booth_ui import flow
from booth_ui.display import HeadlessScreen
from booth_ui.i18n import t
from booth_ui.render import Renderer
from fakeclock import SkipClock
from ceremonyhelp import format2_election
from kiosk.app.booth import SCREEN_SIZE, Appliance
from kiosk.app.demo import DEMO_PIN, prepare
from kiosk.app.voter import wait_for
from kiosk.contract.ttabok import ttabok_spec
from scanner.showcase import ShowcaseSource
from sync.usb import read_export

KEY = "ab" * 32
E = format2_election(ttabok_spec(6), KEY)
RAW_IDS = re.compile(r"\b(polls_open|polls_paused|polls_closed|paper_near_end|paper_out|cover_open|not_connected|"
                     r"not_responding|camera_lost)\b")


@pytest.fixture
def booth(tmp_path):
    prepare(tmp_path)
    clock = SkipClock()
    camera = ShowcaseSource(clock=clock)
    usb = tmp_path / "usb"
    usb.mkdir()
    appliance = Appliance(tmp_path / "station", camera, f"file:{tmp_path / 'printer.escpos'}", clock=clock,
                          usb_dir=usb, panel_width_mm=200).start()
    yield tmp_path, camera, appliance, HeadlessScreen(appliance.booth, SCREEN_SIZE)
    appliance.stop()


def type_pin(screen, pin):
    for digit in pin:
        assert screen.touch(lambda e, d=digit: isinstance(e, flow.PinDigit) and e.digit == d)
    assert screen.touch(lambda e: isinstance(e, flow.PinSubmit))


def unlock(root, camera, screen, pins):
    camera.hold_up(root / "cards" / "poll-worker-S01.png", seconds=2.0)
    wait_for(screen, {flow.Screen.WORKER_PIN})
    camera.take_away()
    assert screen.touch(lambda e: isinstance(e, flow.SetLanguage) and e.language == "en")
    for pin in pins:
        type_pin(screen, pin)
        wait_for(screen, {flow.Screen.WORKER_PIN, flow.Screen.WORKER_MENU})


def spoken(screen) -> str:
    screen.frame()
    return " ".join(screen.booth.last_frame.spoken)


def test_a_wrong_pin_says_how_many_tries_are_left_and_counts_down(booth):
    root, camera, appliance, screen = booth
    unlock(root, camera, screen, ["9999"])
    left = int(appliance.booth.state.status[1])
    assert left >= 1
    assert t("en", "pin_tries_left", left=left) in spoken(screen)
    type_pin(screen, "8888")
    wait_for(screen, {flow.Screen.WORKER_PIN})
    said = spoken(screen)
    assert appliance.booth.state.notice in ("wrong_pin", "must_wait")
    if appliance.booth.state.notice == "wrong_pin":
        assert t("en", "pin_tries_left", left=left - 1) in said
    else:   # the policy asks for a wait: the screen says how long
        assert t("en", "pin_wait", seconds=appliance.booth.state.status[0]) in said


def test_the_status_page_is_in_words(booth):
    root, camera, appliance, screen = booth
    unlock(root, camera, screen, [DEMO_PIN])
    assert appliance.booth.state.screen is flow.Screen.WORKER_MENU
    screen.frame()
    texts = " ".join(d.text for d in appliance.booth.last_frame.texts)
    assert t("en", "status_state_polls_open") in texts and t("en", "status_camera_ok") in texts
    assert t("en", "status_mode_test") in texts
    assert not RAW_IDS.search(texts), RAW_IDS.search(texts)
    assert not RAW_IDS.search(spoken(screen))


def test_export_to_usb_from_the_menu(booth):
    root, camera, appliance, screen = booth
    unlock(root, camera, screen, [DEMO_PIN])
    assert "export" in appliance.booth.state.actions
    # no stick: the mount point is an empty folder
    assert screen.touch(lambda e: isinstance(e, flow.MenuAction) and e.action == "export")
    wait_for(screen, {flow.Screen.WORKER_MENU})
    assert appliance.booth.state.notice == "usb_missing"
    assert t("en", "notice_usb_missing") in spoken(screen)
    (root / "usb" / "LABEL").write_text("a stick with a file on it\n")   # a stick is mounted
    assert screen.touch(lambda e: isinstance(e, flow.MenuAction) and e.action == "export")
    wait_for(screen, {flow.Screen.WORKER_MENU})
    assert appliance.booth.state.notice == "exported", appliance.booth.state.notice
    folders = [p for p in (root / "usb").iterdir() if p.is_dir()]
    assert len(folders) == 1 and (folders[0] / "manifest.json").exists()
    manifest, _, problems = read_export(folders[0])
    assert manifest["station"] == "S01" and not problems


def test_the_panels_width_sets_the_density_and_survives_a_new_mode(booth):
    _, _, appliance, _ = booth
    assert appliance.booth.renderer.px_per_mm == pytest.approx(SCREEN_SIZE[0] / 200)
    appliance.booth.resize((1920, 1080))   # full screen took the panel's native mode
    assert appliance.booth.renderer.px_per_mm == pytest.approx(1920 / 200)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_refused_card_is_not_called_a_token(lang):
    pygame.font.init()
    renderer = Renderer(E, "test", SCREEN_SIZE)
    surface = pygame.Surface(SCREEN_SIZE)
    card = flow.BoothState(screen=flow.Screen.REFUSED, message="expired", refused_card=True, prefs=flow.Prefs(lang))
    said = renderer.draw(surface, card, 0.0).spoken
    assert said[0] == t(lang, "refused_card_title") and t(lang, "reason_expired") in said
    token = flow.replace(card, refused_card=False, message="already_used")
    assert renderer.draw(surface, token, 0.0).spoken[0] == t(lang, "refused_title")
