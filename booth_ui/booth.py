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
                           language: str, large: bool = False) -> flow.PrintDone | flow.PrintFailed: ...

    def print_spoiled(self, ballot_id: str) -> None: ...

    def prepare_encryption(self, payload: str, style: str, selections: dict) -> None: ...

    def cast(self, payload: str, style: str, selections: dict, ballot_id: str | None) -> flow.CastDone | flow.CastFailed: ...

    def check_ballot(self, payload: str, style: str, selections: dict, language: str,
                     large: bool = False) -> flow.CheckDone | flow.PrintFailed | flow.CastFailed: ...

    def unlock(self, payload: str, pin: str) -> flow.Unlocked | flow.UnlockRefused: ...

    def take_step(self, action: str, language: str) -> flow.StepResult: ...


# The keypad (and a keyboard): which keys move the focus, select and go back. Named here so
# the simulated voters and the emulated boot press what the booth reads, without pygame of their own.
NEXT_KEYS = (pygame.K_RIGHT, pygame.K_DOWN, pygame.K_TAB)
PREVIOUS_KEYS = (pygame.K_LEFT, pygame.K_UP)
SELECT_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)
KEY_NEXT, KEY_TAB, KEY_SELECT = pygame.K_RIGHT, pygame.K_TAB, pygame.K_RETURN
KEY_AUDIO, KEY_SWITCH_MOVE, KEY_SWITCH_SELECT = pygame.K_h, pygame.K_1, pygame.K_2
AUDIO_KEYS = (pygame.K_h, pygame.K_F1)             # the audio key: start speaking, or hear the screen again
SCREEN_KEYS = (pygame.K_b, pygame.K_KP_PERIOD)     # audio-only: blank the screen, or show it again
# a dual switch (two large buttons for a voter who cannot use a keypad): its interface sends 1 and 2
SWITCH_MOVE_KEYS, SWITCH_SELECT_KEYS = (pygame.K_1,), (pygame.K_2,)
LOUDER_KEYS, SOFTER_KEYS = (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS), (pygame.K_MINUS, pygame.K_KP_MINUS)
FASTER_KEYS, SLOWER_KEYS = (pygame.K_RIGHTBRACKET, pygame.K_KP_MULTIPLY), (pygame.K_LEFTBRACKET, pygame.K_KP_DIVIDE)
# in two-key mode every setting the other keys reach is a stop after the screen's own targets
SWITCH_STOPS = ("louder", "softer", "faster", "slower", "screen", "repeat")
# a device added this soon after start is one SDL announces at start-up, not headphones plugged in
HOTPLUG_GRACE_S = 2.0

BACK_EVENTS = (flow.PrevPage, flow.BackToBallot, flow.Dismiss, flow.StillHere, flow.PinErase, flow.Lock)


class Booth:
    """One voting booth screen. Feed it events; call ``frame()`` once per display frame."""

    def __init__(self, election: Election, mode: str, port: BoothPort, size: tuple[int, int],
                 polls_open: bool, clock: Callable[[], float] = time.monotonic, speaker=None,
                 polls_final: bool = False, panel_width_mm: float | None = None, language: str = "ko",
                 inactivity_s: float = flow.INACTIVITY_S) -> None:
        self.election, self.port, self.clock, self.speaker = election, port, clock, speaker
        self.panel_width_mm = panel_width_mm or None   # None: the stock 7-inch panel's density
        self.renderer = Renderer(election, mode, size, self.panel_width_mm)
        # [booth] language and inactivity_s live in the state, so every fresh start keeps them
        self.state = flow.fresh(flow.BoothState(polls_open=polls_open, polls_final=polls_final,
                                                per_page=self.renderer.per_page(), start_language=language,
                                                inactivity_s=float(inactivity_s)), clock())
        self.inputs: queue.Queue = queue.Queue()     # scanner and device events, from any thread
        self.results: queue.Queue = queue.Queue()    # answers of the port, from the worker
        self.focus: int | None = None
        self.last_frame = Frame()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="booth-effects")
        self._announce = True
        self._say_focus = False
        self._started = clock()

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
        listening = self.state.prefs.audio
        self.state, effects = flow.step(self.state, event, self.clock(), self.election)
        if listening and not self.state.prefs.audio and self.speaker:
            self.speaker.stop()    # the voter is gone (or the headphones out): the next starts at the defaults
            self.speaker.reset()
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
                                                             effect.language, large=effect.large))
            elif isinstance(effect, flow.PrintSpoiled):
                self.port.print_spoiled(effect.ballot_id)
            elif isinstance(effect, flow.PrepareEncryption):   # no answer: the cast uses it if still current
                self.port.prepare_encryption(effect.payload, effect.style, effect.selections)
            elif isinstance(effect, flow.CheckThisBallot):
                self.results.put(self.port.check_ballot(effect.payload, effect.style, effect.selections,
                                                        effect.language, large=effect.large))
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
                       flow.CheckThisBallot: flow.CastFailed("store_error"),
                       flow.Unlock: flow.UnlockRefused("store_error"),
                       flow.TakeStep: flow.StepResult("store_error", (), self.state.polls_open)}.get(type(effect))
            if failure is not None:
                self.results.put(failure)

    def touch(self, position: tuple[int, int]) -> None:
        """A finger (or mouse) at ``position``: the target under it, if any (none on a blank screen)."""
        if self.state.prefs.screen_off:
            return
        for target in self.last_frame.targets:
            if target.rect.collidepoint(position):
                self.handle(target.event)
                return
        if self.state.warning_since is not None:
            self.handle(flow.StillHere())   # "touch the screen to continue": anywhere on it, not only the button

    def stops(self) -> list:
        """What the keys move through: the screen's targets, then in two-key mode every setting."""
        targets = list(self.last_frame.targets)
        return targets + list(SWITCH_STOPS) if self.state.prefs.two_key and targets else targets

    def _stop_label(self, stop) -> str:
        if isinstance(stop, str):
            return t(self.state.prefs.language, f"audio_stop_{stop}")
        return stop.label

    def key(self, key: int) -> None:
        """Keypad navigation: arrows move the focus (options first, the toolbar last), Enter selects, R repeats,
        Escape goes back, H starts speech (and reads the screen), B blanks the screen; a dual switch sends 1 and 2."""
        if key in SWITCH_MOVE_KEYS + SWITCH_SELECT_KEYS and not self.state.prefs.two_key:
            self.handle(flow.StartAudio(two_key=True))   # a switch's first press: speech and two-key mode
            return
        stops = self.stops()
        if key in NEXT_KEYS + SWITCH_MOVE_KEYS and stops:
            self.focus = 0 if self.focus is None else (self.focus + 1) % len(stops)
            self._say(self._stop_label(stops[self.focus]))
        elif key in PREVIOUS_KEYS and stops:
            self.focus = len(stops) - 1 if self.focus is None else (self.focus - 1) % len(stops)
            self._say(self._stop_label(stops[self.focus]))
        elif key in SELECT_KEYS + SWITCH_SELECT_KEYS and stops and self.focus is not None:
            chosen = stops[self.focus % len(stops)]
            if isinstance(chosen, str):
                self._setting(chosen)
                return
            self.handle(chosen.event)
            if isinstance(chosen.event, flow.Choose):
                self._say_focus = True   # "selected" / "not selected", read from the next frame
        elif key in (pygame.K_r, pygame.K_KP_5) and stops and self.focus is not None:
            self._say(self._stop_label(stops[self.focus % len(stops)]))   # repeat what has the focus
        elif key in (pygame.K_ESCAPE, pygame.K_BACKSPACE):
            for target in stops:
                if not isinstance(target, str) and isinstance(target.event, BACK_EVENTS):
                    self.handle(target.event)
                    return
        else:
            for keys, setting in ((LOUDER_KEYS, "louder"), (SOFTER_KEYS, "softer"), (FASTER_KEYS, "faster"),
                                  (SLOWER_KEYS, "slower"), (SCREEN_KEYS, "screen"), (AUDIO_KEYS, "repeat")):
                if key in keys:
                    self._setting(setting)

    def _setting(self, setting: str) -> None:
        """Volume, speed, the blank screen or the whole screen again; each change is said."""
        lang = self.state.prefs.language
        if setting == "repeat" or not self.state.prefs.audio:
            if self.state.prefs.audio:
                self._announce = True
            else:
                self.handle(flow.StartAudio())   # the audio key: speech starts here
        elif setting == "screen":
            self.handle(flow.ToggleScreen())
        elif self.speaker and setting in ("louder", "softer"):
            step, steps = self.speaker.louder(1 if setting == "louder" else -1)
            self._say(t(lang, "audio_volume", step=step, steps=steps))
        elif self.speaker:
            step, steps = self.speaker.faster(1 if setting == "faster" else -1)
            self._say(t(lang, "audio_rate", step=step, steps=steps))

    def hotplug(self, added: bool, capture: bool = False) -> None:
        """An audio device came or went: headphones plugged in start speech, taken out stop it."""
        if capture or (added and self.clock() - self._started < HOTPLUG_GRACE_S):
            return    # a microphone, or a device SDL lists at start-up
        if added and self.speaker and hasattr(self.speaker, "follow_device"):
            self.speaker.follow_device()
        self.handle(flow.StartAudio() if added else flow.StopAudio())

    def pygame_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.touch(event.pos)
        elif event.type == pygame.FINGERDOWN:
            self.touch((int(event.x * self.renderer.width), int(event.y * self.renderer.height)))
        elif event.type == pygame.KEYDOWN:
            self.key(event.key)
        elif event.type in (pygame.AUDIODEVICEADDED, pygame.AUDIODEVICEREMOVED):
            self.hotplug(event.type == pygame.AUDIODEVICEADDED, bool(getattr(event, "iscapture", 0)))

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
        on_screen = self.focus is not None and self.focus < len(self.last_frame.targets)   # not a switch's setting
        self.last_frame = self.renderer.draw(surface, self.state, self.clock(), self.focus if on_screen else None)
        if self.state.prefs.screen_off:
            surface.fill((0, 0, 0))   # audio-only: nothing on the glass for anyone passing, the keys still work
        if self._announce:
            self._announce = False
            self._say_focus = False
            blank = [t(self.state.prefs.language, "audio_screen_off")] if self.state.prefs.screen_off else []
            self._say(". ".join([*blank, *self.last_frame.spoken, *self._key_help()]))
        elif self._say_focus and on_screen and self.last_frame.targets:
            self._say_focus = False
            self._say(self.last_frame.targets[self.focus % len(self.last_frame.targets)].label)
        return self.last_frame

    def _key_help(self) -> list[str]:
        """How to use the keys (or the two switches), said after every screen that has something to press."""
        if not self.last_frame.targets:
            return []
        return [t(self.state.prefs.language, "audio_switches" if self.state.prefs.two_key else "audio_keys")]

    def _say(self, text: str) -> None:
        if self.speaker and self.state.prefs.audio:   # silent until headphones or the audio key
            self.speaker.say(text, self.state.prefs.language)

    def idle(self) -> bool:
        """True when no effect is running or waiting (for tests and scripted runs)."""
        return self._worker._work_queue.empty() and self.results.empty() and self.state.screen not in flow.BUSY

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        if self.speaker:
            self.speaker.stop()
