"""The voter's flow as one pure state machine: ``step(state, event, now) -> (state, effects)``.

Screens are states; everything that happens (a scanned code, a touch, a key, a tick of the
clock, a device coming or going, a result coming back from the core) is an event; whatever
the booth must *do* (check a token, print, cast, speak) is an effect that the composition
root carries out off the UI thread and answers with another event. The table ``TRANSITIONS``
maps (screen, event type) to a handler; ``allowed_events(screen)`` drives the buttons.
Nothing here draws, sleeps or touches a device, so every (screen, event) pair is testable.
"""

from __future__ import annotations

from dataclasses import replace  # noqa: F401 - re-exported: callers build states with flow.replace

from booth_ui.events import *  # noqa: F401,F403 - the flow's vocabulary, re-exported
from booth_ui.events import (Announce, BackToBallot, CancelAction, CardScanned, ConfirmAction, CastBallot, CastDone, CastFailed, CastOnPaper,
                             CheckBallot, CheckDone, CheckThisBallot, CheckToken, Choose, CodeScanned, Confirm, DeviceOk, DeviceProblem, Dismiss, Lock,
                             MenuAction, NextPage, PinDigit, PinErase, PinSubmit, PollsChanged, PrevPage, PrintDone,
                             PrepareEncryption, PrintFailed, PrintPaperRecord, PrintSpoiled, SetLanguage, Spoil, StepResult, StillHere,
                             StartAudio, StopAudio, TextSize, Tick, ToggleContrast, ToggleScreen, TokenAccepted, TokenRefused, ToReview, TwoCodes,
                             Unlocked, UnlockRefused)
from booth_ui.state import *  # noqa: F401,F403
from booth_ui.state import (BUSY, DONE_SHOW_S, IDLE_SCREENS, LARGE_PRINT_SIZE, MENU_IDLE_S, VOTING, WARNING_S, WORKER, BoothState, Handler, Screen, Vote, _same_place, fresh, pages)
from booth_ui.worker_flow import (on_cancel_action, on_card, on_confirm_action, on_digit, on_erase, on_lock, on_menu_action, on_step_result, on_submit,
                                  on_unlock_refused, on_unlocked)
from kiosk.contract.election import Election
from kiosk.contract.rules import check_selections


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
                   last_activity=now, refused_card=False), [Announce()]


def on_choose(state, event: Choose, now, election):
    vote = state.vote
    contest = election.contest(event.contest)
    style = election.style(vote.style)
    state = replace(state, last_activity=now, warning_since=None, notice=None)
    if contest is None or event.contest not in style.contests or contest.option(event.option) is None:
        return state, []
    if event.option in style.exclude:
        return replace(state, notice="excluded"), [Announce()]
    if contest.is_score:
        return _on_grade(state, event, contest)
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


def _on_grade(state, event: Choose, contest):
    """A grade button of a score contest: it sets that option's grade; touched again, no grade."""
    vote = state.vote
    if event.grade is None or event.grade not in contest.grades:
        return state, []
    grades = dict(vote.chosen(contest.id))
    if grades.get(event.option) == event.grade:
        del grades[event.option]
    else:
        grades[event.option] = event.grade
    order = [o.id for o in contest.options]
    pairs = tuple(sorted(grades.items(), key=lambda p: order.index(p[0])))
    selections = tuple((c, pairs if c == contest.id else o) for c, o in vote.selections)
    return replace(state, vote=replace(vote, selections=selections)), []


def on_page(state, event, now, election):
    n = len(pages(election, state.vote.style, state.prefs.text_size, state.per_page))
    page = state.vote.page + (1 if isinstance(event, NextPage) else -1)
    if not 0 <= page < n:
        return replace(state, last_activity=now), []
    return replace(state, vote=replace(state.vote, page=page), last_activity=now, notice=None,
                   warning_since=None), [Announce()]


def on_review(state, event, now, election):
    problems = check_selections(election, state.vote.style, state.vote.as_dict(election))
    if problems:
        return replace(state, notice="too_few", last_activity=now), [Announce()]
    vote = state.vote
    return replace(state, screen=Screen.REVIEW, last_activity=now, notice=None, warning_since=None), \
        [Announce(), PrepareEncryption(vote.payload, vote.style, vote.as_dict(election))]


def on_back_to_ballot(state, event, now, election):
    return replace(state, screen=Screen.BALLOT, vote=replace(state.vote, page=0), last_activity=now,
                   notice=None, warning_since=None), [Announce()]


def on_confirm(state, event, now, election):
    vote = state.vote
    state = replace(state, last_activity=now, warning_since=None)
    if election.paper_record:
        large = state.prefs.text_size >= LARGE_PRINT_SIZE   # large print on screen, large print on paper
        return replace(state, screen=Screen.PRINTING), [PrintPaperRecord(vote.payload, vote.style, vote.as_dict(election),
                                                                       state.prefs.language, large)]
    return replace(state, screen=Screen.CASTING), [CastBallot(vote.payload, vote.style, vote.as_dict(election), None)]


def on_print_done(state, event: PrintDone, now, election):
    return replace(state, screen=Screen.PAPER_CHECK, vote=replace(state.vote, ballot_id=event.ballot_id),
                   last_activity=now), [Announce()]


def on_print_failed(state, event: PrintFailed, now, election):
    # nothing was recorded; the voter's ballot waits while a poll worker fixes the printer
    return replace(state, screen=Screen.REVIEW, notice=event.problem, last_activity=now), [Announce()]


def on_check(state, event, now, election):
    """The voter checks this ballot instead of casting it (Benaloh); the booth spoils and prints it."""
    vote = state.vote
    large = state.prefs.text_size >= LARGE_PRINT_SIZE
    return replace(state, screen=Screen.PRINTING, last_activity=now, warning_since=None), \
        [CheckThisBallot(vote.payload, vote.style, vote.as_dict(election), state.prefs.language, large)]


def on_check_done(state, event: CheckDone, now, election):
    # the checked encryption is spoiled for good: the voter starts over, same token, nothing chosen
    vote = state.vote
    start = replace(vote, selections=tuple((c, ()) for c in election.style(vote.style).contests), page=0,
                    ballot_id=None)
    return replace(state, screen=Screen.BALLOT, vote=start, last_activity=now, warning_since=None,
                   notice=event.problem or "checked"), [Announce()]


def on_cast_on_paper(state, event, now, election):
    vote = state.vote
    return replace(state, screen=Screen.CASTING, last_activity=now, warning_since=None), \
        [CastBallot(vote.payload, vote.style, vote.as_dict(election), vote.ballot_id)]


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
    # a refusal is never timed away: it stays until touched, a next token or a poll worker's card
    if state.screen in VOTING:
        if state.warning_since is None and now - state.last_activity >= state.inactivity_s:
            return replace(state, warning_since=now), [Announce()]
        if state.warning_since is not None and now - state.warning_since >= WARNING_S:
            return fresh(state, now), [Announce()]
    elif state.screen == Screen.CAST_DONE and now - state.last_activity >= DONE_SHOW_S:
        return fresh(state, now), []
    elif state.screen in (Screen.WORKER_MENU, Screen.WORKER_PIN, Screen.WORKER_CONFIRM) and now - state.last_activity >= MENU_IDLE_S:
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
    offered = [i for i, n in enumerate(state.per_page) if n > 0] or [0]   # the sizes this panel can show
    size = min(max(offered), max(0, state.prefs.text_size + event.step))
    if state.vote is not None:  # keep the voter on the page that shows what they were looking at
        page = _same_place(election, state.vote, state.prefs.text_size, size, state.per_page)
        state = replace(state, vote=replace(state.vote, page=page))
    return replace(state, prefs=replace(state.prefs, text_size=size), last_activity=now), []


def on_contrast(state, event, now, election):
    return replace(state, prefs=replace(state.prefs, high_contrast=not state.prefs.high_contrast),
                   last_activity=now), []


def on_start_audio(state, event: StartAudio, now, election):
    """Speech starts (and says the screen); a switch user's first press also turns on two-key mode."""
    prefs = replace(state.prefs, audio=True, two_key=state.prefs.two_key or event.two_key)
    if prefs == state.prefs:
        return state, []
    return replace(state, prefs=prefs, last_activity=now), [Announce()]


def on_stop_audio(state, event, now, election):
    # headphones out: nothing more is said, and a blank screen comes back (the voter may be sighted)
    return replace(state, prefs=replace(state.prefs, audio=False, screen_off=False, two_key=False)), []


def on_toggle_screen(state, event, now, election):
    if not state.prefs.audio:   # a blank screen only for a voter who is listening
        return state, []
    return replace(state, prefs=replace(state.prefs, screen_off=not state.prefs.screen_off),
                   last_activity=now), [Announce()]


EVERYWHERE: dict[type, Handler] = {
    Tick: on_tick, DeviceProblem: on_device_problem, DeviceOk: on_device_ok, PollsChanged: on_polls,
    SetLanguage: on_language, TextSize: on_text_size, ToggleContrast: on_contrast,
    StartAudio: on_start_audio, StopAudio: on_stop_audio, ToggleScreen: on_toggle_screen,
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
    (Screen.REVIEW, CheckBallot): on_check,
    (Screen.REVIEW, StillHere): on_still_here,
    (Screen.PRINTING, PrintDone): on_print_done,
    (Screen.PRINTING, PrintFailed): on_print_failed,
    (Screen.PRINTING, CheckDone): on_check_done,
    (Screen.PRINTING, CastFailed): on_cast_failed,     # the check could not be recorded
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
    (Screen.WORKER_CONFIRM, ConfirmAction): on_confirm_action,
    (Screen.WORKER_CONFIRM, CancelAction): on_cancel_action,
    (Screen.WORKER_CONFIRM, Lock): on_lock,
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

