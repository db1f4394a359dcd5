"""A poll worker's (or technician's) step with an unlocked card, and the report it prints.

The touchscreen menu and the ``kiosk`` command do the same thing through here::

    who = check_unlock(station, card_payload, pin, now)          # kiosk.station.pinpolicy
    taken = take_step(station, Action.OPEN, who, now, "ko")      # StepTaken | StepRefused
    ... print taken.job.report ...                               # kiosk.app.printing.print_report
    record_printed(station, taken.job, now, by=who.card.card_id) # only once it is on paper

A step is taken (and logged) before its report is printed, so a printer fault never undoes
a step; the report is kept by the log and printed again with :func:`print_job`. The first
print of a step's report is the original; every later one is marked REPRINT. Which was
printed is itself logged (``report_printed``: the report, the step's seq, reprint or not).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.station import eventlog as ev
from kiosk.station.eventlog import Entry
from kiosk.station.lifecycle import PERMITTED, Action, StationState
from kiosk.station.pinpolicy import Unlocked
from kiosk.station.polls import StepRefused, change_mode, close_polls, open_polls, pause_polls, reopen_polls, resume_polls
from kiosk.station.reports import Report
from kiosk.station.station import Station
from kiosk.station.station_reports import REPORT_OF_STEP, STEP_OF_REPORT, report_of, step_entry

REPORT_PRINTED = "report_printed"
STEPS = {Action.OPEN: open_polls, Action.PAUSE: pause_polls, Action.RESUME: resume_polls,
         Action.CLOSE: close_polls, Action.REOPEN: reopen_polls}
REPORTS = tuple(STEP_OF_REPORT)


@dataclass(frozen=True)
class PrintJob:
    """A report to print, and which step's report it is (its log seq)."""

    kind: str
    step_seq: int
    report: Report
    reprint: bool


@dataclass(frozen=True)
class StepTaken:
    """The step is in the log; ``job`` is its report (None for a change of mode)."""

    action: Action
    entry: Entry
    job: PrintJob | None


def take_step(station: Station, action: Action, who: Unlocked, now: int, language: str) -> StepTaken | StepRefused:
    """Take ``action`` (open, pause, resume, close, reopen, change_mode) as the unlocked card's role."""
    if action is Action.CHANGE_MODE:
        # checked here too: kiosk.station.polls.change_mode finishes an interrupted change whoever asks
        if action not in PERMITTED[who.role]:
            return StepRefused("role_not_permitted")
        done = change_mode(station, now, by=who.card.card_id, role=who.role)
        return done if isinstance(done, StepRefused) else StepTaken(action, done, None)
    step = STEPS.get(action)
    if step is None:
        raise ValueError(f"{action} is not a step with a report")
    done = step(station, now, by=who.card.card_id, role=who.role)
    if isinstance(done, StepRefused):
        return done
    entry = done if isinstance(done, Entry) else station.store.last_event((ev.POLLS_CLOSED,))
    kind = REPORT_OF_STEP[entry.kind]
    return StepTaken(action, entry, PrintJob(kind, entry.seq, report_of(station, kind, now, language), False))


def printed_before(station: Station, kind: str, step_seq: int) -> bool:
    """True once the report of the step at ``step_seq`` was printed to the end."""
    return any(e.fields().get("report") == kind and e.fields().get("step_seq") == step_seq
               for e in station.store.events((REPORT_PRINTED,)))


def print_job(station: Station, kind: str, now: int, language: str, reprint: bool,
              for_paper: bool = True) -> PrintJob | StepRefused:
    """The report ``kind`` of its latest step, to print again (or, ``for_paper`` False, to show).

    On paper, an original (``reprint`` False) only while the step's report was never printed to
    the end (``already_printed`` otherwise); a reprint is marked REPRINT. Refused: ``no_such_report``
    when the step never happened, ``not_in_this_state`` for the results tape unless the polls
    are closed (its counts are the ballot box's, which must not have moved since the closing).
    """
    if kind not in REPORTS:
        raise ValueError(f"unknown report {kind}")
    if station.archived:
        return StepRefused("archived")
    entry = step_entry(station.store, kind)
    if entry is None:
        return StepRefused("no_such_report")
    if kind == "results_tape" and station.state is not StationState.POLLS_CLOSED:
        return StepRefused("not_in_this_state")
    if for_paper and not reprint and printed_before(station, kind, entry.seq):
        return StepRefused("already_printed")
    return PrintJob(kind, entry.seq, report_of(station, kind, now, language, reprint=reprint), reprint)


def record_printed(station: Station, job: PrintJob, now: int, by: str | None = None) -> Entry | None:
    """Log that ``job`` came out of the printer to the end (nothing in an archived store)."""
    if station.archived:
        return None
    body = {"report": job.kind, "step_seq": job.step_seq, "reprint": job.reprint, "time": now,
            "station": station.config.station}
    if by is not None:
        body["by"] = by
    with station.store.transaction():
        return station.store.append(REPORT_PRINTED, body)
