"""The poll worker's part of the booth's flow: card, PIN pad, menu, steps, lock.

Handlers in the shape of :mod:`booth_ui.flow`'s table; the PIN typed so far lives in the state
only until it is submitted and is never logged.
"""

from __future__ import annotations

from dataclasses import replace

from booth_ui.events import (Announce, CancelAction, CardScanned, ConfirmAction, Lock, MenuAction, PinDigit, StepResult, TakeStep, Unlock,
                             Unlocked, UnlockRefused)
from booth_ui.state import CONFIRM_ACTIONS, PIN_MAX_DIGITS, WORKER, Screen, fresh

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
        out = replace(out, pending_payload=None, notice=None, status=(), role=None, actions=(), refused_card=True)
    return out, [Announce()]


def on_menu_action(state, event: MenuAction, now, election):
    if event.action not in state.actions:
        return replace(state, last_activity=now), []
    if event.action in CONFIRM_ACTIONS:   # final: ask first, on a screen that says what it means
        return replace(state, screen=Screen.WORKER_CONFIRM, pending_action=event.action, notice=None,
                       last_activity=now), [Announce()]
    return replace(state, screen=Screen.WORKER_BUSY, notice=None, last_activity=now), \
        [TakeStep(event.action, state.prefs.language)]


def on_confirm_action(state, event: ConfirmAction, now, election):
    action = state.pending_action
    if action not in state.actions:
        return on_cancel_action(state, CancelAction(), now, election)
    return replace(state, screen=Screen.WORKER_BUSY, last_activity=now), [TakeStep(action, state.prefs.language)]


def on_cancel_action(state, event: CancelAction, now, election):
    return replace(state, screen=Screen.WORKER_MENU, pending_action=None, last_activity=now), [Announce()]


def on_step_result(state, event: StepResult, now, election):
    final = state.polls_final   # a step that worked says whether the polls are now closed for the day
    if event.message == "step_done":
        final = state.pending_action == "close"
    return replace(state, screen=Screen.WORKER_MENU, notice=event.message, actions=event.actions,
                   polls_open=event.polls_open, status=event.status, last_activity=now, pending_action=None,
                   polls_final=final), [Announce()]


def on_lock(state, event, now, election):
    return fresh(replace(state, role=None, actions=(), status=(), pin="", pending_payload=None, pending_action=None),
                 now), [Announce()]


