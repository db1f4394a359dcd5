"""The booth's port on a real station: token checks, paper records and casts, as flow events.

Runs on the booth's one worker thread, so the UI never waits on the disk or the printer.
A prepared ballot (sealed, signed, its id printed on the paper record) waits here between
"print" and "cast" and is forgotten at cast or spoil; nothing of it is logged.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

from booth_ui import flow
from hardware.errors import PrinterError, Problem
from hardware.printer import Printer
from kiosk.station import eventlog as ev
from kiosk.app.printing import report_document
from kiosk.station.casting import Cast, PreparedBallot, admit_token, commit_ballot, current_encryption, prepare_ballot, \
    prepare_encryption_for, spoil_ballot
from kiosk.station.reports import checked_record, paper_record, receipt_slip, spoiled_slip
from kiosk.station.sealing import seal_if_due
from kiosk.app.steps import MENU_ACTIONS, USB_DIR, menu_step, status_lines
from kiosk.station.lifecycle import Action, allowed_actions
from kiosk.station.pinpolicy import Unlocked, UnlockRefused, check_unlock
from kiosk.station.station_reports import software_hash
from kiosk.station.station import Station
from kiosk.contract.tokens import RefusalReason, Refused

log = logging.getLogger(__name__)
PRINTER_PROBLEM = {Problem.PAPER_OUT: "printer_out_of_paper", Problem.COVER_OPEN: "printer_cover_open"}


def printer_problem(error: PrinterError) -> str:
    """The booth's words for a printer error (its message catalogue keys)."""
    return PRINTER_PROBLEM.get(error.problem, "printer_offline")


class StationPort:
    """Answers the booth (see booth_ui.booth.BoothPort) from a Station and an optional printer."""

    def __init__(self, station: Station, printer: Printer | None, clock: Callable[[], float] = time.time,
                 usb_dir: Path = USB_DIR) -> None:
        self.station, self.printer, self.clock, self.usb_dir = station, printer, clock, Path(usb_dir)
        self._prepared: dict[str, PreparedBallot] = {}
        self._early = None   # the encryption made during review (its seed only in memory)
        self._who: Unlocked | None = None
        self._large = False  # the voter's paper record was in large print: so is their receipt

    def _now(self) -> int:
        return int(self.clock())

    def check_token(self, payload: str) -> flow.TokenAccepted | flow.TokenRefused:
        self._early, self._large = None, False   # a new voter: nothing of the one before stays
        result = admit_token(self.station, payload, self._now())
        if isinstance(result, Refused):
            return flow.TokenRefused(result.reason.value)
        return flow.TokenAccepted(result.style)

    def _prepare(self, payload: str, selections: dict) -> PreparedBallot | Refused:
        admitted = admit_token(self.station, payload, self._now())
        if isinstance(admitted, Refused):
            return admitted
        early, self._early = self._early, None
        if early is not None and early[0] != payload:
            early = None
        return prepare_ballot(self.station, admitted, selections, self._now(), early[1] if early else None)

    def prepare_encryption(self, payload: str, style: str, selections: dict) -> None:
        """Encrypt and prove the reviewed selections now (the booth's worker thread, while the
        voter reads the review screen); the print or cast uses it if the selections are still these."""
        self._early = (payload, prepare_encryption_for(self.station, style, selections))

    def print_paper_record(self, payload: str, style: str, selections: dict,
                           language: str, large: bool = False) -> flow.PrintDone | flow.PrintFailed:
        if self.printer is None:
            return flow.PrintFailed("printer_offline")
        prepared = self._prepare(payload, selections)
        if isinstance(prepared, Refused):
            return flow.PrintFailed(prepared.reason.value)
        ballot_id = prepared.ballot_id.hex()
        record = paper_record(self.station.election, style, selections, ballot_id, self.station.mode, language)
        self._large = large
        try:
            self.printer.print(report_document(record, large=large))
        except PrinterError as e:  # nothing is recorded: the voter waits while a poll worker helps
            log.warning("paper record not printed: %s", e.problem.value)
            return flow.PrintFailed(printer_problem(e))
        self._prepared = {ballot_id: prepared}  # one voter at a time
        return flow.PrintDone(ballot_id)

    def _print_receipt(self, code: str) -> None:
        """The receipt the package asks for; the ballot is cast either way, and the screen shows the code."""
        if self.printer is None:
            return
        try:
            self.printer.print(report_document(receipt_slip(self.station.election, code, self.station.mode),
                                               large=self._large))
        except PrinterError as e:
            log.warning("receipt not printed: %s", e.problem.value)

    def print_spoiled(self, ballot_id: str) -> None:
        self._prepared.pop(ballot_id, None)
        self._early = None
        with self.station.store.transaction():
            self.station.store.append(ev.PAPER_SPOILED, {"time": self._now()})
        if self.printer is not None:
            try:
                self.printer.print(report_document(spoiled_slip(ballot_id, "ko")))
            except PrinterError as e:
                log.warning("spoiled slip not printed: %s", e.problem.value)

    def check_ballot(self, payload: str, style: str, selections: dict, language: str,
                     large: bool = False) -> flow.CheckDone | flow.PrintFailed | flow.CastFailed:
        """The voter's "check this ballot" (Benaloh): spoil the reviewed encryption (its seed goes on paper and to the
        board), print the checked record; the voter then starts over with the same, unspent token."""
        early, self._early = self._early, None   # an encryption whose seed is out is never cast
        self._prepared.clear()
        if self.printer is None:                 # the check is its paper: nothing is spoiled without one
            return flow.PrintFailed("printer_offline")
        now = self._now()
        admitted = admit_token(self.station, payload, now)
        if isinstance(admitted, Refused):
            return flow.CastFailed(admitted.reason.value)
        encryption = current_encryption(self.station, style, selections,
                                        early[1] if early and early[0] == payload else None)
        if encryption is None:
            return flow.CastFailed(RefusalReason.SELECTIONS_INVALID.value)
        spoiled = spoil_ballot(self.station, admitted, encryption, now)
        if isinstance(spoiled, Refused):
            return flow.CastFailed(spoiled.reason.value)
        record = checked_record(self.station.election, style, selections, spoiled.ballot_id.hex(), spoiled.qr,
                                self.station.mode, language)
        try:
            self.printer.print(report_document(record, large=large))
        except PrinterError as e:   # the ballot stays spoiled (published, never counted); the voter may check again
            log.warning("checked ballot record not printed: %s", e.problem.value)
            return flow.CheckDone(printer_problem(e))
        return flow.CheckDone()

    # -- the poll worker's side ----------------------------------------------------------

    def unlock(self, payload: str, pin: str) -> flow.Unlocked | flow.UnlockRefused:
        """Card and PIN: the role's menu, or why not (every attempt is logged, never the PIN)."""
        now = self._now()
        result = check_unlock(self.station, payload, pin, now)
        if isinstance(result, UnlockRefused):
            wait_s = max(0, (result.wait_until_s or now) - now)
            return flow.UnlockRefused(result.reason, wait_s, result.attempts_left)
        self._who = result
        return flow.Unlocked(result.role.value, self._actions(), self.status_lines())

    def _actions(self) -> tuple[str, ...]:
        if self._who is None:
            return ()
        return tuple(a.value for a in allowed_actions(self.station.state, self._who.role) if a in MENU_ACTIONS)

    def take_step(self, action: str, language: str) -> flow.StepResult:
        """Take a life-cycle step for the unlocked role and print its report."""
        if self._who is None:
            return flow.StepResult("role_not_permitted", (), self.station.accepts_ballots)
        message = menu_step(self.station, Action(action), self._who, self._now(), self.printer, language, self.usb_dir)
        return flow.StepResult(message, self._actions(), self.station.accepts_ballots, self.status_lines())

    def status_lines(self) -> tuple[str, ...]:
        """The status page: state, mode, ballots, batches, free disk, printer."""
        return status_lines(self.station, self.printer, software_hash(self.station.store))

    def cast(self, payload: str, style: str, selections: dict, ballot_id: str | None) -> flow.CastDone | flow.CastFailed:
        prepared = self._prepared.pop(ballot_id, None) if ballot_id else None
        self._prepared.clear()
        if prepared is None:
            if ballot_id is not None:  # a paper was printed for a ballot this port no longer holds
                return flow.CastFailed("store_error")
            prepared = self._prepare(payload, selections)
            if isinstance(prepared, Refused):
                return flow.CastFailed(prepared.reason.value)
        result = commit_ballot(self.station, prepared, self._now())
        if not isinstance(result, Cast):
            return flow.CastFailed(result.reason.value)
        if self.station.election.receipt:
            self._print_receipt(result.tracking_code)
        try:
            seal_if_due(self.station, self._now())  # between voters: the ballot is already safe
        except Exception:  # sealing is retried at the next cast and always at close
            log.exception("sealing failed; the next cast or the close retries")
        return flow.CastDone(result.tracking_code)
