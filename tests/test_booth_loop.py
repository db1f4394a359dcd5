"""The booth's run loop with a port that answers like the core: touches, keys, secrecy."""
# The run loop is tested on VVSG 2.0's smallest panel (1024 x 768): a ballot page of six options.

from __future__ import annotations

import logging
import threading
import time

import pygame
import pytest

from booth_ui import flow
from booth_ui.booth import Booth
from ceremonyhelp import format2_election
from kiosk.contract.ttabok import ttabok_spec

KEY = "ab" * 32
E = format2_election(ttabok_spec(24), KEY)
PAYLOAD = "KT1OZZZZZZZZSECRETSECRETSECRETSECRETAA"


class RecordingPort:
    """Answers like the core would and remembers what it was asked (for the test only)."""

    def __init__(self, block: threading.Event | None = None):
        self.cast_calls, self.printed, self.spoiled = [], [], []
        self.block = block

    def check_token(self, payload):
        return flow.TokenAccepted("C005") if payload == PAYLOAD else flow.TokenRefused("not_on_roll")

    def print_paper_record(self, payload, style, selections, language, large=False):
        self.printed.append(selections)
        return flow.PrintDone("ab" * 16)

    def print_spoiled(self, ballot_id):
        self.spoiled.append(ballot_id)

    def cast(self, payload, style, selections, ballot_id):
        if self.block:
            self.block.wait(5)
        self.cast_calls.append((style, selections, ballot_id))
        return flow.CastDone("TRAK-1234")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def booth():
    pygame.init()
    made = []

    def make(port=None, clock=None):
        b = Booth(E, "test", RecordingPort() if port is None else port, (1024, 768), polls_open=True,
                  clock=clock or Clock())
        made.append(b)
        return b

    yield make
    for b in made:
        b.close()


def settle(booth, surface, rounds=200):
    for _ in range(rounds):
        booth.frame(surface)
        if booth.idle():
            booth.frame(surface)
            return
        time.sleep(0.005)
    raise AssertionError(f"booth never settled on {booth.state.screen}")


def tap(booth, surface, predicate):
    booth.frame(surface)
    for target in booth.last_frame.targets:
        if predicate(target.event):
            booth.touch(target.rect.center)
            settle(booth, surface)
            return
    raise AssertionError(f"no target for {predicate} on {booth.state.screen}")


def test_a_voter_by_touch(booth):
    surface = pygame.Surface((1024, 768))
    port = RecordingPort()
    b = booth(port)
    b.inputs.put(flow.CodeScanned(PAYLOAD))
    settle(b, surface)
    assert b.state.screen == flow.Screen.BALLOT
    tap(b, surface, lambda e: isinstance(e, flow.Choose) and e.option == "P002")
    tap(b, surface, lambda e: isinstance(e, flow.NextPage))
    tap(b, surface, lambda e: isinstance(e, flow.Choose) and e.option == "P009")
    tap(b, surface, lambda e: isinstance(e, flow.ToReview))
    tap(b, surface, lambda e: isinstance(e, flow.Confirm))
    assert b.state.screen == flow.Screen.PAPER_CHECK and port.printed == [{"G01": ["P002", "P009"]}]
    tap(b, surface, lambda e: isinstance(e, flow.CastOnPaper))
    assert b.state.screen == flow.Screen.CAST_DONE
    assert port.cast_calls == [("C005", {"G01": ["P002", "P009"]}, "ab" * 16)]


def test_a_voter_by_keypad_only(booth):
    surface = pygame.Surface((1024, 768))
    port = RecordingPort()
    b = booth(port)
    b.inputs.put(flow.CodeScanned(PAYLOAD))
    settle(b, surface)

    def press_until(predicate):
        for _ in range(40):
            b.frame(surface)
            b.key(pygame.K_RIGHT)
            if predicate(b.last_frame.targets[b.focus].event):
                b.key(pygame.K_RETURN)
                settle(b, surface)
                return
        raise AssertionError("focus never reached the target")

    press_until(lambda e: isinstance(e, flow.Choose) and e.option == "P001")
    press_until(lambda e: isinstance(e, flow.NextPage))
    press_until(lambda e: isinstance(e, flow.ToReview))
    b.key(pygame.K_ESCAPE)  # back to the ballot from review
    settle(b, surface)
    assert b.state.screen == flow.Screen.BALLOT
    press_until(lambda e: isinstance(e, flow.NextPage))
    press_until(lambda e: isinstance(e, flow.ToReview))
    press_until(lambda e: isinstance(e, flow.Confirm))
    press_until(lambda e: isinstance(e, flow.CastOnPaper))
    assert port.cast_calls == [("C005", {"G01": ["P001"]}, "ab" * 16)]


def test_ui_keeps_drawing_while_the_cast_is_slow(booth):
    surface = pygame.Surface((1024, 768))
    release = threading.Event()
    port = RecordingPort(block=release)
    b = booth(port)
    b.inputs.put(flow.CodeScanned(PAYLOAD))
    settle(b, surface)
    tap(b, surface, lambda e: isinstance(e, flow.NextPage))
    tap(b, surface, lambda e: isinstance(e, flow.ToReview))
    tap(b, surface, lambda e: isinstance(e, flow.Confirm))
    b.frame(surface)
    for target in b.last_frame.targets:
        if isinstance(target.event, flow.CastOnPaper):
            b.touch(target.rect.center)
    for _ in range(10):  # frames keep coming while the worker waits on the "disk"
        b.frame(surface)
    assert b.state.screen == flow.Screen.CASTING and port.cast_calls == []
    release.set()
    settle(b, surface)
    assert b.state.screen == flow.Screen.CAST_DONE


def test_nothing_of_the_previous_voter_remains(booth, caplog):
    caplog.set_level(logging.DEBUG)
    surface = pygame.Surface((1024, 768))
    clock = Clock()
    b = booth(RecordingPort(), clock)
    b.inputs.put(flow.CodeScanned(PAYLOAD))
    settle(b, surface)
    for option in ("P002", "P004"):
        tap(b, surface, lambda e, o=option: isinstance(e, flow.Choose) and e.option == o)
    tap(b, surface, lambda e: isinstance(e, flow.NextPage))
    tap(b, surface, lambda e: isinstance(e, flow.ToReview))
    tap(b, surface, lambda e: isinstance(e, flow.Confirm))
    tap(b, surface, lambda e: isinstance(e, flow.CastOnPaper))
    clock.now += flow.DONE_SHOW_S + 1
    settle(b, surface)
    assert b.state.screen == flow.Screen.ATTRACT and b.state.vote is None
    # the screen is exactly a fresh attract screen
    fresh = pygame.Surface((1024, 768))
    b.renderer.draw(fresh, flow.fresh(flow.BoothState(polls_open=True), clock.now), clock.now)
    assert pygame.image.tobytes(surface, "RGB") == pygame.image.tobytes(fresh, "RGB")
    # nothing reachable from the booth holds the token or the choices
    seen, stack, found = set(), [b], []
    skip = (type(E), pygame.font.Font, pygame.Surface, RecordingPort)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, skip):
            continue
        seen.add(id(obj))
        if obj == PAYLOAD or (isinstance(obj, str) and "P004" in obj) or isinstance(obj, flow.Vote):
            found.append(obj)
        if isinstance(obj, dict):
            stack += list(obj.keys()) + list(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack += list(obj)
        elif hasattr(obj, "__dict__"):
            stack += list(vars(obj).values())
        elif hasattr(obj, "queue"):
            stack += list(obj.queue)
    assert found == []
    assert PAYLOAD not in caplog.text and "P004" not in caplog.text and "P002" not in caplog.text
