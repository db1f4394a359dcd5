"""The booth's run loop: inputs in, flow events through the state machine, effects out.

The UI thread never waits on the camera, the disk or the printer: scanner events arrive on
a queue, effects (token check, print, cast) run on one worker thread through a
:class:`BoothPort`, and their results come back on another queue as flow events. Each frame
the loop drains both queues, handles touches and keys, ticks the clock and redraws.
"""

from __future__ import annotations

import logging
import queue
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Protocol

import pygame

from booth_ui import flow
from booth_ui.i18n import t
from booth_ui.render import Frame, Renderer
from kiosk.contract.election import Election

log = logging.getLogger(__name__)


class BoothPort(Protocol):
    """What the booth asks of the kiosk core; each answer is a flow event."""

    def check_token(self, payload: str) -> flow.TokenAccepted | flow.TokenRefused: ...

    def print_paper_record(self, payload: str, style: str, selections: dict,
                           language: str) -> flow.PrintDone | flow.PrintFailed: ...

    def print_spoiled(self, ballot_id: str) -> None: ...

    def prepare_encryption(self, payload: str, style: str, selections: dict) -> None: ...

    def cast(self, payload: str, style: str, selections: dict, ballot_id: str | None) -> flow.CastDone | flow.CastFailed: ...

    def unlock(self, payload: str, pin: str) -> flow.Unlocked | flow.UnlockRefused: ...

    def take_step(self, action: str, language: str) -> flow.StepResult: ...


# The keypad (and a keyboard): which keys move the focus, select and go back. Named here so
# the simulated voters and the emulated boot press what the booth reads, without pygame of their own.
NEXT_KEYS = (pygame.K_RIGHT, pygame.K_DOWN, pygame.K_TAB)
PREVIOUS_KEYS = (pygame.K_LEFT, pygame.K_UP)
SELECT_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)
KEY_NEXT, KEY_TAB, KEY_SELECT = pygame.K_RIGHT, pygame.K_TAB, pygame.K_RETURN

BACK_EVENTS = (flow.PrevPage, flow.BackToBallot, flow.Dismiss, flow.StillHere, flow.PinErase, flow.Lock)


class Booth:
    """One voting booth screen. Feed it events; call ``frame()`` once per display frame."""

    def __init__(self, election: Election, mode: str, port: BoothPort, size: tuple[int, int],
                 polls_open: bool, clock: Callable[[], float] = time.monotonic, speaker=None,
                 polls_final: bool = False, panel_width_mm: float | None = None) -> None:
        self.election, self.port, self.clock, self.speaker = election, port, clock, speaker
        self.panel_width_mm = panel_width_mm or None   # None: the stock 7-inch panel's density
        self.renderer = Renderer(election, mode, size, self.panel_width_mm)
        self.state = flow.fresh(flow.BoothState(polls_open=polls_open, polls_final=polls_final,
                                                per_page=self.renderer.per_page()), clock())
        self.inputs: queue.Queue = queue.Queue()     # scanner and device events, from any thread
        self.results: queue.Queue = queue.Queue()    # answers of the port, from the worker
        self.focus: int | None = None
        self.last_frame = Frame()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="booth-effects")
        self._announce = True
        self._say_focus = False

    def resize(self, size: tuple[int, int], panel_width_mm: float | None = None) -> None:
        """Lay the booth out for another panel (its native mode); a voter's page stays the same contest."""
        self.panel_width_mm = panel_width_mm or self.panel_width_mm
        self.renderer = Renderer(self.election, self.renderer.mode, size, self.panel_width_mm)
        per_page = self.renderer.per_page()
        prefs = self.state.prefs
        offered = max([i for i, n in enumerate(per_page) if n] or [0])
        vote = self.state.vote
        if vote is not None:   # the first option on screen before the change is on screen after it
            contest, options = flow.pages(self.election, vote.style, prefs.text_size, self.state.per_page)[vote.page]
            page = next(i for i, (c, o) in enumerate(flow.pages(self.election, vote.style, min(prefs.text_size, offered),
                                                                 per_page)) if c == contest and options[0] in o)
            vote = flow.replace(vote, page=page)
        self.state = flow.replace(self.state, per_page=per_page, vote=vote,
                                  prefs=flow.replace(prefs, text_size=min(prefs.text_size, offered)))
        self.focus = None

    # -- events -----------------------------------------------------------------------

    def handle(self, event: object) -> None:
        """Step the state machine and start the effects it asks for."""
        before = (self.state.screen, self.state.vote.page if self.state.vote else None)
        self.state, effects = flow.step(self.state, event, self.clock(), self.election)
        if (self.state.screen, self.state.vote.page if self.state.vote else None) != before:
            self.focus = None   # a new screen or a turned page: the keypad starts again at the first option
        for effect in effects:
            if isinstance(effect, flow.Announce):
                self._announce = True
            else:
                self._worker.submit(self._run_effect, effect)

    def _run_effect(self, effect: object) -> None:
        try:
            if isinstance(effect, flow.CheckToken):
                self.results.put(self.port.check_token(effect.payload))
            elif isinstance(effect, flow.PrintPaperRecord):
                self.results.put(self.port.print_paper_record(effect.payload, effect.style, effect.selections,
                                                             effect.language))
            elif isinstance(effect, flow.PrintSpoiled):
                self.port.print_spoiled(effect.ballot_id)
            elif isinstance(effect, flow.PrepareEncryption):   # no answer: the cast uses it if still current
                self.port.prepare_encryption(effect.payload, effect.style, effect.selections)
            elif isinstance(effect, flow.CastBallot):
                self.results.put(self.port.cast(effect.payload, effect.style, effect.selections, effect.ballot_id))
            elif isinstance(effect, flow.Unlock):
                self.results.put(self.port.unlock(effect.payload, effect.pin))
            elif isinstance(effect, flow.TakeStep):
                self.results.put(self.port.take_step(effect.action, effect.language))
        except Exception:  # a bug in an adapter must not hang the voter on a busy screen
            log.exception("booth effect %s failed", type(effect).__name__)
            failure = {flow.CheckToken: flow.TokenRefused("store_error"),
                       flow.PrintPaperRecord: flow.PrintFailed("printer_offline"),
                       flow.CastBallot: flow.CastFailed("store_error"),
                       flow.Unlock: flow.UnlockRefused("store_error"),
                       flow.TakeStep: flow.StepResult("store_error", (), self.state.polls_open)}.get(type(effect))
            if failure is not None:
                self.results.put(failure)

    def touch(self, position: tuple[int, int]) -> None:
        """A finger (or mouse) at ``position``: the target under it, if any."""
        for target in self.last_frame.targets:
            if target.rect.collidepoint(position):
                self.handle(target.event)
                return

    def key(self, key: int) -> None:
        """Keypad navigation: arrows move the focus (options first, the toolbar last), Enter selects, R repeats, Escape goes back."""
        targets = self.last_frame.targets
        if key in NEXT_KEYS and targets:
            self.focus = 0 if self.focus is None else (self.focus + 1) % len(targets)
            self._say(targets[self.focus].label)
        elif key in PREVIOUS_KEYS and targets:
            self.focus = len(targets) - 1 if self.focus is None else (self.focus - 1) % len(targets)
            self._say(targets[self.focus].label)
        elif key in SELECT_KEYS and targets and self.focus is not None:
            chosen = targets[self.focus % len(targets)].event
            self.handle(chosen)
            if isinstance(chosen, flow.Choose):
                self._say_focus = True   # "selected" / "not selected", read from the next frame
        elif key in (pygame.K_r, pygame.K_KP_5) and targets and self.focus is not None:
            self._say(targets[self.focus % len(targets)].label)   # repeat what has the focus
        elif key in (pygame.K_ESCAPE, pygame.K_BACKSPACE):
            for target in targets:
                if isinstance(target.event, BACK_EVENTS):
                    self.handle(target.event)
                    return
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS) and self.speaker:
            self.speaker.louder(0.1)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS) and self.speaker:
            self.speaker.louder(-0.1)
        elif key == pygame.K_RIGHTBRACKET and self.speaker:
            self.speaker.faster(1)
        elif key == pygame.K_LEFTBRACKET and self.speaker:
            self.speaker.faster(-1)
        elif key in (pygame.K_h, pygame.K_F1):
            self._announce = True

    def pygame_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.touch(event.pos)
        elif event.type == pygame.FINGERDOWN:
            self.touch((int(event.x * self.renderer.width), int(event.y * self.renderer.height)))
        elif event.type == pygame.KEYDOWN:
            self.key(event.key)

    # -- one frame ----------------------------------------------------------------------

    def frame(self, surface: pygame.Surface, pygame_events=()) -> Frame:
        """Drain the queues, handle input, tick, and draw one frame onto ``surface``."""
        for source in (self.results, self.inputs):
            while True:
                try:
                    self.handle(source.get_nowait())
                except queue.Empty:
                    break
        for event in pygame_events:
            self.pygame_event(event)
        self.handle(flow.Tick())
        self.last_frame = self.renderer.draw(surface, self.state, self.clock(), self.focus)
        if self._announce:
            self._announce = False
            self._say_focus = False
            self._say(". ".join([*self.last_frame.spoken, *self._key_help()]))
        elif self._say_focus and self.focus is not None and self.last_frame.targets:
            self._say_focus = False
            self._say(self.last_frame.targets[self.focus % len(self.last_frame.targets)].label)
        return self.last_frame

    def _key_help(self) -> list[str]:
        """How to use the keys, said after every screen that has something to press."""
        return [t(self.state.prefs.language, "audio_keys")] if self.last_frame.targets else []

    def _say(self, text: str) -> None:
        if self.speaker:
            self.speaker.say(text, self.state.prefs.language)

    def idle(self) -> bool:
        """True when no effect is running or waiting (for tests and scripted runs)."""
        return self._worker._work_queue.empty() and self.results.empty() and self.state.screen not in flow.BUSY

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        if self.speaker:
            self.speaker.stop()
