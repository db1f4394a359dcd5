"""The booth's state: screens, the voter's ballot in progress, preferences, and the fresh start."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable

from kiosk.contract.election import Election

INACTIVITY_S = 60.0      # a voter idle this long gets a warning ([booth] inactivity_s) ...
WARNING_S = 20.0         # ... and this long to answer it before the booth resets
DONE_SHOW_S = 20.0       # the cast confirmation stays this long (time to copy the code; the next token ends it)
TEXT_SIZES = 4
LARGE_PRINT_SIZE = 2     # text sizes from here up are large print (booth_ui.theme.LARGE_SIZES), on paper too
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
    WORKER_CONFIRM = "worker_confirm"  # a final step (closing the polls) asks "are you sure?"


VOTING = {Screen.BALLOT, Screen.REVIEW, Screen.PAPER_CHECK}       # a voter is choosing
BUSY = {Screen.CHECKING, Screen.PRINTING, Screen.CASTING, Screen.WORKER_BUSY}  # waiting on the core or a device
WORKER = {Screen.WORKER_PIN, Screen.WORKER_MENU, Screen.WORKER_BUSY, Screen.WORKER_CONFIRM}
CONFIRM_ACTIONS = frozenset({"close"})   # final steps: a second touch on a screen that says what they mean
IDLE_SCREENS = {Screen.ATTRACT, Screen.POLLS_CLOSED, Screen.OUT_OF_SERVICE, Screen.REFUSED, Screen.CAST_DONE}
MENU_IDLE_S = 120.0      # the poll-worker menu locks itself after two idle minutes
PIN_MAX_DIGITS = 12


@dataclass(frozen=True)
class Prefs:
    language: str = "ko"
    text_size: int = 1           # 0..TEXT_SIZES-1
    high_contrast: bool = False
    audio: bool = False          # speaking: headphones were plugged in or a key was pressed
    screen_off: bool = False     # audio-only: the screen is blank for privacy, the keys still work
    two_key: bool = False        # a dual switch: one key moves, the other chooses; every setting is a stop


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

    def grade(self, contest: str, option: str) -> int:
        """The grade given to ``option`` in a score contest so far (0: none)."""
        return dict(p for p in self.chosen(contest) if isinstance(p, tuple)).get(option, 0)

    def as_dict(self, election: Election | None = None) -> dict:
        """The selections as the core takes them (score contests as ``{option: grade}`` given the election)."""
        return {c: dict(o) if election is not None and election.contest(c).is_score else list(o)
                for c, o in self.selections}


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
    pending_action: str | None = None             # the final step waiting for its confirmation
    polls_final: bool = False                     # the polls were closed for the day (not paused)
    per_page: tuple[int, ...] = OPTIONS_PER_PAGE  # options a page shows at each text size, on this panel
    refused_card: bool = False                    # the refusal on screen is of a poll worker's card, not a token
    start_language: str = "ko"                    # [booth] language: what every new voter sees first
    inactivity_s: float = INACTIVITY_S            # [booth] inactivity_s: idle seconds before the warning


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
    return BoothState(screen=screen, prefs=Prefs(language=state.start_language), polls_open=state.polls_open,
                      polls_final=state.polls_final, per_page=state.per_page, problems=state.problems,
                      start_language=state.start_language, inactivity_s=state.inactivity_s,
                      message=message, last_activity=now)


def pages(election: Election, style: str, text_size: int = 1,
          per_page_by_size: tuple[int, ...] = OPTIONS_PER_PAGE) -> list[tuple[str, list[str]]]:
    """The ballot's pages at a text size: (contest id, option ids), each contest on its own pages."""
    per_page = max(1, per_page_by_size[text_size])   # 0 (a size the panel does not offer) still pages
    out = []
    for contest_id in election.style(style).contests:
        contest = election.contest(contest_id)
        options = [o.id for o in contest.options]
        # a score contest's options take a whole row each (title and grade buttons): one column, not two
        n = max(1, per_page // 2) if per_page and contest.is_score and text_size not in (2, 3) else per_page
        for i in range(0, len(options), n):
            out.append((contest_id, options[i:i + n]))
    return out


def _same_place(election: Election, vote: "Vote", old_size: int, new_size: int,
                per_page: tuple[int, ...] = OPTIONS_PER_PAGE) -> int:
    """The page at ``new_size`` that shows the first option of the current page at ``old_size``."""
    contest, options = pages(election, vote.style, old_size, per_page)[vote.page]
    for i, (c, opts) in enumerate(pages(election, vote.style, new_size, per_page)):
        if c == contest and options[0] in opts:
            return i
    return 0



Handler = Callable[["BoothState", object, float, Election], tuple["BoothState", list]]
