"""Printer cover open: refused before printing; opened midway, the print is reported incomplete."""

from __future__ import annotations

import pytest
from printer_rig import printer_rig

from hardware.document import Cut, Document, Text
from hardware.errors import PrinterNotReady, PrintIncomplete, Problem
from hardware.escpos import Condition
from hardware.virtual_printer import VirtualPrinter

REPORT = Document([Text(f"line {i}") for i in range(12)] + [Cut()], title="twelve lines")


def test_cover_open_refuses_with_a_hint_in_both_languages(tmp_path):
    with printer_rig(tmp_path, VirtualPrinter(cover_open=True)) as rig:
        assert rig.printer.status() is Condition.COVER_OPEN
        with pytest.raises(PrinterNotReady) as caught:
            rig.printer.print(REPORT)
        assert caught.value.problem is Problem.COVER_OPEN
        assert "덮개" in caught.value.say("ko")[0] and "cover" in caught.value.say("en")[0]
        assert rig.device.printed == []


def test_cover_opened_midway_is_reported(tmp_path):
    device = VirtualPrinter()
    device.open_cover_after(4)
    with printer_rig(tmp_path, device) as rig:
        with pytest.raises(PrintIncomplete) as caught:
            rig.printer.print(REPORT)
        assert caught.value.problem is Problem.COVER_OPEN
        assert rig.device.transcript() == [f"line {i}" for i in range(4)]


def test_cover_closed_again_prints(tmp_path):
    with printer_rig(tmp_path, VirtualPrinter(cover_open=True)) as rig:
        with pytest.raises(PrinterNotReady):
            rig.printer.print(REPORT)
        rig.device.close_cover()
        assert rig.printer.print(REPORT).lines == 13
