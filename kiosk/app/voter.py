"""A scripted voter: touches on the booth's screen, as a finger would.

Used by ``kiosk demo`` and the end-to-end replay (``bench/ttabok_2017.py``). Everything goes
through the booth's own screen: a token is presented (camera or handheld scanner, by the
caller's ``present``), then each touch lands on a target the renderer drew, found by the event
it carries, exactly where a finger would press. Nothing here reaches into the store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from booth_ui import flow
from booth_ui.display import HeadlessScreen

DONE_SCREENS = {flow.Screen.CAST_DONE, flow.Screen.REFUSED, flow.Screen.OUT_OF_SERVICE}
FRAME_S = 1 / 60          # a display's frame interval: the booth draws no faster for a person
PRINT_TRIES = 5           # a voter told the printer did not answer tries again, then asks for help


@dataclass(frozen=True)
class Outcome:
    """What the voter saw: the last screen, its message (a refusal reason), and the notices met."""

    screen: flow.Screen
    message: str | None = None
    not_offered: tuple[str, ...] = ()   # options looked for on every page and not found
    notices: tuple[str, ...] = ()       # e.g. 'max_reached' for a like over the limit
    print_retries: int = 0              # times the paper record did not print and the voter tried again

    @property
    def cast(self) -> bool:
        return self.screen is flow.Screen.CAST_DONE


def wait_for(screen: HeadlessScreen, screens: set, timeout_s: float = 10.0) -> flow.Screen:
    """Draw frames until the booth shows one of ``screens`` with nothing running."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        screen.frame()
        if screen.booth.state.screen in screens and screen.booth.idle():
            return screen.booth.state.screen
        time.sleep(FRAME_S)
    raise RuntimeError(f"the booth stayed on {screen.booth.state.screen.value}")


def touch_option(screen: HeadlessScreen, option: str) -> bool:
    """Find ``option`` on the ballot's pages (this page, then back, then forward) and touch it."""
    for direction in (flow.PrevPage, flow.NextPage):
        while True:
            if screen.touch(lambda e: isinstance(e, flow.Choose) and e.option == option):
                return True
            if not screen.touch(lambda e, d=direction: isinstance(e, d)):
                break
    return False


def present_token(screen: HeadlessScreen, present: Callable[[], None], timeout_s: float = 10.0) -> Outcome | None:
    """Present a token; None when the ballot is shown, else the refusal the voter saw (dismissed)."""
    present()
    shown = wait_for(screen, {flow.Screen.BALLOT, flow.Screen.REFUSED}, timeout_s)
    if shown is flow.Screen.BALLOT:
        return None
    message = screen.booth.state.message
    screen.touch(lambda e: isinstance(e, flow.Dismiss))
    return Outcome(shown, message)


def vote(screen: HeadlessScreen, present: Callable[[], None], likes: list[str], tries: list[str] = (),
         before_cast: Callable[[], None] = lambda: None, timeout_s: float = 10.0) -> Outcome:
    """One voter: present the token, look for ``tries`` then touch ``likes``, review, print, check, cast.

    ``tries`` are options the voter looks for first (their own proposal, a seventh like); the
    booth may not offer them or may refuse them with a notice. ``before_cast`` runs just before
    the touch that casts (the replay uses it to be killed mid-cast).
    """
    refused = present_token(screen, present, timeout_s)
    if refused is not None:
        return refused
    not_offered, notices = [], []
    for option in [*likes, *tries]:
        if not touch_option(screen, option):
            not_offered.append(option)
        elif screen.booth.state.notice:
            notices.append(screen.booth.state.notice)
    while screen.touch(lambda e: isinstance(e, flow.NextPage)):
        pass
    screen.touch(lambda e: isinstance(e, flow.ToReview))
    for retries in range(PRINT_TRIES + 1):  # back on the review screen with a printer notice: try again
        if retries:
            time.sleep(1.0)
        screen.touch(lambda e: isinstance(e, flow.Confirm))
        if wait_for(screen, {flow.Screen.PAPER_CHECK, flow.Screen.REVIEW}, timeout_s) is flow.Screen.PAPER_CHECK:
            break
    before_cast()
    screen.touch(lambda e: isinstance(e, flow.CastOnPaper))
    done = wait_for(screen, DONE_SCREENS, timeout_s)
    message = screen.booth.state.message
    screen.touch(lambda e: isinstance(e, flow.Dismiss))
    return Outcome(done, message, tuple(not_offered), tuple(notices), retries)
