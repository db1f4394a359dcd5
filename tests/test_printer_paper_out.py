"""Printer out of paper: before printing nothing is sent; midway the print is reported incomplete."""

from __future__ import annotations

import pytest
from printer_rig import printer_rig

from hardware.document import Cut, Document, Text
from hardware.errors import PrinterNotReady, PrintIncomplete, Problem
from hardware.escpos import Condition, STATUS_QUERY
from hardware.virtual_printer import VirtualPrinter

REPORT = Document([Text(f"line {i}") for i in range(20)] + [Text("끝"), Cut()], title="twenty lines")


def test_out_of_paper_before_printing_refuses_and_sends_nothing(tmp_path):
    with printer_rig(tmp_path, VirtualPrinter(paper_lines=0)) as rig:
        assert rig.printer.status() is Condition.PAPER_OUT
        with pytest.raises(PrinterNotReady) as caught:
            rig.printer.print(REPORT)
        assert caught.value.problem is Problem.PAPER_OUT
        assert rig.device.bytes_received == 2 * len(STATUS_QUERY)  # two status checks, no job
        assert rig.device.printed == [] and rig.device.lines_lost == 0


def test_out_of_paper_midway_is_reported_not_lost(tmp_path):
    with printer_rig(tmp_path, VirtualPrinter(paper_lines=5)) as rig:
        with pytest.raises(PrintIncomplete) as caught:
            rig.printer.print(REPORT)
        assert caught.value.problem is Problem.PAPER_OUT
        assert rig.device.transcript() == [f"line {i}" for i in range(5)]
        assert rig.device.lines_lost > 0
        message, hint = caught.value.say("ko")
        assert "용지" in message and "다시 인쇄" in hint
        message, hint = caught.value.say("en")
        assert "out of paper" in message and "print it again" in hint


def test_after_a_new_roll_the_same_printer_prints_in_full(tmp_path):
    with printer_rig(tmp_path, VirtualPrinter(paper_lines=3)) as rig:
        with pytest.raises(PrintIncomplete):
            rig.printer.print(REPORT)
        rig.device.load_paper()
        result = rig.printer.print(REPORT)
        assert result.lines == 22
        assert rig.device.transcript()[-22:-2] == [f"line {i}" for i in range(20)]
        assert rig.device.transcript()[-1] == "(cut)"


def test_paper_near_end_prints_and_warns(tmp_path):
    with printer_rig(tmp_path, VirtualPrinter(paper_lines=60, near_end_lines=30)) as rig:
        first = rig.printer.print(REPORT)  # 39 lines left after it: the sensor is still quiet
        assert not first.paper_near_end and first.warning is None
        second = rig.printer.print(REPORT)  # 18 left: printed in full, and a warning
        assert second.paper_near_end and second.warning is Problem.PAPER_NEAR_END
