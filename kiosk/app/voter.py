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
from booth_ui.audio import AudioSettings
from booth_ui.booth import KEY_AUDIO, KEY_NEXT, KEY_SELECT, KEY_SWITCH_MOVE, KEY_SWITCH_SELECT
from booth_ui.i18n import t
from booth_ui.speech import pronounce
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
    tracking_code: str | None = None    # the code the cast confirmation showed

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


def touch_option(screen: HeadlessScreen, option: str, grade: int | None = None) -> bool:
    """Find ``option`` on the ballot's pages (this page, then back, then forward) and touch it: its
    button, or in a score contest its ``grade``'s button."""
    for direction in (flow.PrevPage, flow.NextPage):
        while True:
            if screen.touch(lambda e: isinstance(e, flow.Choose) and e.option == option
                            and (grade is None or e.grade == grade)):
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
         before_cast: Callable[[], None] = lambda: None, timeout_s: float = 10.0,
         grades: dict[str, int] | None = None) -> Outcome:
    """One voter: present the token, touch ``likes`` (and each of ``grades``' grade buttons), look for
    ``tries``, review, print, check, cast.

    ``tries`` are options the voter looks for too (their own proposal, a seventh like); the
    booth may not offer them or may refuse them with a notice. ``before_cast`` runs just before
    the touch that casts (the replay uses it to be killed mid-cast).
    """
    refused = present_token(screen, present, timeout_s)
    if refused is not None:
        return refused
    not_offered, notices = [], []
    wanted = [(o, None) for o in likes] + list((grades or {}).items()) + [(o, None) for o in tries]
    for option, grade in wanted:
        if not touch_option(screen, option, grade):
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
    message, code = screen.booth.state.message, screen.booth.state.tracking_code
    screen.touch(lambda e: isinstance(e, flow.Dismiss))
    return Outcome(done, message, tuple(not_offered), tuple(notices), retries,
                   code if done is flow.Screen.CAST_DONE else None)


class Ears(AudioSettings):
    """What a voter hears: a speaker that keeps each text as espeak-ng would be given it (for tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[str] = []

    def say(self, text: str, language: str) -> None:
        self.heard.append(pronounce(text, language))

    def stop(self) -> None: ...


@dataclass
class KeypadVoter:
    """A blind voter: keys only, and what the booth says; the screen is never looked at."""

    screen: HeadlessScreen
    ears: Ears
    language: str = "ko"
    presses: int = 0
    next_key: int = KEY_NEXT          # a dual switch: KEY_SWITCH_MOVE and KEY_SWITCH_SELECT
    select_key: int = KEY_SELECT

    def press(self, key: int) -> str:
        """One key, then one frame; what was said last."""
        self.presses += 1
        self.screen.booth.key(key)
        self.screen.frame()
        return self.ears.heard[-1] if self.ears.heard else ""

    def heard_all(self) -> list[str]:
        """Every stop of this screen, read by pressing Right until the first comes round again."""
        first = self.press(self.next_key)
        stops = [first]
        for _ in range(60):
            said = self.press(self.next_key)
            if said == first:
                return stops
            stops.append(said)
        raise RuntimeError("the keypad never came round to the first stop")

    def go_to(self, starts: str) -> bool:
        """Press Right until what is said starts with ``starts`` (False after a whole round)."""
        for _ in range(61):
            if self.press(self.next_key).startswith(starts):
                return True
        return False

    def select(self, starts: str) -> str:
        """Go to the stop that starts with ``starts``, press Enter; what was said after it."""
        if not self.go_to(starts):
            raise RuntimeError(f"not offered: {starts}")
        return self.press(self.select_key)


def vote_by_keys(screen: HeadlessScreen, present: Callable[[], None], ears: Ears, likes: list[str],
                 language: str = "ko", timeout_s: float = 10.0, switch: bool = False) -> tuple[Outcome, int]:
    """A voter who cannot see the screen: option names in ``likes``, keys only; (outcome, key presses).

    The first press is the audio key (or, with ``switch``, a dual switch's first press), as the
    poll worker shows; then the keypad's arrows and Enter (or the two switches) alone."""
    voter = KeypadVoter(screen, ears, language, next_key=KEY_SWITCH_MOVE if switch else KEY_NEXT,
                        select_key=KEY_SWITCH_SELECT if switch else KEY_SELECT)
    voter.press(KEY_SWITCH_MOVE if switch else KEY_AUDIO)   # speech starts (two-key mode with a switch)
    refused = present_token(screen, present, timeout_s)
    if refused is not None:
        return refused, voter.presses
    if screen.booth.state.prefs.language != language:
        voter.select(t(language, "language_name"))   # the toolbar's last stops: the other language by its name
        wait_for(screen, {flow.Screen.BALLOT}, timeout_s)
    wanted = [pronounce(name, language) for name in likes]
    next_page, review = pronounce(t(language, "next_page"), language), pronounce(t(language, "to_review"), language)
    while True:
        stops = voter.heard_all()
        for name in wanted:
            if any(stop.startswith(name + ".") for stop in stops):
                voter.select(name + ".")
        if any(stop == next_page for stop in stops):
            voter.select(next_page)
            continue
        voter.select(review)
        break
    confirm = "review_print" if screen.booth.election.paper_record else "review_cast"
    voter.select(pronounce(t(language, confirm), language))
    if screen.booth.election.paper_record:
        wait_for(screen, {flow.Screen.PAPER_CHECK}, timeout_s)
        voter.select(pronounce(t(language, "paper_cast"), language))
    done = wait_for(screen, DONE_SCREENS, timeout_s)
    return Outcome(done, screen.booth.state.message), voter.presses
