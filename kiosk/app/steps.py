"""The poll worker's steps at the booth: unlock with card and PIN, take a step, print its report.

``check_unlock`` checks the card (signature, election, station, validity) and the PIN and
writes every attempt to the log (the card id and the outcome, never the PIN). ``take_step``
asks the life-cycle table, writes the step, and prints the step's report (zero report at
opening, slips at pause and resume, results tape at close); it answers with a message key
of the booth's catalogue.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass

from hardware.errors import PrinterError
from hardware.printer import Printer
from kiosk import eventlog as ev
from kiosk.app.printing import report_document
from kiosk.cards import Card, CardRefused, check_card, pin_matches
from kiosk.lifecycle import Action, Role, StationState
from kiosk.polls import StepRefused, close_polls, open_polls, pause_polls, reopen_polls, resume_polls
from kiosk.reports import StationFacts, count_contests, results_tape, slip, zero_report
from kiosk.station import Station

log = logging.getLogger(__name__)
MENU_ACTIONS = frozenset({Action.OPEN, Action.PAUSE, Action.RESUME, Action.CLOSE, Action.REOPEN, Action.PRINT_REPORT})
SOFTWARE_UNATTESTED = "unattested"


@dataclass(frozen=True)
class Unlocked:
    card: Card
    role: Role


@dataclass(frozen=True)
class UnlockRefused:
    reason: str
    wait_s: int = 0
    attempts_left: int | None = None


def check_unlock(station: Station, payload: str, pin: str, now: int) -> Unlocked | UnlockRefused:
    """Card and PIN for this station now; every attempt is a log entry."""
    e = station.election
    card = check_card(payload, station.package.authority, e.tag, station.config.station, now)
    if isinstance(card, CardRefused):
        return UnlockRefused(card.reason.value)
    if not pin_matches(card, pin):
        with station.store.transaction():
            station.store.append("pin_refused", {"card": card.card_id, "time": now})
        return UnlockRefused("pin_wrong")
    with station.store.transaction():
        station.store.append("poll_worker_unlocked", {"card": card.card_id, "role": card.role, "time": now})
    return Unlocked(card, Role(card.role))


def facts(station: Station, now: int, changed_at: int, reprint: bool = False) -> StationFacts:
    """What every report names about this station."""
    root = station.roll.root
    return StationFacts(election=station.election, station=station.config.station, mode=station.mode,
                        kiosk_fingerprint=station.key.verify_key.fingerprint, software_hash=SOFTWARE_UNATTESTED,
                        roll_root_hex=root.root_hex if root else "0" * 64, log_head_seq=station.store.head_seq,
                        log_head_hex=station.store.head_hash.hex(), state_changed_at=changed_at, printed_at=now,
                        reprint=reprint)


def results_report(station: Station, now: int, language: str, reprint: bool = False):
    """The results tape of a closed station, from its ballot box and log."""
    ballots = [(r.style, json.loads(r.selections)) for r in station.store.ballots()]
    participation: dict[str, int] = {}
    for style, _ in ballots:
        participation[style] = participation.get(style, 0) + 1
    refused: dict[str, int] = {}
    for entry in station.store.events((ev.TOKEN_REFUSED,)):
        reason = entry.fields().get("reason", "unknown")
        refused[reason] = refused.get(reason, 0) + 1
    batches = station.store.batches()
    last = f"#{batches[-1][0]} {batches[-1][1].hex()[:16]}" if batches else None
    closed = station.store.last_event((ev.POLLS_CLOSED,))
    return results_tape(facts(station, now, closed.fields()["time"] if closed else now, reprint),
                        count_contests(station.election, ballots), len(ballots), participation, refused, last,
                        [], f"KS1:{station.store.head_hash.hex()}", language)


def _report_for(station: Station, action: Action, now: int, language: str):
    if action is Action.OPEN:
        return zero_report(facts(station, now, now), station.ballots, language)
    if action is Action.CLOSE:
        return results_report(station, now, language)
    if action is Action.PRINT_REPORT:
        if station.state is StationState.POLLS_CLOSED:
            return results_report(station, now, language, reprint=True)
        opened = station.store.last_event((ev.POLLS_OPENED,))
        return zero_report(facts(station, now, opened.fields()["time"] if opened else now, reprint=True), 0, language)
    kind = {Action.PAUSE: "pause_slip", Action.RESUME: "resume_slip", Action.REOPEN: "reopen_slip"}[action]
    return slip(kind, facts(station, now, now), station.ballots, language)


STEPS = {Action.OPEN: open_polls, Action.PAUSE: pause_polls, Action.RESUME: resume_polls,
         Action.CLOSE: close_polls, Action.REOPEN: reopen_polls}


def take_step(station: Station, action: Action, role: Role | None, now: int, printer: Printer | None,
              language: str) -> str:
    """Take ``action`` as ``role`` and print its report; returns the booth's message key."""
    if role is None:
        return "role_not_permitted"
    if action in STEPS:
        result = STEPS[action](station, now, by=role.value, role=role)
        if isinstance(result, StepRefused):
            return result.reason
    if printer is None:
        return "printer_offline"
    try:
        printer.print(report_document(_report_for(station, action, now, language)))
    except PrinterError as e:  # the step stands; its report can be reprinted from the menu
        log.warning("report not printed: %s", e.problem.value)
        return {"paper_out": "printer_out_of_paper", "cover_open": "printer_cover_open"}.get(
            e.problem.value, "printer_offline")
    return "step_done"


def status_lines(station: Station, printer: Printer | None) -> tuple[str, ...]:
    """The status page, as ``key:value`` lines the booth's catalogue labels."""
    free_mb = shutil.disk_usage(station.data.root).free // 1_000_000
    batches = station.store.batches()
    printer_state = "none"
    if printer is not None:
        try:
            printer_state = printer.status().name.lower()
        except PrinterError as e:
            printer_state = e.problem.value
    return (f"state:{station.state.value}", f"mode:{station.mode}", f"ballots:{station.ballots}",
            f"batches:{len(batches)}", f"disk:{free_mb} MB", f"printer:{printer_state}",
            f"software:{SOFTWARE_UNATTESTED}")
