"""``[booth] language`` and ``[booth] inactivity_s`` through the real booth: the configuration file read by
``load_config``, the appliance built from it as ``kiosk booth`` builds it, token images through the real
camera loop and decoder, touches as pygame mouse events (SDL's dummy video driver), the real store."""

from __future__ import annotations

import pygame
import pytest

from booth_ui import flow
from booth_ui.display import HeadlessScreen
from booth_ui.i18n import t
from fakeclock import SkipClock
from kiosk.app.booth import SCREEN_SIZE, Appliance
from kiosk.app.config import load_config
from kiosk.app.configured import booth_run
from kiosk.cli import build_parser
from kiosk.app.demo import prepare
from kiosk.app.voter import wait_for
from kiosk.scanning import REPEAT_HOLD_S
from scanner.showcase import ShowcaseSource


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    root = tmp_path_factory.mktemp("booth-config")
    return root, prepare(root)


def started(root, tmp_path, booth_toml: str):
    """The appliance as ``kiosk booth --config FILE`` builds it from a file holding ``booth_toml``."""
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[booth]\n{booth_toml}\n", encoding="utf-8")
    clock = SkipClock()   # the camera's frames and the booth's timers both run on it
    camera = ShowcaseSource(clock=clock)
    run = booth_run(build_parser().parse_args(["booth", "--data", str(root / "station"), "--config", str(path)]),
                    load_config(path))
    appliance = Appliance(run.data, camera, f"file:{root / 'printer.escpos'}", clock=clock, **run.options).start()
    return appliance, camera, clock, HeadlessScreen(appliance.booth, SCREEN_SIZE)


def on_ballot(screen, camera, clock, png):
    camera.hold_up(png)
    wait_for(screen, {flow.Screen.BALLOT})
    camera.take_away()
    clock.skip(REPEAT_HOLD_S + 0.2)   # the camera loop hears the same token again only after 3 s away


def touch_nothing(screen):
    """A finger on the glass where no button is (the warning's shaded margin, top left)."""
    screen.frame()
    assert not any(tg.rect.collidepoint((2, 2)) for tg in screen.booth.last_frame.targets)
    screen.frame([pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(2, 2), button=1)])


@pytest.mark.parametrize("language, other", [("en", "ko"), ("ko", "en")])
def test_the_configured_language_is_what_every_new_voter_sees_first(station, tmp_path, language, other):
    root, tokens = station
    appliance, camera, clock, screen = started(root, tmp_path, f'language = "{language}"')
    try:
        wait_for(screen, {flow.Screen.ATTRACT})
        assert appliance.booth.state.prefs.language == language
        on_ballot(screen, camera, clock, tokens[0][1])
        assert screen.touch(lambda e: isinstance(e, flow.SetLanguage) and e.language == other)   # the voter switches
        screen.frame()
        assert appliance.booth.state.prefs.language == other
        assert screen.touch(lambda e: isinstance(e, flow.SetLanguage) and e.language == language)
        assert screen.touch(lambda e: isinstance(e, flow.SetLanguage) and e.language == other)
        clock.skip(appliance.booth.state.inactivity_s + 1)   # the voter walks away: the warning ...
        screen.frame()
        clock.skip(flow.WARNING_S + 1)                       # ... unanswered, the booth starts again
        screen.frame()
        assert appliance.booth.state.screen is flow.Screen.ATTRACT
        assert appliance.booth.state.prefs.language == language   # the next voter starts in the configured one
    finally:
        appliance.stop()


def test_inactivity_s_warns_touch_to_continue_then_resets_and_casts_nothing(station, tmp_path):
    root, tokens = station
    appliance, camera, clock, screen = started(root, tmp_path, "inactivity_s = 15")
    try:
        wait_for(screen, {flow.Screen.ATTRACT})
        cast_before = appliance.station.ballots
        on_ballot(screen, camera, clock, tokens[1][1])
        for chosen in [tg.event for tg in screen.booth.last_frame.targets if isinstance(tg.event, flow.Choose)]:
            assert screen.touch(lambda e: e == chosen)   # the first the voter may choose (not their own community's)
            if appliance.booth.state.vote.chosen(chosen.contest):
                break
        clock.skip(14)
        screen.frame()
        assert appliance.booth.state.warning_since is None   # not yet: 15 s were asked for
        clock.skip(2)
        screen.frame()
        screen.frame()
        assert appliance.booth.state.warning_since is not None
        said = " ".join(appliance.booth.last_frame.spoken)
        assert t("ko", "warning_touch") == "계속하려면 화면을 누르세요." and t("ko", "warning_touch") in said
        touch_nothing(screen)   # a touch anywhere continues; the ballot is as the voter left it
        assert appliance.booth.state.warning_since is None and appliance.booth.state.screen is flow.Screen.BALLOT
        assert appliance.booth.state.vote.chosen(chosen.contest)
        clock.skip(16)
        screen.frame()
        assert appliance.booth.state.warning_since is not None
        clock.skip(flow.WARNING_S + 1)
        screen.frame()
        assert appliance.booth.state.screen is flow.Screen.ATTRACT and appliance.booth.state.vote is None
        assert appliance.station.ballots == cast_before   # nothing was cast
    finally:
        appliance.stop()


def test_the_default_waits_a_minute(station, tmp_path):
    root, tokens = station
    appliance, camera, clock, screen = started(root, tmp_path, "")
    try:
        wait_for(screen, {flow.Screen.ATTRACT})
        on_ballot(screen, camera, clock, tokens[2][1])
        clock.skip(30)
        screen.frame()
        assert appliance.booth.state.warning_since is None
        clock.skip(31)
        screen.frame()
        assert appliance.booth.state.warning_since is not None
        assert t("en", "warning_touch") == "Touch the screen to continue."
    finally:
        appliance.stop()


def test_the_printer_and_scanner_keys_reach_the_devices_and_a_wrong_station_id_is_refused(station, tmp_path, capsys):
    from hardware.document import PAPER_58MM
    from kiosk.cli import main as kiosk

    root, _ = station
    path = tmp_path / "kiosk.toml"
    path.write_text('[printer]\npaper_mm = 58\nbaudrate = 9600\n[scanner]\nurl = "loop://"\nbaudrate = 115200\n')
    run = booth_run(build_parser().parse_args(["booth", "--data", str(root / "station"), "--config", str(path),
                                               "--printer", f"file:{root / 'printer.escpos'}"]), load_config(path))
    appliance = Appliance(run.data, ShowcaseSource(), run.printer, scanner_url=run.scanner, **run.options).start()
    try:
        assert appliance.printer.profile is PAPER_58MM and appliance.printer.baudrate == 9600
        assert appliance.handheld.baudrate == 115200
    finally:
        appliance.stop()
    path.write_text('[station]\nid = "S99"\n')
    assert kiosk(["booth", "--data", str(root / "station"), "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "station S01's, but [station] id is S99" in err and "[station] id 는 S99" in err
