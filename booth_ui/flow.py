"""The voter's flow as one pure state machine: ``step(state, event, now) -> (state, effects)``.

Screens are states; everything that happens (a scanned code, a touch, a key, a tick of the
clock, a device coming or going, a result coming back from the core) is an event; whatever
the booth must *do* (check a token, print, cast, speak) is an effect that the composition
root carries out off the UI thread and answers with another event. The table ``TRANSITIONS``
maps (screen, event type) to a handler; ``allowed_events(screen)`` drives the buttons.
Nothing here draws, sleeps or touches a device, so every (screen, event) pair is testable.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Callable

from kiosk.election import Election
from kiosk.rules import check_selections

INACTIVITY_S = 60.0      # a voter idle this long gets a warning ...
WARNING_S = 20.0         # ... and this long to answer it before the booth resets
REFUSED_SHOW_S = 12.0    # a refusal stays on screen this long
DONE_SHOW_S = 8.0        # the cast confirmation stays this long
TEXT_SIZES = 4
OPTIONS_PER_PAGE = (6, 6, 4, 4)   # by text size: larger text, fewer and taller buttons


class Screen(enum.Enum):
    ATTRACT = "attract"
    CHECKING = "checking"
    REFUSED = "refused"
    BALLOT = "ballot"
    REVIEW = "review"
    PRINTING = "printing"
    PAPER_CHECK = "paper_check"
    CASTING = "casting"
    CAST_DONE = "cast_done"
    POLLS_CLOSED = "polls_closed"
    OUT_OF_SERVICE = "out_of_service"
    WORKER_PIN = "worker_pin"          # a poll worker's card was read: the PIN pad
    WORKER_MENU = "worker_menu"        # unlocked: the steps the role may take now
    WORKER_BUSY = "worker_busy"        # a step (and its report) is being carried out


VOTING = {Screen.BALLOT, Screen.REVIEW, Screen.PAPER_CHECK}       # a voter is choosing
BUSY = {Screen.CHECKING, Screen.PRINTING, Screen.CASTING, Screen.WORKER_BUSY}  # waiting on the core or a device
WORKER = {Screen.WORKER_PIN, Screen.WORKER_MENU, Screen.WORKER_BUSY}
IDLE_SCREENS = {Screen.ATTRACT, Screen.POLLS_CLOSED, Screen.OUT_OF_SERVICE, Screen.REFUSED, Screen.CAST_DONE}
MENU_IDLE_S = 120.0      # the poll-worker menu locks itself after two idle minutes
PIN_MAX_DIGITS = 12


# -- events -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeScanned:
    payload: str


@dataclass(frozen=True)
class TokenAccepted:
    style: str


@dataclass(frozen=True)
class TokenRefused:
    reason: str


@dataclass(frozen=True)
class Choose:
    contest: str
    option: str


@dataclass(frozen=True)
class NextPage:
    pass


@dataclass(frozen=True)
class PrevPage:
    pass


@dataclass(frozen=True)
class ToReview:
    pass


@dataclass(frozen=True)
class BackToBallot:
    pass


@dataclass(frozen=True)
class Confirm:
    """'Cast' on the review screen (or 'print' when the election has a paper record)."""


@dataclass(frozen=True)
class PrintDone:
    ballot_id: str


@dataclass(frozen=True)
class PrintFailed:
    problem: str


@dataclass(frozen=True)
class CastOnPaper:
    """The voter checked the paper and casts."""


@dataclass(frozen=True)
class Spoil:
    """The paper is wrong: spoil it and go back to the ballot."""


@dataclass(frozen=True)
class CastDone:
    tracking_code: str


@dataclass(frozen=True)
class CastFailed:
    problem: str          # a refusal reason or a device problem


@dataclass(frozen=True)
class Dismiss:
    pass


@dataclass(frozen=True)
class StillHere:
    pass


@dataclass(frozen=True)
class Tick:
    pass


@dataclass(frozen=True)
class DeviceProblem:
    problem: str          # camera_lost, printer_out_of_paper, disk_full, store_error, ...


@dataclass(frozen=True)
class DeviceOk:
    problem: str


@dataclass(frozen=True)
class PollsChanged:
    open: bool


@dataclass(frozen=True)
class SetLanguage:
    language: str


@dataclass(frozen=True)
class TextSize:
    step: int


@dataclass(frozen=True)
class ToggleContrast:
    pass


@dataclass(frozen=True)
class TwoCodes:
    """The camera saw two different codes at once."""


@dataclass(frozen=True)
class CardScanned:
    payload: str = field(repr=False)


@dataclass(frozen=True)
class PinDigit:
    digit: str


@dataclass(frozen=True)
class PinErase:
    pass


@dataclass(frozen=True)
class PinSubmit:
    pass


@dataclass(frozen=True)
class Unlocked:
    role: str
    actions: tuple[str, ...]
    status: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnlockRefused:
    reason: str                 # a card refusal, wrong_pin, must_wait, card_locked or archived
    wait_s: int = 0
    attempts_left: int | None = None


@dataclass(frozen=True)
class MenuAction:
    action: str


@dataclass(frozen=True)
class StepResult:
    message: str                # a catalogue key: step_done_<action> or a refusal / printer problem
    actions: tuple[str, ...]
    polls_open: bool
    status: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lock:
    """Leave the poll-worker menu (button, idle timeout, or the card shown again)."""


# -- effects ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckToken:
    payload: str


@dataclass(frozen=True)
class PrintPaperRecord:
    payload: str
    style: str
    selections: dict
    language: str


@dataclass(frozen=True)
class PrintSpoiled:
    ballot_id: str


@dataclass(frozen=True)
class CastBallot:
    payload: str
    style: str
    selections: dict
    ballot_id: str | None


@dataclass(frozen=True)
class Unlock:
    payload: str = field(repr=False)
    pin: str = field(repr=False)


@dataclass(frozen=True)
class TakeStep:
    action: str
    language: str


@dataclass(frozen=True)
class Announce:
    """Read the current screen aloud (if audio is on)."""


# -- state ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Prefs:
    language: str = "ko"
    text_size: int = 1           # 0..TEXT_SIZES-1
    high_contrast: bool = False


@dataclass(frozen=True)
class Vote:
    """One voter's ballot in progress. Lives only between token and cast; never logged."""

    payload: str = field(repr=False)
    style: str
    selections: tuple[tuple[str, tuple[str, ...]], ...] = field(repr=False)
    page: int = 0
    ballot_id: str | None = field(default=None, repr=False)

    def chosen(self, contest: str) -> tuple[str, ...]:
        return dict(self.selections).get(contest, ())

    def as_dict(self) -> dict:
        return {c: list(o) for c, o in self.selections}


@dataclass(frozen=True)
class BoothState:
    screen: Screen = Screen.POLLS_CLOSED
    prefs: Prefs = Prefs()
    vote: Vote | None = None
    message: str | None = None        # refusal reason, device problem, or a hint id
    notice: str | None = None         # a transient hint on the current screen (e.g. 'max_reached')
    tracking_code: str | None = None
    polls_open: bool = False
    problems: frozenset[str] = frozenset()
    pending_payload: str | None = field(default=None, repr=False)
    last_activity: float = 0.0
    warning_since: float | None = None
    pin: str = field(default="", repr=False)      # digits typed so far (never logged)
    role: str | None = None                       # the unlocked poll worker's role
    actions: tuple[str, ...] = ()                 # what the menu offers now
    status: tuple[str, ...] = ()                  # status lines for the menu


Handler = Callable[[BoothState, object, float, Election], tuple[BoothState, list]]


def fresh(state: BoothState, now: float) -> BoothState:
    """The screen a new voter should see, with nothing of the previous voter kept."""
    if state.problems:
        screen = Screen.OUT_OF_SERVICE
    elif not state.polls_open:
        screen = Screen.POLLS_CLOSED
    else:
        screen = Screen.ATTRACT
    message = sorted(state.problems)[0] if state.problems else None
    return BoothState(screen=screen, prefs=Prefs(), polls_open=state.polls_open, problems=state.problems,
                      message=message, last_activity=now)


def pages(election: Election, style: str, text_size: int = 1) -> list[tuple[str, list[str]]]:
    """The ballot's pages at a text size: (contest id, option ids), each contest on its own pages."""
    per_page = OPTIONS_PER_PAGE[text_size]
    out = []
    for contest_id in election.style(style).contests:
        options = [o.id for o in election.contest(contest_id).options]
        for i in range(0, len(options), per_page):
            out.append((contest_id, options[i:i + per_page]))
    return out


def _same_place(election: Election, vote: "Vote", old_size: int, new_size: int) -> int:
    """The page at ``new_size`` that shows the first option of the current page at ``old_size``."""
    contest, options = pages(election, vote.style, old_size)[vote.page]
    for i, (c, opts) in enumerate(pages(election, vote.style, new_size)):
        if c == contest and options[0] in opts:
            return i
    return 0


# -- handlers ---------------------------------------------------------------------------

def on_scan(state, event: CodeScanned, now, election):
    return replace(state, screen=Screen.CHECKING, pending_payload=event.payload, last_activity=now), \
        [CheckToken(event.payload)]


def on_accepted(state, event: TokenAccepted, now, election):
    vote = Vote(payload=state.pending_payload, style=event.style,
                selections=tuple((c, ()) for c in election.style(event.style).contests))
    return replace(state, screen=Screen.BALLOT, vote=vote, pending_payload=None, last_activity=now,
                   notice=None), [Announce()]


def on_refused(state, event: TokenRefused, now, election):
    return replace(state, screen=Screen.REFUSED, message=event.reason, pending_payload=None,
                   last_activity=now), [Announce()]


def on_choose(state, event: Choose, now, election):
    vote = state.vote
    contest = election.contest(event.contest)
    style = election.style(vote.style)
    state = replace(state, last_activity=now, warning_since=None, notice=None)
    if contest is None or event.contest not in style.contests or contest.option(event.option) is None:
        return state, []
    if event.option in style.exclude:
        return replace(state, notice="excluded"), [Announce()]
    chosen = list(vote.chosen(event.contest))
    if event.option in chosen:
        chosen.remove(event.option)
    elif contest.rule == "single":
        chosen = [event.option]       # a tap replaces the choice
    elif len(chosen) >= contest.max:
        return replace(state, notice="max_reached"), [Announce()]
    else:
        chosen.append(event.option)
    order = [o.id for o in contest.options]
    chosen.sort(key=order.index)
    selections = tuple((c, tuple(chosen) if c == event.contest else o) for c, o in vote.selections)
    return replace(state, vote=replace(vote, selections=selections)), []


def on_page(state, event, now, election):
    n = len(pages(election, state.vote.style, state.prefs.text_size))
    page = state.vote.page + (1 if isinstance(event, NextPage) else -1)
    if not 0 <= page < n:
        return replace(state, last_activity=now), []
    return replace(state, vote=replace(state.vote, page=page), last_activity=now, notice=None,
                   warning_since=None), [Announce()]


def on_review(state, event, now, election):
    problems = check_selections(election, state.vote.style, state.vote.as_dict())
    if problems:
        return replace(state, notice="too_few", last_activity=now), [Announce()]
    return replace(state, screen=Screen.REVIEW, last_activity=now, notice=None, warning_since=None), [Announce()]


def on_back_to_ballot(state, event, now, election):
    return replace(state, screen=Screen.BALLOT, vote=replace(state.vote, page=0), last_activity=now,
                   notice=None, warning_since=None), [Announce()]


def on_confirm(state, event, now, election):
    vote = state.vote
    state = replace(state, last_activity=now, warning_since=None)
    if election.paper_record:
        return replace(state, screen=Screen.PRINTING), [PrintPaperRecord(vote.payload, vote.style, vote.as_dict(),
                                                                       state.prefs.language)]
    return replace(state, screen=Screen.CASTING), [CastBallot(vote.payload, vote.style, vote.as_dict(), None)]


def on_print_done(state, event: PrintDone, now, election):
    return replace(state, screen=Screen.PAPER_CHECK, vote=replace(state.vote, ballot_id=event.ballot_id),
                   last_activity=now), [Announce()]


def on_print_failed(state, event: PrintFailed, now, election):
    # nothing was recorded; the voter's ballot waits while a poll worker fixes the printer
    return replace(state, screen=Screen.REVIEW, notice=event.problem, last_activity=now), [Announce()]


def on_cast_on_paper(state, event, now, election):
    vote = state.vote
    return replace(state, screen=Screen.CASTING, last_activity=now, warning_since=None), \
        [CastBallot(vote.payload, vote.style, vote.as_dict(), vote.ballot_id)]


def on_spoil(state, event, now, election):
    vote = state.vote
    return replace(state, screen=Screen.BALLOT, vote=replace(vote, ballot_id=None, page=0), last_activity=now,
                   notice="spoiled", warning_since=None), [PrintSpoiled(vote.ballot_id), Announce()]


def on_cast_done(state, event: CastDone, now, election):
    # the ballot is on disk: forget everything of this voter but the tracking code to show
    return replace(fresh(state, now), screen=Screen.CAST_DONE, tracking_code=event.tracking_code,
                   prefs=state.prefs), [Announce()]


FAIL_CLOSED = frozenset({"disk_full", "store_error"})   # the booth cannot record ballots at all


def on_cast_failed(state, event: CastFailed, now, election):
    if event.problem in FAIL_CLOSED:  # out of service rather than accept a ballot it cannot record
        return fresh(replace(state, problems=state.problems | {event.problem}), now), [Announce()]
    out = fresh(state, now)
    return replace(out, screen=Screen.REFUSED, message=event.problem, prefs=state.prefs), [Announce()]


def on_dismiss(state, event, now, election):
    return fresh(state, now), [Announce()]


def on_still_here(state, event, now, election):
    return replace(state, warning_since=None, last_activity=now), []


def on_two_codes(state, event, now, election):
    return replace(state, notice="one_token", last_activity=now), [Announce()]


def on_tick(state, event, now, election):
    if state.screen in VOTING:
        if state.warning_since is None and now - state.last_activity >= INACTIVITY_S:
            return replace(state, warning_since=now), [Announce()]
        if state.warning_since is not None and now - state.warning_since >= WARNING_S:
            return fresh(state, now), [Announce()]
    elif state.screen == Screen.REFUSED and now - state.last_activity >= REFUSED_SHOW_S:
        return fresh(state, now), []
    elif state.screen == Screen.CAST_DONE and now - state.last_activity >= DONE_SHOW_S:
        return fresh(state, now), []
    elif state.screen in (Screen.WORKER_MENU, Screen.WORKER_PIN) and now - state.last_activity >= MENU_IDLE_S:
        return on_lock(state, Lock(), now, election)
    return state, []


def on_device_problem(state, event: DeviceProblem, now, election):
    problems = state.problems | {event.problem}
    state = replace(state, problems=problems)
    if state.screen in BUSY | WORKER:  # a poll worker at the menu sees the problem on the status page
        return state, []          # the pending result decides; it arrives as its own event
    if state.screen in VOTING and event.problem.startswith("printer") and not election.paper_record:
        return state, []          # no paper record: the printer does not stop a voter
    if state.screen in VOTING and event.problem == "camera_lost":
        return state, []          # the voter already has a ballot: let them finish
    return fresh(state, now), [Announce()]


def on_device_ok(state, event: DeviceOk, now, election):
    state = replace(state, problems=state.problems - {event.problem})
    if state.screen == Screen.OUT_OF_SERVICE and not state.problems:
        return fresh(state, now), [Announce()]
    if state.screen == Screen.OUT_OF_SERVICE:
        return replace(state, message=sorted(state.problems)[0]), []
    return state, []


def on_polls(state, event: PollsChanged, now, election):
    state = replace(state, polls_open=event.open)
    if state.screen in WORKER:
        return state, []
    if state.screen in VOTING | BUSY and state.polls_open:
        return state, []
    if state.screen in {Screen.ATTRACT, Screen.POLLS_CLOSED, Screen.REFUSED, Screen.CAST_DONE} or not event.open:
        if state.screen in BUSY:
            return state, []
        return fresh(state, now), [Announce()]
    return state, []


def on_language(state, event: SetLanguage, now, election):
    if event.language not in ("ko", "en"):
        return state, []
    return replace(state, prefs=replace(state.prefs, language=event.language), last_activity=now), [Announce()]


def on_text_size(state, event: TextSize, now, election):
    size = min(TEXT_SIZES - 1, max(0, state.prefs.text_size + event.step))
    if state.vote is not None:  # keep the voter on the page that shows what they were looking at
        page = _same_place(election, state.vote, state.prefs.text_size, size)
        state = replace(state, vote=replace(state.vote, page=page))
    return replace(state, prefs=replace(state.prefs, text_size=size), last_activity=now), []


def on_contrast(state, event, now, election):
    return replace(state, prefs=replace(state.prefs, high_contrast=not state.prefs.high_contrast),
                   last_activity=now), []


def on_card(state, event: CardScanned, now, election):
    if state.screen in WORKER - {Screen.WORKER_PIN}:
        return on_lock(state, Lock(), now, election)   # the card shown again locks the menu
    return replace(state, screen=Screen.WORKER_PIN, pending_payload=event.payload, pin="", message=None,
                   notice=None, last_activity=now), [Announce()]


def on_digit(state, event: PinDigit, now, election):
    if not event.digit.isdigit() or len(state.pin) >= PIN_MAX_DIGITS:
        return replace(state, last_activity=now), []
    return replace(state, pin=state.pin + event.digit, notice=None, last_activity=now), []


def on_erase(state, event, now, election):
    return replace(state, pin=state.pin[:-1], last_activity=now), []


def on_submit(state, event, now, election):
    if not state.pin:
        return replace(state, last_activity=now), []
    return replace(state, screen=Screen.WORKER_BUSY, pin="", last_activity=now), \
        [Unlock(state.pending_payload, state.pin)]


def on_unlocked(state, event: Unlocked, now, election):
    return replace(state, screen=Screen.WORKER_MENU, pending_payload=None, role=event.role, actions=event.actions,
                   status=event.status, notice=None, last_activity=now), [Announce()]


def on_unlock_refused(state, event: UnlockRefused, now, election):
    screen = Screen.WORKER_PIN if event.reason in ("wrong_pin", "must_wait") else Screen.REFUSED
    out = replace(state, screen=screen, pin="", notice=event.reason, message=event.reason, last_activity=now,
                  status=(str(event.wait_s), "" if event.attempts_left is None else str(event.attempts_left)))
    if screen is Screen.REFUSED:
        out = replace(out, pending_payload=None, notice=None, status=(), role=None, actions=())
    return out, [Announce()]


def on_menu_action(state, event: MenuAction, now, election):
    if event.action not in state.actions:
        return replace(state, last_activity=now), []
    return replace(state, screen=Screen.WORKER_BUSY, notice=None, last_activity=now), \
        [TakeStep(event.action, state.prefs.language)]


def on_step_result(state, event: StepResult, now, election):
    return replace(state, screen=Screen.WORKER_MENU, notice=event.message, actions=event.actions,
                   polls_open=event.polls_open, status=event.status, last_activity=now), [Announce()]


def on_lock(state, event, now, election):
    return fresh(replace(state, role=None, actions=(), status=(), pin="", pending_payload=None), now), [Announce()]


EVERYWHERE: dict[type, Handler] = {
    Tick: on_tick, DeviceProblem: on_device_problem, DeviceOk: on_device_ok, PollsChanged: on_polls,
    SetLanguage: on_language, TextSize: on_text_size, ToggleContrast: on_contrast,
}

TRANSITIONS: dict[tuple[Screen, type], Handler] = {
    (Screen.ATTRACT, CodeScanned): on_scan,
    (Screen.ATTRACT, TwoCodes): on_two_codes,
    (Screen.CHECKING, TokenAccepted): on_accepted,
    (Screen.CHECKING, TokenRefused): on_refused,
    (Screen.REFUSED, Dismiss): on_dismiss,
    (Screen.REFUSED, CodeScanned): on_scan,
    (Screen.BALLOT, Choose): on_choose,
    (Screen.BALLOT, NextPage): on_page,
    (Screen.BALLOT, PrevPage): on_page,
    (Screen.BALLOT, ToReview): on_review,
    (Screen.BALLOT, StillHere): on_still_here,
    (Screen.REVIEW, BackToBallot): on_back_to_ballot,
    (Screen.REVIEW, Confirm): on_confirm,
    (Screen.REVIEW, StillHere): on_still_here,
    (Screen.PRINTING, PrintDone): on_print_done,
    (Screen.PRINTING, PrintFailed): on_print_failed,
    (Screen.PAPER_CHECK, CastOnPaper): on_cast_on_paper,
    (Screen.PAPER_CHECK, Spoil): on_spoil,
    (Screen.PAPER_CHECK, StillHere): on_still_here,
    (Screen.CASTING, CastDone): on_cast_done,
    (Screen.CASTING, CastFailed): on_cast_failed,
    (Screen.CAST_DONE, Dismiss): on_dismiss,
    (Screen.CAST_DONE, CodeScanned): on_scan,
    **{(screen, CardScanned): on_card for screen in IDLE_SCREENS | WORKER - {Screen.WORKER_BUSY}},
    (Screen.WORKER_PIN, PinDigit): on_digit,
    (Screen.WORKER_PIN, PinErase): on_erase,
    (Screen.WORKER_PIN, PinSubmit): on_submit,
    (Screen.WORKER_PIN, Lock): on_lock,
    (Screen.WORKER_BUSY, Unlocked): on_unlocked,
    (Screen.WORKER_BUSY, UnlockRefused): on_unlock_refused,
    (Screen.WORKER_BUSY, StepResult): on_step_result,
    (Screen.WORKER_MENU, MenuAction): on_menu_action,
    (Screen.WORKER_MENU, Lock): on_lock,
}


def allowed_events(screen: Screen) -> set[type]:
    """The event types a screen answers (besides the ones every screen answers)."""
    return {ev for (s, ev) in TRANSITIONS if s == screen}


def step(state: BoothState, event: object, now: float, election: Election) -> tuple[BoothState, list]:
    """The next state and the effects to carry out; an event a screen does not answer changes nothing."""
    handler = TRANSITIONS.get((state.screen, type(event))) or EVERYWHERE.get(type(event))
    if handler is None:
        return state, []
    return handler(state, event, now, election)
