"""Report models (kiosk.reports) rendered as printer documents (hardware.document)."""

from __future__ import annotations

from hardware.document import QR, Align, Columns, Cut, Document, Feed, Rule, Text
from hardware.printer import Printer
from kiosk.reports import Code, Heading, Line, Pair, Report
from kiosk.reports import Rule as ReportRule


def report_document(report: Report) -> Document:
    """The printer document of a report: headings centred and bold, pairs in two columns."""
    blocks = []
    for block in report.blocks:
        if isinstance(block, Heading):
            blocks.append(Text(block.text, bold=True, align=Align.CENTER))
        elif isinstance(block, Line):
            blocks.append(Text(block.text))
        elif isinstance(block, Pair):
            blocks.append(Columns(block.label, block.value))
        elif isinstance(block, Code):
            blocks += [QR(block.payload), Text(block.caption, align=Align.CENTER)]
        elif isinstance(block, ReportRule):
            blocks.append(Rule())
    blocks += [Feed(3), Cut()]
    return Document(blocks, title=report.kind)


def open_printer(url: str | None) -> Printer | None:
    """The printer at ``url`` (any pyserial URL, or file:PATH), or None when there is none."""
    return Printer(url) if url else None
