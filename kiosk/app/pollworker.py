"""The poll worker's commands: open, pause, resume, close, reopen, mode, report.

Each step: read the card file and the PIN, open the station (its one-writer lock), unlock
(:func:`kiosk.station.pinpolicy.check_unlock`), take the step (:func:`kiosk.station.pollsteps.take_step`), then
print its report (:func:`kiosk.app.printing.print_and_record`). What happened is said in Korean
and English. Exit codes: 0 done; 1 refused (a card, a PIN, a step) or the report did not
print (the step stands; ``kiosk report`` prints it later); 2 usage or input error.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Callable, TextIO

from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, EXIT_USAGE
from kiosk.errors import KioskError
from kiosk.station.lifecycle import PERMITTED, Action
from kiosk.station.pinpolicy import Unlocked, UnlockRefused, check_unlock
from kiosk.station.pollsteps import PrintJob, print_job, take_step
from kiosk.station.polls import StepRefused
from kiosk.station.reports import as_text
from kiosk.station.station import Station
from kiosk.words import LANGUAGES, word
from kiosk.app.printing import NO_PRINTER, Printed, open_printer, print_and_record

DONE_WORDS = {Action.OPEN: "opened", Action.PAUSE: "paused", Action.RESUME: "resumed", Action.CLOSE: "closed",
              Action.REOPEN: "reopened", Action.CHANGE_MODE: "mode_official"}
REPORT_NAMES = {"zero": "zero_report", "pause": "pause_slip", "resume": "resume_slip", "reopen": "reopen_slip",
                "results": "results_tape"}
NAME_OF_REPORT = {kind: name for name, kind in REPORT_NAMES.items()}


def _w(language: str, key: str, **params: object) -> str:
    return word("pollworker", language, key, **params)


def say(out: TextIO, key: str, **params: object) -> None:
    """One line per language: what happened."""
    for language in LANGUAGES:
        print(_w(language, key, **params), file=out)


def say_refused(err: TextIO, reason: str, **params: object) -> None:
    """What happened and what to do, in Korean and English."""
    for language in LANGUAGES:
        print(("거부: " if language == "ko" else "refused: ") + _w(language, reason), file=err)
        print(("  할 일: " if language == "ko" else "  what to do: ") + _w(language, f"{reason}_hint", **params),
              file=err)


def read_card(path: Path) -> str:
    """The card payload from a file (the ``.txt`` that ``kiosk-central cards mint`` writes)."""
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise KioskError(f"cannot read the card file {path}: {getattr(e, 'strerror', None) or e}",
                         hint="give the ROLE-STATION.txt file that 'kiosk-central cards mint' wrote") from e
    return text


def _unlock_refused(err: TextIO, refused: UnlockRefused) -> int:
    until = datetime.fromtimestamp(refused.wait_until_s).strftime("%H:%M:%S") if refused.wait_until_s else ""
    say_refused(err, refused.reason, left=refused.attempts_left, until=until)
    return EXIT_BAD


def _print(station: Station, printer_url: str | None, job: PrintJob, now: int, by: str | None,
           out: TextIO, err: TextIO) -> int:
    """Print a job; say how it went. A report that did not print is shown and can be printed later."""
    printer = open_printer(printer_url)
    try:
        outcome = print_and_record(station, printer, job, now, by)
    finally:
        if printer is not None:
            printer.close()
    name = NAME_OF_REPORT[job.kind]
    later = f"kiosk report {name} --data {station.data.root} --printer URL" + (" --reprint" if job.reprint else "")
    if isinstance(outcome, Printed):
        say(out, "printed")
        if outcome.paper_near_end:
            say(out, "paper_near_end")
        return EXIT_OK
    print(as_text(job.report), file=out)
    if outcome.problem == NO_PRINTER:
        say(out, "no_printer")
        say(out, "print_later", command=later)
        return EXIT_OK
    say(err, "not_printed")
    for language in LANGUAGES:
        message, hint = outcome.words[language]
        print(f"{message}\n  {hint}", file=err)
    say(err, "print_later", command=later)
    return EXIT_BAD


def _with_card(data: Path, card_file: Path, pin: str, now: int, err: TextIO,
               then: Callable[[Station, Unlocked], int]) -> int:
    """Read the card and the PIN, open the station, unlock, and run ``then`` with the unlocked card."""
    card = read_card(card_file)
    if not pin:
        say_refused(err, "pin_missing")
        return EXIT_USAGE
    with Station.open(data) as station:
        who = check_unlock(station, card, pin, now)
        if isinstance(who, UnlockRefused):
            return _unlock_refused(err, who)
        return then(station, who)


def run_step(data: Path, action: Action, card_file: Path, pin: str, now: int, *, printer_url: str | None = None,
             language: str = "ko", out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``kiosk open|pause|resume|close|reopen``: unlock, take the step, print its report."""
    out, err = out or sys.stdout, err or sys.stderr

    def step(station: Station, who: Unlocked) -> int:
        taken = take_step(station, action, who, now, language)
        if isinstance(taken, StepRefused):
            say_refused(err, taken.reason)
            return EXIT_BAD
        say(out, DONE_WORDS[action])
        return _print(station, printer_url, taken.job, now, who.card.card_id, out, err)

    return _with_card(data, card_file, pin, now, err, step)


def run_mode(data: Path, mode: str, card_file: Path, pin: str, now: int, *,
             out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``kiosk mode test|official``: a technician's change to official mode (test is where a station starts)."""
    out, err = out or sys.stdout, err or sys.stderr

    def change(station: Station, who: Unlocked) -> int:
        if Action.CHANGE_MODE not in PERMITTED[who.role]:
            say_refused(err, "role_not_permitted")
            return EXIT_BAD
        if mode == "test":
            if station.mode == "official":
                say_refused(err, "official_is_final")
                return EXIT_BAD
            say(out, "mode_already_test")
            return EXIT_OK
        taken = take_step(station, Action.CHANGE_MODE, who, now, "ko")
        if isinstance(taken, StepRefused):
            say_refused(err, taken.reason)
            return EXIT_BAD
        say(out, DONE_WORDS[Action.CHANGE_MODE])
        return EXIT_OK

    return _with_card(data, card_file, pin, now, err, change)


def run_report(data: Path, name: str, now: int, *, reprint: bool = False, printer_url: str | None = None,
               language: str = "ko", out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``kiosk report NAME``: print a step's report (the original once, then marked REPRINT);
    without a printer, show it."""
    out, err = out or sys.stdout, err or sys.stderr
    with Station.open(data) as station:
        job = print_job(station, REPORT_NAMES[name], now, language, reprint, for_paper=printer_url is not None)
        if isinstance(job, StepRefused):
            say_refused(err, job.reason)
            return EXIT_BAD
        if printer_url is None:
            print(as_text(job.report), file=out)
            return EXIT_OK
        return _print(station, printer_url, job, now, None, out, err)
