"""Report models (kiosk.station.reports) rendered as printer documents (hardware.document), and printed.

A print is an expected outcome either way: :class:`Printed`, or :class:`NotPrinted` with the
printer's words in Korean and English. Only a print that came out to the end is logged as
printed (:func:`print_and_record`), so a failed one is never taken for done.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hardware.document import PAPER_58MM, PAPER_80MM, QR, Align, Columns, Cut, Document, Feed, Rule, Slot, Text
from hardware.errors import PrinterError
from hardware.printer import Printer
from kiosk.station.pollsteps import PrintJob, record_printed
from kiosk.station.reports import PRIVATE_KINDS, Code, Heading, Line, Pair, Report
from kiosk.station.reports import Slot as ReportSlot
from kiosk.station.reports import Rule as ReportRule
from kiosk.station.station import Station
from kiosk.words import LANGUAGES

log = logging.getLogger(__name__)
NO_PRINTER = "no_printer"


def report_document(report: Report, large: bool = False) -> Document:
    """The printer document of a report: headings centred and bold, pairs in two columns, slots of
    fixed size; a paper record or spoiled slip is private (the printer logs nothing per copy);
    ``large``: large print (everything twice the size, capitals >= 5 mm) for a voter who asked for it."""
    blocks = []
    for block in report.blocks:
        if isinstance(block, Heading):
            # large print is already three times the size: a doubled heading would break into pieces
            blocks.append(Text(block.text, size=1 if large else block.size, bold=True, align=Align.CENTER))
        elif isinstance(block, Line):
            blocks.append(Text(block.text))
        elif isinstance(block, Pair):
            blocks.append(Columns(block.label, block.value))
        elif isinstance(block, Code):
            blocks += [QR(block.payload), Text(block.caption, align=Align.CENTER)]
        elif isinstance(block, ReportSlot):
            blocks.append(Slot(block.text, block.reserve))
        elif isinstance(block, ReportRule):
            blocks.append(Rule())
    blocks += [Feed(3), Cut()]
    return Document(blocks, title=report.kind, private=report.kind in PRIVATE_KINDS, large=large)


def open_printer(url: str | None, paper_mm: int = 80, baudrate: int = 19200) -> Printer | None:
    """The printer at ``url`` (any pyserial URL, or file:PATH) on ``paper_mm`` paper at ``baudrate``
    (``[printer]``), or None when there is none."""
    return Printer(url, PAPER_58MM if paper_mm == 58 else PAPER_80MM, baudrate=baudrate) if url else None


@dataclass(frozen=True)
class Printed:
    """The report came out to the end; ``paper_near_end`` asks for a new roll soon."""

    paper_near_end: bool


@dataclass(frozen=True)
class NotPrinted:
    """The report did not come out (or not all of it). ``problem``: a ``hardware.errors.Problem``
    value or ``no_printer``; ``words``: language -> (what happened, what to do)."""

    problem: str
    words: dict


def print_report(printer: Printer | None, report: Report) -> Printed | NotPrinted:
    """Print ``report`` to the end, or say why not (never raises for a printer fault)."""
    if printer is None:
        return NotPrinted(NO_PRINTER, {})
    try:
        result = printer.print(report_document(report))
    except PrinterError as e:
        log.warning("%s not printed: %s", report.kind, e.problem.value)
        return NotPrinted(e.problem.value, {language: e.say(language) for language in LANGUAGES})
    return Printed(result.paper_near_end)


def print_and_record(station: Station, printer: Printer | None, job: PrintJob, now: int,
                     by: str | None = None) -> Printed | NotPrinted:
    """Print a step's report and, once it is out to the end, log ``report_printed``."""
    outcome = print_report(printer, job.report)
    if isinstance(outcome, Printed):
        record_printed(station, job, now, by)
    return outcome
