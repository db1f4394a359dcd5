"""The poll worker at the booth: the card through the real camera path, the PIN by touches,
then pause, resume and close from the menu, each step logged and its report printed."""

from __future__ import annotations

import pytest

from booth_ui import flow
from fakeclock import SkipClock
from booth_ui.display import HeadlessScreen
from kiosk.app.booth import SCREEN_SIZE, Appliance
from kiosk.app.demo import DEMO_PIN, prepare
from kiosk.app.voter import wait_for
from kiosk.scanning import REPEAT_HOLD_S
from kiosk.station.lifecycle import StationState
from kiosk.station.station import Station
from scanner.showcase import ShowcaseSource


@pytest.fixture
def booth(tmp_path):
    prepare(tmp_path)
    clock = SkipClock()  # the camera's frames and the booth's timers both run on it
    camera = ShowcaseSource(clock=clock)
    appliance = Appliance(tmp_path / "station", camera, f"file:{tmp_path / 'printer.escpos'}", clock=clock).start()
    yield tmp_path, camera, appliance, HeadlessScreen(appliance.booth, SCREEN_SIZE), clock
    appliance.stop()


def type_pin(screen, pin):
    for digit in pin:
        assert screen.touch(lambda e, d=digit: isinstance(e, flow.PinDigit) and e.digit == d)
    assert screen.touch(lambda e: isinstance(e, flow.PinSubmit))


def show_card(screen, camera, root):
    camera.hold_up(root / "cards" / "poll-worker-S01.png", seconds=2.0)
    wait_for(screen, {flow.Screen.WORKER_PIN})
    camera.take_away()


def test_wrong_pin_then_pause_resume_close(booth):
    root, camera, appliance, screen, clock = booth
    show_card(screen, camera, root)
    type_pin(screen, "9999")
    wait_for(screen, {flow.Screen.WORKER_PIN})
    assert appliance.booth.state.notice == "wrong_pin"
    type_pin(screen, DEMO_PIN)
    wait_for(screen, {flow.Screen.WORKER_MENU})
    assert set(appliance.booth.state.actions) >= {"pause", "close"} and "open" not in appliance.booth.state.actions
    size_before = (root / "printer.escpos").stat().st_size if (root / "printer.escpos").exists() else 0
    for action, state in (("pause", StationState.POLLS_PAUSED), ("resume", StationState.POLLS_OPEN),
                          ("close", StationState.POLLS_CLOSED)):
        assert screen.touch(lambda e, a=action: isinstance(e, flow.MenuAction) and e.action == a)
        if action == "close":  # final: a second touch on a screen that says what it means
            wait_for(screen, {flow.Screen.WORKER_CONFIRM})
            assert appliance.station.state is StationState.POLLS_OPEN
            assert screen.touch(lambda e: isinstance(e, flow.ConfirmAction))
        wait_for(screen, {flow.Screen.WORKER_MENU})
        assert appliance.booth.state.notice == "step_done", appliance.booth.state.notice
        assert appliance.station.state is state
    assert (root / "printer.escpos").stat().st_size > size_before  # slips and the results tape
    assert not appliance.booth.state.polls_open
    assert screen.touch(lambda e: isinstance(e, flow.Lock))
    wait_for(screen, {flow.Screen.POLLS_CLOSED})
    assert appliance.booth.state.polls_final  # the voter's screen says the polls are closed, not "not yet open"
    appliance.stop()
    with Station.open(root / "station") as station:
        kinds = [e.kind for e in station.store.events()]
    assert kinds.count("pin_refused") == 1 and kinds.count("poll_worker_unlocked") == 1
    assert kinds[-1] == "batch_sealed" or "polls_closed" in kinds


def test_close_can_be_cancelled(booth):
    root, camera, appliance, screen, _ = booth
    show_card(screen, camera, root)
    type_pin(screen, DEMO_PIN)
    wait_for(screen, {flow.Screen.WORKER_MENU})
    menu = {type(t.event).__name__ + getattr(t.event, "action", ""): t.rect for t in appliance.booth.last_frame.targets}
    assert menu["MenuActionclose"] != menu["MenuActionpause"]
    assert menu["MenuActionclose"].top > menu["MenuActionpause"].top  # not beside Pause: below Lock
    assert screen.touch(lambda e: isinstance(e, flow.MenuAction) and e.action == "close")
    wait_for(screen, {flow.Screen.WORKER_CONFIRM})
    assert screen.touch(lambda e: isinstance(e, flow.CancelAction))
    wait_for(screen, {flow.Screen.WORKER_MENU})
    assert appliance.station.state is StationState.POLLS_OPEN


def test_menu_locks_when_the_card_is_shown_again(booth):
    root, camera, appliance, screen, clock = booth
    show_card(screen, camera, root)
    type_pin(screen, DEMO_PIN)
    wait_for(screen, {flow.Screen.WORKER_MENU})
    clock.skip(REPEAT_HOLD_S + 0.2)  # the camera holds the same code back until it has been away 3 s
    camera.hold_up(root / "cards" / "poll-worker-S01.png", seconds=2.0)
    wait_for(screen, {flow.Screen.ATTRACT})
    assert appliance.booth.state.role is None and appliance.booth.state.actions == ()
