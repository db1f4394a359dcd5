"""Unlocking with a poll-worker card and its PIN: the attempts policy, kept in the station's log.

Five wrong PINs are free; after the fifth the card must wait 15 s, and each further wrong PIN
doubles the wait (30 s, 60 s, …); at the fifteenth the card is locked on this station. A right
PIN clears the count. The count is never held in memory: it is read back from the signed log
(``pin_refused`` with the card id and the reason, ``poll_worker_unlocked``; in official mode the
archived test store's first), so neither switching the kiosk off and on nor the change of mode
gives a guesser new tries. No event, message or log line ever holds
the PIN, and while a card must wait its PIN is not even checked.

:func:`attempts` is the pure policy (events in, state out); :func:`check_unlock` reads the
card, applies the policy, checks the PIN and writes the event, and returns a value:
:class:`Unlocked` or :class:`UnlockRefused`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable

from kiosk.contract.card_list import CardList
from kiosk.contract.cards import Card, CardRefused, check_card, pin_matches
from kiosk.station.cardlist import held_card_list
from kiosk.station.eventlog import Entry
from kiosk.station.lifecycle import Role
from kiosk.station.station import Station
from kiosk.station.store import Store

log = logging.getLogger(__name__)

FREE_TRIES = 5
FIRST_WAIT_S = 15
LOCK_AT = 15

PIN_REFUSED = "pin_refused"
UNLOCKED = "poll_worker_unlocked"
CARD_REFUSED = "card_refused"

# reasons of UnlockRefused besides the card's own (kiosk.contract.cards.CardRefusal values)
WRONG_PIN = "wrong_pin"
MUST_WAIT = "must_wait"
CARD_LOCKED = "card_locked"
ARCHIVED = "archived"
NO_CARD_LIST = "no_card_list"   # no valid card list on this kiosk (never loaded, or damaged)
NOT_LISTED = "not_listed"       # the kiosk's list holds no verifier for this card


@dataclass(frozen=True)
class Attempts:
    """Where a card stands: wrong PINs since its last unlock, and until when it must wait."""

    failures: int
    wait_until_s: int | None     # None: it may try now (or never again, when locked)

    @property
    def locked(self) -> bool:
        """True once the card has used up all its tries on this station."""
        return self.failures >= LOCK_AT

    @property
    def attempts_left(self) -> int:
        """Wrong PINs it may still give before it is locked."""
        return max(0, LOCK_AT - self.failures)


@dataclass(frozen=True)
class Unlocked:
    """The card and its PIN were right: who may act, and in which role."""

    card: Card
    role: Role


@dataclass(frozen=True)
class UnlockRefused:
    """Not unlocked. ``reason``: a card refusal (``expired``, ``wrong_station``, …), ``wrong_pin``,
    ``must_wait``, ``card_locked``, ``archived``, ``no_card_list`` or ``not_listed``; ``wait_until_s`` (Unix s) when a wait applies;
    ``attempts_left`` before the card is locked (None when the card itself was refused)."""

    reason: str
    wait_until_s: int | None = None
    attempts_left: int | None = None


def wait_after(failures: int) -> int:
    """Seconds a card must wait after its ``failures``-th wrong PIN in a row (0: none)."""
    if failures < FREE_TRIES or failures >= LOCK_AT:
        return 0
    return FIRST_WAIT_S * 2 ** (failures - FREE_TRIES)


def attempts(card_id: str, events: Iterable[tuple[str, dict]]) -> Attempts:
    """The policy over a log: (kind, body) of the station's unlock events, in log order."""
    failures, last_failure_at = 0, 0
    for kind, body in events:
        if body.get("card_id") != card_id:
            continue
        if kind == UNLOCKED:
            failures = 0
        elif kind == PIN_REFUSED and body.get("reason") == WRONG_PIN:
            failures += 1
            last_failure_at = body.get("time", 0)
    wait = wait_after(failures)
    return Attempts(failures, last_failure_at + wait if wait else None)


def attempts_of(station: Station, card_id: str) -> Attempts:
    """Where ``card_id`` stands on this station: from the archived test store's log (when the
    station has changed to official mode) and then the current store's, so that the change of
    mode does not give a guesser a fresh count."""
    kinds = (PIN_REFUSED, UNLOCKED)
    events = [(e.kind, e.fields()) for e in station.store.events(kinds)]
    archived = station.data.store_file("test")
    if station.mode == "official" and archived.exists():
        test_store = Store.open(archived, read_only=True, connect=station.connect)
        try:
            events = [(e.kind, e.fields()) for e in test_store.events(kinds)] + events
        finally:
            test_store.close()
    return attempts(card_id, events)


def _role(card: Card) -> Role:
    return Role(card.role)


def _write(station: Station, kind: str, body: dict) -> Entry | None:
    if station.archived:  # the archived test store takes no more entries (kiosk verify would fail)
        return None
    with station.store.transaction():
        return station.store.append(kind, body)


def check_unlock(station: Station, card_payload: str, pin: str, now: int) -> Unlocked | UnlockRefused:
    """Check a scanned card and a PIN typed for it, apply the attempts policy, log the attempt.

    The card's PIN verifier comes from the card list this kiosk holds (:mod:`kiosk.station.cardlist`),
    opened with the kiosk's key; a card the list lacks is refused before any PIN is checked.
    Writes ``card_refused`` (reason only; the card id when the authority signed the card),
    ``pin_refused`` (card id, reason, the wrong PINs so far) or ``poll_worker_unlocked``
    (card id, role). A station whose test store a change to official mode archived takes no
    entries: there only a technician card unlocks (to finish the change), and nothing is logged.
    """
    card = check_card(card_payload, station.package.authority, station.election.tag, station.config.station, now)
    if isinstance(card, CardRefused):
        log.info("card refused: %s", card.reason.value)
        _write(station, CARD_REFUSED, {"reason": card.reason.value, "station": station.config.station, "time": now})
        return UnlockRefused(card.reason.value)
    if station.archived and card.role != Role.TECHNICIAN.value:
        return UnlockRefused(ARCHIVED)
    held = held_card_list(station)
    body = {"card_id": card.card_id, "station": station.config.station, "time": now}
    if not isinstance(held, CardList) or card.card_id not in held.cards:
        reason = NOT_LISTED if isinstance(held, CardList) else NO_CARD_LIST
        log.info("card refused: %s", reason)
        _write(station, CARD_REFUSED, {**body, "reason": reason})
        return UnlockRefused(reason)
    state = attempts_of(station, card.card_id)
    if state.locked:
        _write(station, PIN_REFUSED, {**body, "reason": CARD_LOCKED, "failures": state.failures})
        return UnlockRefused(CARD_LOCKED, None, 0)
    if state.wait_until_s is not None and now < state.wait_until_s:
        _write(station, PIN_REFUSED, {**body, "reason": MUST_WAIT, "failures": state.failures})
        return UnlockRefused(MUST_WAIT, state.wait_until_s, state.attempts_left)
    # the verifier is opened only now, after the policy let this try through: every try counts
    if not pin_matches(held.verifier(card.card_id, station.key) or "", pin):
        failures = state.failures + 1
        log.info("wrong PIN for card %s (%d in a row)", card.card_id, failures)
        _write(station, PIN_REFUSED, {**body, "reason": WRONG_PIN, "failures": failures})
        after = Attempts(failures, now + wait_after(failures) if wait_after(failures) else None)
        return UnlockRefused(CARD_LOCKED if after.locked else WRONG_PIN, after.wait_until_s, after.attempts_left)
    _write(station, UNLOCKED, {**body, "role": card.role})
    log.info("%s card %s unlocked", card.role, card.card_id)
    return Unlocked(card, _role(card))
