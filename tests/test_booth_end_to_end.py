"""The booth end to end: token images through the real camera loop and decoder into the booth,
choices by injected touches, casts into the real store, paper records to a printer file.

Covers a refused token, a seventh approval, a timeout in the middle of a ballot, and a camera
that disappears and comes back.
"""

from __future__ import annotations

import json
import threading

import pytest

from booth_ui import flow
from fakeclock import SkipClock
from booth_ui.display import HeadlessScreen
from kiosk.app.booth import SCREEN_SIZE, Appliance
from kiosk.app.demo import prepare
from kiosk.app.voter import vote as scripted_vote, wait_for
from kiosk.scanning import REPEAT_HOLD_S
from kiosk.station.station import Station
from kiosk.station.verify import verify_data
from scanner.errors import SourceLost
from scanner.showcase import ShowcaseSource


class UnpluggableCamera(ShowcaseSource):
    """The showcase camera, with a cable that can be pulled."""

    def __init__(self, clock):
        super().__init__(clock=clock)
        self.unplugged = threading.Event()

    def open(self):
        if self.unplugged.is_set():
            from scanner.errors import SourceUnavailable
            raise SourceUnavailable("camera unplugged", "plug it in")
        super().open()

    def read(self):
        if self.unplugged.is_set():
            raise SourceLost("camera unplugged", "plug it in")
        return super().read()


@pytest.fixture(scope="module")
def demo_station(tmp_path_factory):
    root = tmp_path_factory.mktemp("booth-e2e")
    tokens = prepare(root)
    return root, tokens


@pytest.fixture
def running(demo_station):
    root, tokens = demo_station
    clock = SkipClock()  # the camera's frames and the booth's timers both run on it
    camera = UnpluggableCamera(clock)
    appliance = Appliance(root / "station", camera, f"file:{root / 'printer.escpos'}", clock=clock).start()
    screen = HeadlessScreen(appliance.booth, SCREEN_SIZE)
    yield root, tokens, camera, clock, appliance, screen
    appliance.stop()


def vote(screen, camera, png, likes, tries=()):
    """The scripted voter holding ``png`` up to the camera; the screen it ended on."""
    return scripted_vote(screen, lambda: camera.hold_up(png), likes, list(tries)).screen


def ballots(root):
    with Station.open(root / "station") as station:
        return {r.ballot_id.hex(): (r.style, json.loads(r.selections)) for r in station.store.ballots()}


def test_voter_refusal_and_seventh_approval(running):
    root, tokens, camera, clock, appliance, screen = running
    before = ballots_count = appliance.station.ballots
    c005 = [png for style, png in tokens if style == "C005"]
    six = ["P001", "P002", "P003", "P004", "P006", "P007"]
    outcome = scripted_vote(screen, lambda: camera.hold_up(c005[0]), six, ["P008", "P005"])
    assert outcome.cast and outcome.notices[0] == "max_reached"  # the seventh like refused with a notice
    assert "P005" in outcome.not_offered or "excluded" in outcome.notices  # their own proposal
    assert appliance.station.ballots == ballots_count + 1
    camera.take_away()
    clock.skip(REPEAT_HOLD_S + 0.2)  # the loop holds a payload back until it has been away for 3 s
    assert vote(screen, camera, c005[0], []) is flow.Screen.REFUSED  # the same token again
    appliance.stop()
    stored = [sel for style, sel in ballots(root).values() if style == "C005"]
    assert {"G01": ["P001", "P002", "P003", "P004", "P006", "P007"]} in stored  # the seventh was refused
    assert verify_data(root / "station").ok
    assert before + 1 == len(ballots(root))


def test_timeout_in_the_middle_of_a_ballot_keeps_nothing(running):
    root, tokens, camera, clock, appliance, screen = running
    count = appliance.station.ballots
    png = [png for style, png in tokens if style == "C006"][0]
    camera.hold_up(png)
    wait_for(screen, {flow.Screen.BALLOT})
    screen.touch(lambda e: isinstance(e, flow.Choose) and e.option == "P002")
    clock.skip(flow.INACTIVITY_S + 1)
    screen.frame()
    assert appliance.booth.state.warning_since is not None
    clock.skip(flow.WARNING_S + 1)
    screen.frame()
    assert appliance.booth.state.screen is flow.Screen.ATTRACT and appliance.booth.state.vote is None
    assert appliance.station.ballots == count  # nothing was cast
    camera.take_away()
    clock.skip(REPEAT_HOLD_S + 0.2)
    assert vote(screen, camera, png, ["P003"]) is flow.Screen.CAST_DONE  # the token is still good


def test_camera_that_disappears_and_comes_back(running):
    root, tokens, camera, clock, appliance, screen = running
    camera.unplugged.set()
    wait_for(screen, {flow.Screen.OUT_OF_SERVICE}, timeout_s=10)
    assert appliance.booth.state.message == "camera_lost"
    camera.unplugged.clear()
    wait_for(screen, {flow.Screen.ATTRACT}, timeout_s=10)
    png = [png for style, png in tokens if style == "C007"][0]
    assert vote(screen, camera, png, ["P001"]) is flow.Screen.CAST_DONE
